"""Reading claims and reference files in bounded chunks of raw text, each row with its source line.

Every cell comes out as text exactly as read (pandas ``str`` dtype, ``<NA>`` for an absent
cell) so that validation sees one representation whatever the format, and the quarantine can
show a rejected row as it was. Line numbers count the header as line 1 (Excel's row number for
XLSX; row index + 2 for Parquet).

CSV goes through pyarrow's streaming reader when the checking pass (``ingest.encoding``) proves
each data row is one physical line; otherwise (quoted fields, blank lines, rows with the wrong
number of fields) through the standard ``csv`` module, slower but exact about lines.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ingest.encoding import TextScan, scan_text
from ringtrace.errors import InputError

__all__ = ["CHUNK_ROWS", "FORMATS", "RawChunk", "Source", "open_source"]

CHUNK_ROWS = 200_000
FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".parquet": "parquet"}


@dataclass
class RawChunk:
    """A block of rows as read: ``frame`` has the file's own headers as columns."""

    frame: pd.DataFrame
    lines: np.ndarray  # int64 source line of each row of frame
    malformed: list[tuple[int, str]] = field(default_factory=list)  # (line, text) not splittable


@dataclass
class Source:
    """One input file, opened far enough to know its format, encoding, header and hash."""

    path: Path
    kind: str
    fmt: str
    sha256: str
    headers: list[str]
    encoding: str | None = None
    size: int = 0
    scan: TextScan | None = None

    def chunks(self, rows: int = CHUNK_ROWS) -> Iterator[RawChunk]:
        if self.fmt == "csv":
            if self.scan.lines_exact_by_rows:
                return _csv_fast(self, rows)
            return _csv_exact(self, rows)
        if self.fmt == "xlsx":
            return _xlsx(self, rows)
        return _parquet(self, rows)


def _unique_headers(raw: list) -> list[str]:
    out, seen = [], {}
    for i, h in enumerate(raw):
        h = "" if h is None else str(h).replace("\ufeff", "").strip()
        h = h or f"column_{i + 1}"
        if h in seen:
            seen[h] += 1
            h = f"{h}.{seen[h]}"
        else:
            seen[h] = 0
        out.append(h)
    return out


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


def _empty(path: Path, kind: str) -> InputError:
    return InputError(
        f"{path}: 文件为空（没有表头行），未载入任何数据。The file is empty (no header row). Nothing was loaded. A {kind} file needs a "
        f"header row naming its columns, then one row per record; export it again."
    )


def open_source(path: Path, kind: str) -> Source:
    """Open ``path`` far enough to check it as a whole: readable, not empty, decodable, header."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"{path}: unsupported file type {path.suffix!r}. Give .csv (UTF-8 or GB18030), .xlsx "
            f"or .parquet files, or a folder holding claims.* and optional reference files."
        )
    if not path.is_file():
        raise InputError(f"{path}: no such file. Check the path and run again.")
    try:
        if fmt == "csv":
            return _open_csv(path, kind)
        if fmt == "xlsx":
            return _open_xlsx(path, kind)
        return _open_parquet(path, kind)
    except InputError:
        raise
    except Exception as e:  # a damaged zip, a non-Parquet file named .parquet, a permission fault
        raise InputError(
            f"{path}: the file cannot be read as {fmt} ({type(e).__name__}: {e}). Nothing was "
            f"loaded. Check it opens in Excel or export it again."
        ) from e


# --- CSV -------------------------------------------------------------------------------------
def _open_csv(path: Path, kind: str) -> Source:
    scan = scan_text(path)
    with open(path, encoding=scan.encoding, newline="") as fh:
        header = next(csv.reader(fh), None)
    if scan.size == 0 or header is None or not any(h.strip() for h in header):
        raise _empty(path, kind)
    return Source(path, kind, "csv", scan.sha256, _unique_headers(header), scan.encoding, scan.size, scan)


def _frame(columns: list[str], arrays: list) -> pd.DataFrame:
    return pd.DataFrame({c: pd.array(a, dtype="str") for c, a in zip(columns, arrays)})


def _csv_fast(src: Source, rows: int) -> Iterator[RawChunk]:
    # The scan proved every data row is one physical line, so the file can be cut at newlines
    # into blocks of about ``rows`` rows, each parsed by Arrow on its own: memory stays bounded
    # by the block, not by how far a background reader runs ahead.
    import pyarrow.csv as pacsv

    per_row = max(src.size / max(src.scan.lines, 1), 16.0)
    target = max(int(per_row * rows), 1 << 16)
    read_opts = pacsv.ReadOptions(
        encoding="utf8" if src.encoding.startswith("utf-8") else src.encoding,
        column_names=src.headers,
        block_size=1 << 23,
    )
    parse_opts = pacsv.ParseOptions(newlines_in_values=False)
    convert_opts = pacsv.ConvertOptions(
        column_types={h: pa.string() for h in src.headers},
        strings_can_be_null=False,
        include_columns=src.headers,
    )
    line = 2
    emitted = False
    with open(src.path, "rb") as fh:
        fh.readline()  # the header
        carry = b""
        while True:
            block = fh.read(target)
            data = carry + block
            if block:
                cut = data.rfind(b"\n") + 1
                if cut == 0:
                    carry = data
                    continue
                data, carry = data[:cut], data[cut:]
            if data.strip():
                table = pacsv.read_csv(pa.BufferReader(data), read_options=read_opts,
                                       parse_options=parse_opts, convert_options=convert_opts)
                frame = table.to_pandas(types_mapper=lambda t: pd.StringDtype("pyarrow", na_value=np.nan))
                frame = frame.astype("str")
                del table
                yield RawChunk(frame, np.arange(line, line + len(frame), dtype=np.int64))
                line += len(frame)
                emitted = True
            if not block:
                break
    if not emitted:
        yield RawChunk(_frame(src.headers, [[] for _ in src.headers]), np.array([], np.int64))


def _csv_exact(src: Source, rows: int) -> Iterator[RawChunk]:
    width = len(src.headers)
    with open(src.path, encoding=src.encoding, newline="") as fh:
        reader = csv.reader(fh)
        next(reader, None)
        prev_end = reader.line_num
        cols: list[list] = [[] for _ in range(width)]
        lines: list[int] = []
        malformed: list[tuple[int, str]] = []
        for rec in reader:
            start, prev_end = prev_end + 1, reader.line_num
            if not rec or (len(rec) == 1 and rec[0] == ""):
                continue  # a blank line is no row
            if len(rec) != width:
                buf = io.StringIO()
                csv.writer(buf, lineterminator="").writerow(rec)
                malformed.append((start, buf.getvalue()))
            else:
                for c, v in zip(cols, rec):
                    c.append(v)
                lines.append(start)
            if len(lines) + len(malformed) >= rows:
                yield RawChunk(_frame(src.headers, cols), np.array(lines, np.int64), malformed)
                cols, lines, malformed = [[] for _ in range(width)], [], []
        yield RawChunk(_frame(src.headers, cols), np.array(lines, np.int64), malformed)


# --- XLSX ------------------------------------------------------------------------------------
def _cell_text(v) -> str | None:
    """A cell as the text a user would see; real datetimes in the forms validation accepts."""
    if v is None:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, dt.date):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v)


def _open_xlsx(path: Path, kind: str) -> Source:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        header = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), None)
    finally:
        wb.close()
    if header is None or not any(h is not None and str(h).strip() for h in header):
        raise _empty(path, kind)
    size = path.stat().st_size
    return Source(path, kind, "xlsx", _file_sha256(path), _unique_headers(list(header)), None, size)


def _xlsx(src: Source, rows: int) -> Iterator[RawChunk]:
    import openpyxl

    width = len(src.headers)
    wb = openpyxl.load_workbook(src.path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        cols: list[list] = [[] for _ in range(width)]
        lines: list[int] = []
        for n, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
            cells = [_cell_text(v) for v in row[:width]]
            if not any(c is not None and c.strip() for c in cells):
                continue  # Excel keeps formatted empty rows; they are no data
            cells += [None] * (width - len(cells))
            for c, v in zip(cols, cells):
                c.append(v)
            lines.append(n)
            if len(lines) >= rows:
                yield RawChunk(_frame(src.headers, cols), np.array(lines, np.int64))
                cols, lines = [[] for _ in range(width)], []
        yield RawChunk(_frame(src.headers, cols), np.array(lines, np.int64))
    finally:
        wb.close()


# --- Parquet ---------------------------------------------------------------------------------
def _open_parquet(path: Path, kind: str) -> Source:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    names = pf.schema_arrow.names
    if not names:
        raise _empty(path, kind)
    return Source(path, kind, "parquet", _file_sha256(path), _unique_headers(names), None,
                  pf.metadata.num_rows)


def _as_text(arr: pa.Array) -> pa.Array:
    import pyarrow.compute as pc

    t = arr.type
    if pa.types.is_timestamp(t):
        if t.unit != "s":
            # Arrow prints %S of a millisecond (or finer) time with its fraction ("00:00:29.000"),
            # which the validator's one-pass fast path does not take: every other accepted form was
            # then tried on every row first (54% of a 15M-claim ingest). Whole seconds print as such;
            # a real fraction is kept.
            whole = arr.cast(pa.timestamp("s", tz=t.tz), safe=False)
            if pc.all(pc.fill_null(pc.equal(whole.cast(t), arr), True)).as_py() is not False:
                arr = whole
        if arr.type.tz is None:
            # the cast prints 'YYYY-MM-DD HH:MM:SS' (with a fraction only where there is one), as
            # strftime below does, 30 times faster
            return pc.cast(arr, pa.string())
        return pc.strftime(arr, format="%Y-%m-%d %H:%M:%S")
    if pa.types.is_date(t):
        return pc.cast(arr, pa.string())  # 'YYYY-MM-DD
    if pa.types.is_dictionary(t):
        arr = arr.dictionary_decode()
    if pa.types.is_floating(t):  # NaN is how some writers store "no value"
        arr = pc.if_else(pc.is_nan(arr), pa.scalar(None, t), arr)
    return pc.cast(arr, pa.string())


def _parquet(src: Source, rows: int) -> Iterator[RawChunk]:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(src.path)
    line = 2
    emitted = False
    for batch in pf.iter_batches(batch_size=rows):
        arrays = [_as_text(batch.column(i)) for i in range(batch.num_columns)]
        table = pa.Table.from_arrays(arrays, names=src.headers)
        frame = table.to_pandas(types_mapper=lambda t: pd.StringDtype("pyarrow", na_value=np.nan))
        frame = frame.astype("str")
        yield RawChunk(frame, np.arange(line, line + len(frame), dtype=np.int64))
        line += len(frame)
        emitted = True
    if not emitted:
        yield RawChunk(_frame(src.headers, [[] for _ in src.headers]), np.array([], np.int64))
