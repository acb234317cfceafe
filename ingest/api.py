"""``ingest_paths``: the whole of ``ringtrace ingest`` minus the printing.

Order of work: find the files; open each far enough to catch whole-file faults (unreadable,
empty, undecodable, a required column missing) before touching the workspace; then, holding
the workspace lock, stage everything (reference files first, so claims can be checked against
them), and commit by rename only when every file went through.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import uuid
from collections import Counter
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ingest import analytic
from ingest.analytic import CLAIM_SCHEMA, INDEX_DIR, MANIFEST, QUARANTINE, QUARANTINE_KEYS, REFERENCE_DTYPES
from ingest.claim_index import INDEX_SCHEMA, ClaimIndex, content_hashes, id_hashes
from ingest.columns import REFERENCE_COLUMNS
from ingest.headers import KINDS, resolve_headers
from ingest.mapping import Mapping, load_mapping
from ingest.readers import FORMATS, Source, open_source
from ingest.report import FileReport, IngestReport
from ingest.staging import Stage, recover
from ingest.validate import check_chunk
from ringtrace.errors import InputError
from ringtrace.workspace import Workspace

__all__ = ["ingest_paths", "discover", "QUARANTINE_FIXED"]

QUARANTINE_FIXED = ["run_id", "source_file", "line", "reason_codes", "message_zh", "message_en"]
_REF_ORDER = {"institutions": 0, "doctors": 1, "patients": 2, "claims": 3}


# --- finding files ---------------------------------------------------------------------------
def _kind_of(path: Path) -> str:
    stem = path.stem.lower()
    return stem if stem in KINDS and stem != "claims" else "claims"


def discover(paths) -> list[tuple[str, Path]]:
    """(kind, file) for every input, reference files first.

    A file named ``institutions.*``, ``doctors.*`` or ``patients.*`` is that reference kind; any
    other file holds claims. A folder contributes its ``claims.*`` and reference files.
    """
    found: list[tuple[str, Path]] = []
    if not paths:
        raise InputError("no input given. Name claims files (.csv, .xlsx, .parquet) or folders.")
    for p in map(Path, paths):
        if p.is_dir():
            inside = []
            for kind in KINDS:
                hits = sorted(f for f in p.iterdir() if f.is_file() and f.stem.lower() == kind
                              and f.suffix.lower() in FORMATS)
                if len(hits) > 1:
                    raise InputError(
                        f"{p}: the folder holds more than one {kind} file ({', '.join(h.name for h in hits)}). "
                        f"Keep one, or name the files on the command line."
                    )
                inside += [(kind, h) for h in hits]
            if not inside:
                raise InputError(
                    f"{p}: the folder holds no claims.* or reference file (institutions.*, doctors.*, "
                    f"patients.*; .csv, .xlsx or .parquet). Name the files to load directly instead."
                )
            found += inside
        elif p.exists():
            found.append((_kind_of(p), p))
        else:
            raise InputError(f"{p}: no such file or folder. Check the path and run again.")
    seen, out = set(), []
    for kind, f in found:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            out.append((kind, f))
    return sorted(out, key=lambda kf: _REF_ORDER[kf[0]])


# --- progress ----------------------------------------------------------------------------------
def _progress(enabled: bool, total: int | None, desc: str):
    from tqdm import tqdm

    quiet = not enabled or not sys.stderr.isatty() or os.environ.get("CI", "").lower() == "true"
    return tqdm(total=total, desc=desc, unit="row", unit_scale=True, file=sys.stderr, disable=quiet,
                leave=False)


# --- quarantine --------------------------------------------------------------------------------
class _Quarantine:
    """Rejected rows of this run, minus those the quarantine already holds."""

    def __init__(self, ws: Workspace, run_id: str):
        self.run_id = run_id
        path = ws.root / QUARANTINE_KEYS
        self.keys: set[tuple[str, int]] = set()
        if path.exists():
            t = pq.read_table(path)
            self.keys = set(zip(t.column("file_sha256").to_pylist(), t.column("line").to_pylist()))
        self.new_keys: list[tuple[str, int]] = []
        self.frames: list[pd.DataFrame] = []

    def add(self, src: Source, raw: pd.DataFrame, lines: np.ndarray, codes, zh, en) -> int:
        """Queue rejected rows; returns how many were already held."""
        keep = [i for i, ln in enumerate(lines) if (src.sha256, int(ln)) not in self.keys]
        for i in keep:
            key = (src.sha256, int(lines[i]))
            self.keys.add(key)
            self.new_keys.append(key)
        if keep:
            fixed = pd.DataFrame({
                "run_id": self.run_id,
                "source_file": str(src.path),
                "line": np.asarray(lines)[keep].astype(np.int64),
                "reason_codes": [codes[i] for i in keep],
                "message_zh": [zh[i] for i in keep],
                "message_en": [en[i] for i in keep],
            })
            cells = raw.iloc[keep].reset_index(drop=True)
            cells.columns = [c if c not in QUARANTINE_FIXED else f"src:{c}" for c in cells.columns]
            self.frames.append(pd.concat([fixed, cells.astype(object)], axis=1))
        return len(lines) - len(keep)

    def stage(self, ws: Workspace, stage: Stage) -> int:
        if not self.new_keys:
            return 0
        path = ws.root / QUARANTINE
        parts = []
        if path.exists():
            parts.append(pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig"))
        parts += self.frames
        allq = pd.concat(parts, ignore_index=True, sort=False)
        cols = QUARANTINE_FIXED + [c for c in allq.columns if c not in QUARANTINE_FIXED]
        allq[cols].to_csv(stage.path(QUARANTINE), index=False, encoding="utf-8-sig")
        keys_path = ws.root / QUARANTINE_KEYS
        new = pa.table({"file_sha256": pa.array([k[0] for k in self.new_keys], pa.string()),
                        "line": pa.array([k[1] for k in self.new_keys], pa.int64())})
        if keys_path.exists():
            new = pa.concat_tables([pq.read_table(keys_path), new])
        pq.write_table(new, stage.path(QUARANTINE_KEYS))
        return len(self.new_keys)


# --- reference files ---------------------------------------------------------------------------
def _reference(ws, src: Source, colmap, mapping, quarantine, rep: FileReport, progress, current):
    kind = src.kind
    key = REFERENCE_COLUMNS[kind][0]
    pieces = []
    with _progress(progress, None, src.path.name) as bar:
        for chunk in src.chunks():
            checked = check_chunk(chunk.frame, kind, colmap, mapping)
            rep.read += len(chunk.frame) + len(chunk.malformed)
            _reject_malformed(src, chunk, quarantine, rep)
            bad = checked.bad
            if bad.any():
                _reject(src, chunk.frame, chunk.lines, bad, checked.codes, checked.msg_zh, checked.msg_en,
                        quarantine, rep)
            good = checked.clean[~bad].copy()
            good["_line"] = chunk.lines[~bad]
            pieces.append(good)
            bar.update(len(chunk.frame))
    new = pd.concat(pieces, ignore_index=True).astype(REFERENCE_DTYPES[kind] | {"_line": "int64"})
    # one file, one record per id: exact repeats are duplicates, differing repeats conflicts
    cols = list(REFERENCE_COLUMNS[kind])
    dup_id = new.duplicated(key, keep="first")
    dup_row = new.duplicated(cols, keep="first")
    conflict = dup_id & ~dup_row
    rep.duplicates += int((dup_id & dup_row).sum())
    if conflict.any():
        rows = new[conflict]
        codes = ["duplicate_conflict"] * len(rows)
        zh = [f"{key}“{v}”在本文件中重复出现且内容不同，保留第一行" for v in rows[key]]
        en = [f"{key} '{v}' appears again in this file with different content; the first row is kept"
              for v in rows[key]]
        # the raw cells of these (rare) rows are read again, so chunks need not be kept
        raw_cells = _raw_rows(src, rows["_line"].to_numpy())
        _reject(src, raw_cells, rows["_line"].to_numpy(), np.ones(len(rows), bool), codes, zh, en, quarantine, rep)
    new = new[~dup_id].drop(columns="_line")
    old = current.get(kind)
    if old is None:
        merged = new
        changed_ids = len(new)
    else:
        merged = pd.concat([old[~old[key].isin(new[key])], new], ignore_index=True)
        both = old.merge(new, on=cols, how="inner")
        changed_ids = len(new) - len(both)
        rep.duplicates += len(both)
    merged = merged.sort_values(key, kind="stable").reset_index(drop=True).astype(REFERENCE_DTYPES[kind])
    rep.loaded += changed_ids
    return merged, changed_ids > 0


def _raw_rows(src: Source, lines: np.ndarray) -> pd.DataFrame:
    want = set(int(x) for x in lines)
    parts = []
    for chunk in src.chunks():
        sel = np.isin(chunk.lines, list(want))
        if sel.any():
            parts.append(chunk.frame[sel])
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=src.headers)


def _reject(src, raw, lines, bad, codes, zh, en, quarantine: _Quarantine, rep: FileReport) -> None:
    rows = np.flatnonzero(bad)
    rep.rejected += len(rows)
    for c in codes:
        rep.reasons.update(c.split(";"))
    rep.already_quarantined += quarantine.add(src, raw.iloc[rows], np.asarray(lines)[rows], codes, zh, en)


def _reject_malformed(src, chunk, quarantine, rep) -> None:
    if not chunk.malformed:
        return
    n = len(src.headers)
    lines = np.array([m[0] for m in chunk.malformed], np.int64)
    raw = pd.DataFrame({"raw_text": [m[1] for m in chunk.malformed]})
    counts = [len(next(csv.reader([m[1]]), [])) for m in chunk.malformed]
    codes = ["malformed_row"] * len(lines)
    zh = [f"该行有{k}个字段，表头有{n}个" for k in counts]
    en = [f"the row has {k} fields, the header {n}" for k in counts]
    _reject(src, raw, lines, np.ones(len(lines), bool), codes, zh, en, quarantine, rep)


# --- claims ------------------------------------------------------------------------------------
class _ClaimWriter:
    """Accepted claims, written straight to staged Parquet files, one per settled month."""

    def __init__(self, stage: Stage, batch_id: str):
        self.stage, self.batch_id = stage, batch_id
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.rows: dict[str, int] = Counter()
        self.index_writer: pq.ParquetWriter | None = None

    def rel(self, month: str) -> str:
        return f"claims/month={month}/{self.batch_id}.parquet"

    def write(self, good: pd.DataFrame, ids: np.ndarray, contents: np.ndarray) -> None:
        if good.empty:
            return
        months = good["settled_at"].to_numpy().astype("datetime64[M]")
        order = np.argsort(months, kind="stable")
        table = pa.Table.from_pandas(good, schema=CLAIM_SCHEMA, preserve_index=False).take(order)
        months = months[order]
        labels, starts = np.unique(months, return_index=True)
        ends = list(starts[1:]) + [len(months)]
        for m, a, b in zip(labels, starts, ends):  # one zero-copy slice per settled month
            label = str(m)  # 'YYYY-MM'
            if label not in self.writers:
                self.writers[label] = pq.ParquetWriter(self.stage.path(self.rel(label)), CLAIM_SCHEMA)
            self.writers[label].write_table(table.slice(int(a), int(b - a)))
            self.rows[label] += int(b - a)
        if self.index_writer is None:
            self.index_writer = pq.ParquetWriter(self.stage.path(f"{INDEX_DIR}/{self.batch_id}.parquet"),
                                                 INDEX_SCHEMA)
        self.index_writer.write_table(pa.table(
            {"claim_id": pa.array(good["claim_id"].astype(object), pa.string()),
             "id_hash": pa.array(ids, pa.uint64()), "content_hash": pa.array(contents, pa.uint64())},
            schema=INDEX_SCHEMA))

    def close(self) -> None:
        for w in self.writers.values():
            w.close()
        if self.index_writer is not None:
            self.index_writer.close()

    @property
    def total(self) -> int:
        return int(sum(self.rows.values()))


def _claims(src: Source, colmap, mapping, index: ClaimIndex, writer: _ClaimWriter, quarantine,
            rep: FileReport, progress, refs, unknown: dict) -> None:
    cards = None
    if refs.get("patients") is not None:
        p = refs["patients"].dropna(subset=["card_id"])
        cards = pd.Series(p["card_id"].astype("str").to_numpy(), index=p["patient_id"].astype("str").to_numpy())
    known_inst = None if refs.get("institutions") is None else set(refs["institutions"]["institution_id"])
    known_doc = None if refs.get("doctors") is None else set(refs["doctors"]["doctor_id"])
    total = src.scan.lines - 1 if src.scan else src.size if src.fmt == "parquet" else None
    with _progress(progress, total, src.path.name) as bar:
        for chunk in src.chunks():
            rep.read += len(chunk.frame) + len(chunk.malformed)
            _reject_malformed(src, chunk, quarantine, rep)
            checked = check_chunk(chunk.frame, "claims", colmap, mapping)
            clean, bad = checked.clean, checked.bad.copy()
            ok = np.flatnonzero(~bad)
            cand = clean.iloc[ok].reset_index(drop=True)
            ids = id_hashes(cand["claim_id"])
            contents = content_hashes(cand, ids)
            known, known_content = index.lookup(ids)
            # first occurrence of an id within this chunk decides for the later ones
            first = ~pd.Series(ids).duplicated(keep="first").to_numpy()
            first_content = pd.Series(contents).groupby(ids).transform("first").to_numpy(np.uint64)
            ref_content = np.where(known, known_content, first_content)
            is_new = ~known & first
            dup = ~is_new & (contents == ref_content)
            conflict = ~is_new & ~dup
            rep.duplicates += int(dup.sum())
            codes, zh, en = list(checked.codes), list(checked.msg_zh), list(checked.msg_en)
            if conflict.any():
                rows = ok[conflict]
                bad[rows] = True
                cid = cand["claim_id"].to_numpy()[conflict]
                allrows = np.concatenate([np.flatnonzero(checked.bad), rows])
                # merge the conflicts into row order, as _reject expects
                codes += ["duplicate_conflict"] * len(rows)
                zh += [f"结算单号{c}已以不同内容载入，未覆盖（请核对两次导出）" for c in cid]
                en += [f"claim_id {c} is already loaded with different content; not overwritten "
                       f"(compare the two exports)" for c in cid]
                order = np.argsort(allrows, kind="stable")
                codes, zh, en = ([x[i] for i in order] for x in (codes, zh, en))
            if bad.any():
                _reject(src, chunk.frame, chunk.lines, bad, codes, zh, en, quarantine, rep)
            good = cand[is_new].reset_index(drop=True)
            g_ids, g_contents = ids[is_new], contents[is_new]
            index.add(g_ids, g_contents)
            if not good.empty:
                missing = good["card_id"].isna()
                if missing.any():
                    fill = good["patient_id"][missing]
                    if cards is not None:
                        fill = fill.map(cards).fillna(fill)
                    good.loc[missing, "card_id"] = fill
                for key, known_set, col in (("institutions", known_inst, "institution_id"),
                                            ("doctors", known_doc, "doctor_id")):
                    if known_set is None:
                        continue
                    vals = good[col].dropna()
                    miss = vals[~vals.isin(known_set)]
                    unknown[key].update(miss.unique().tolist())
                    unknown[key + "_claims"] += len(miss)
            writer.write(good, g_ids, g_contents)
            rep.loaded += len(good)
            bar.update(len(chunk.frame) + len(chunk.malformed))


# --- the run -----------------------------------------------------------------------------------
def _steady_malloc() -> None:
    # glibc raises its mmap threshold each time a large block is freed, after which chunk-sized
    # numpy/pandas buffers land on the heap and fragment it: resident memory then creeps up
    # with every chunk (about 80 MB per million claims here). A fixed 1 MiB threshold hands such
    # buffers back to the system when freed, so memory stays flat with file size, for ~10% CPU.
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 1 << 20)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):
        pass  # not glibc: nothing to tune


def _new_run_id() -> str:
    return f"{datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def ingest_paths(ws: Workspace, paths, mapping: Mapping | str | Path | None = None,
                 progress: bool = True) -> IngestReport:
    """Validate and load ``paths`` (files or folders) into the workspace, all or nothing.

    Parameters
    ----------
    ws : the workspace
    paths : claims files (.csv, .xlsx, .parquet), reference files named institutions.*,
        doctors.*, patients.*, or folders holding them
    mapping : a ``Mapping`` or the path of a ``--mapping`` TOML file
    progress : show a progress bar on stderr (only on a terminal, never when CI=true)

    Returns
    -------
    IngestReport (``ingest.report.format_report`` prints it)

    Raises
    ------
    ringtrace.errors.InputError
        A whole-file fault; nothing in the workspace changed.
    ringtrace.errors.WorkspaceError
        Another run holds the workspace lock.
    """
    if not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping)
    files = discover(paths)
    sources: list[tuple[Source, dict]] = []
    for kind, path in files:
        src = open_source(path, kind)
        sources.append((src, resolve_headers(src.headers, kind, mapping, path)))

    _steady_malloc()
    with ws.lock("ingest"):
        recover(ws)
        run_id = _new_run_id()
        report = IngestReport(run_id=run_id, quarantine_path=str(analytic.quarantine_file(ws)))
        stage = Stage(ws, run_id)
        try:
            changed = _run(ws, stage, sources, mapping, progress, report)
            report.changed = changed
            if changed:
                stage.commit(last=MANIFEST)
            else:
                stage.abort()
        except BaseException:
            stage.abort()
            raise
        if changed:
            ws.bump_version()
    return report


def _run(ws, stage, sources, mapping, progress, report: IngestReport) -> bool:
    quarantine = _Quarantine(ws, report.run_id)
    refs = {k: analytic.read_reference(ws, k) for k in REFERENCE_COLUMNS}
    changed = False
    for src, colmap in sources:
        if src.kind == "claims":
            continue
        rep = FileReport(str(src.path), src.kind, src.fmt, src.encoding)
        report.files.append(rep)
        merged, ref_changed = _reference(ws, src, colmap, mapping, quarantine, rep, progress, refs)
        refs[src.kind] = merged
        if ref_changed:
            pq.write_table(pa.Table.from_pandas(merged, preserve_index=False),
                           stage.path(f"reference/{src.kind}.parquet"))
            changed = True

    claim_sources = [(s, c) for s, c in sources if s.kind == "claims"]
    if claim_sources:
        m = analytic.manifest(ws)
        index = ClaimIndex.load([ws.root / INDEX_DIR / f"{b['batch_id']}.parquet" for b in m["batches"]
                                 if (ws.root / INDEX_DIR / f"{b['batch_id']}.parquet").exists()])
        writer = _ClaimWriter(stage, report.run_id)
        unknown = {"institutions": set(), "doctors": set(), "institutions_claims": 0, "doctors_claims": 0}
        try:
            for src, colmap in claim_sources:
                rep = FileReport(str(src.path), "claims", src.fmt, src.encoding)
                report.files.append(rep)
                _claims(src, colmap, mapping, index, writer, quarantine, rep, progress, refs, unknown)
        finally:
            writer.close()
        if refs.get("institutions") is not None:
            report.unknown_institutions = len(unknown["institutions"])
            report.unknown_institution_claims = unknown["institutions_claims"]
        if refs.get("doctors") is not None:
            report.unknown_doctors = len(unknown["doctors"])
            report.unknown_doctor_claims = unknown["doctors_claims"]
        if writer.total:
            report.batch_id = report.run_id
            m["batches"].append({
                "batch_id": report.run_id,
                "committed_at": datetime.now().astimezone().isoformat(timespec="seconds"),
                "rows": writer.total,
                "files": [writer.rel(mo) for mo in sorted(writer.rows)],
                "months": {mo: int(n) for mo, n in sorted(writer.rows.items())},
                "sources": [{"path": str(s.path), "sha256": s.sha256} for s, _ in claim_sources],
            })
            stage.path(MANIFEST).write_text(json.dumps(m, ensure_ascii=False, indent=1), encoding="utf-8")
            changed = True
    report.quarantined_new = quarantine.stage(ws, stage)
    if report.quarantined_new:
        changed = True
    return changed
