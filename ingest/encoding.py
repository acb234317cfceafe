"""Which text encoding a CSV export uses, found without asking, and one checking pass over it.

Bureau exports come as UTF-8, UTF-8 with a BOM (what Excel writes) or GB18030 (what most
Chinese desktop tools write). A strict decode of a sample picks the candidate; then one pass
over the whole file (``scan_text``) decodes it strictly, so a bad byte deep in the file is
reported with its line before anything is loaded, and counts what the fast CSV reader needs
to know to give every row its exact source line.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ringtrace.errors import InputError

__all__ = ["TextScan", "sniff_encodings", "scan_text", "ENCODINGS"]

ENCODINGS = ("utf-8-sig", "utf-8", "gb18030")
_SAMPLE = 1 << 16
_BLOCK = 1 << 22


@dataclass(frozen=True)
class TextScan:
    """What one strict pass over a text file found."""

    encoding: str
    sha256: str
    size: int
    lines: int  # physical lines, the last one counted even without a final newline
    quoted_newline: bool  # some quoted field spans lines (a line has an odd number of '"')
    has_blank_line: bool  # the fast reader skips blank lines, which would shift line numbers
    ragged: bool  # some line has a different number of commas than the header line

    @property
    def lines_exact_by_rows(self) -> bool:
        """True when data row *i* (0-based) of the fast reader is surely source line *i + 2*."""
        return not (self.quoted_newline or self.has_blank_line or self.ragged)


def sniff_encodings(sample: bytes) -> list[str]:
    """Candidate encodings for a file starting with ``sample``, most likely first.

    >>> sniff_encodings(b"\\xef\\xbb\\xbfclaim_id")
    ['utf-8-sig']
    >>> sniff_encodings("结算单号".encode("gb18030"))
    ['gb18030']
    >>> sniff_encodings(b"claim_id,patient_id")  # ASCII so far: either may follow
    ['utf-8', 'gb18030']
    """
    if sample.startswith(codecs.BOM_UTF8):
        return ["utf-8-sig"]
    # How far each decodes; a fault inside the sample still lets the longer-lived encoding win,
    # so the full scan can name the damaged line instead of rejecting the file blindly.
    reach = {}
    for enc in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(enc)("strict").decode(sample, final=False)
            reach[enc] = len(sample) + 1
        except UnicodeDecodeError as e:
            reach[enc] = e.start
    best = max(reach.values())
    if best == 0 and sample:
        return []
    out = [enc for enc in ("utf-8", "gb18030") if reach[enc] == best]
    if sample.isascii():
        return ["utf-8", "gb18030"]
    return out[:1]


def _scan_once(path: Path, encoding: str) -> TextScan:
    # Neither b",", b'"' nor b"\n" occurs inside a multi-byte UTF-8 or GB18030 character, so
    # fields and lines can be counted on the raw bytes, vectorised, while the decoder checks the
    # text. A comma counts as a separator only outside quotes (even number of '"' before it on
    # its line); a line with an odd number of '"' continues a quoted field on the next line.
    dec = codecs.getincrementaldecoder(encoding)("strict")
    sha = hashlib.sha256()
    size = lines_done = 0
    quoted_newline = has_blank = ragged = False
    parity = 0  # '"' seen so far on the open line, mod 2
    header_commas = None
    carry_commas = 0  # commas of the line still open at the end of the previous block
    carry_len = 0  # its length in bytes (0: the previous block ended a line)
    last_byte = b""
    with open(path, "rb") as fh:
        while True:
            block = fh.read(_BLOCK)
            try:
                dec.decode(block, final=not block)
            except UnicodeDecodeError as e:
                line = lines_done + block.count(b"\n", 0, max(e.start, 0)) + 1
                raise _DecodeFault(encoding, line) from e
            if not block:
                break
            sha.update(block)
            size += len(block)
            last_byte = block[-1:]
            arr = np.frombuffer(block, np.uint8)
            nl = np.flatnonzero(arr == 10)
            commas = np.flatnonzero(arr == 44)
            if b'"' in block:
                # While every line so far had an even number of quotes, the running count of
                # quotes, mod 2, tells whether a position is inside a quoted field.
                inside = (np.cumsum(arr == 34, dtype=np.int32) + parity) & 1
                if len(nl) and inside[nl].any():
                    quoted_newline = True
                commas = commas[inside[commas] == 0]
                parity = int(inside[-1])
            before = np.searchsorted(commas, nl)  # commas before each newline in this block
            per_line = np.diff(before, prepend=0)
            if len(nl):
                per_line[0] += carry_commas
                lengths = np.diff(nl, prepend=-1) - 1
                lengths[0] += carry_len
                # a line of nothing, or of a lone "\r", is blank
                cr_before = np.zeros(len(nl), bool)
                cr_before[nl > 0] = arr[nl[nl > 0] - 1] == 13
                if np.any((lengths == 0) | ((lengths == 1) & cr_before)):
                    has_blank = True
                if header_commas is None:
                    header_commas = int(per_line[0])
                if np.any(per_line != header_commas):
                    ragged = True
                lines_done += len(nl)
                carry_commas = len(commas) - int(before[-1])
                carry_len = len(block) - int(nl[-1]) - 1
            else:
                carry_commas += len(commas)
                carry_len += len(block)
    lines = lines_done
    if carry_len:  # a last line without a final newline
        lines += 1
        if header_commas is None:
            header_commas = carry_commas
        elif carry_commas != header_commas and not (carry_len == 1 and last_byte == b"\r"):
            ragged = True
    return TextScan(
        encoding=encoding,
        sha256=sha.hexdigest(),
        size=size,
        lines=lines,
        quoted_newline=quoted_newline,
        has_blank_line=has_blank,
        ragged=ragged,
    )


class _DecodeFault(Exception):
    def __init__(self, encoding: str, line: int):
        super().__init__(encoding, line)
        self.encoding, self.line = encoding, line


def scan_text(path: Path) -> TextScan:
    """Pick the encoding of ``path`` and check the whole file decodes with it.

    Raises
    ------
    InputError
        The file cannot be decoded as UTF-8 or GB18030; the message names the line.
    """
    with open(path, "rb") as fh:
        sample = fh.read(_SAMPLE)
    candidates = sniff_encodings(sample)
    if not candidates:
        raise InputError(
            f"{path}: 文件既不是UTF-8也不是GB18030编码的文本。The file is neither UTF-8 nor GB18030 text (its first bytes do not decode "
            f"in either). Save it from Excel as 'CSV UTF-8' or export it again as GB18030 CSV."
        )
    fault = None
    for enc in candidates:
        try:
            return _scan_once(path, enc)
        except _DecodeFault as f:
            fault = f
    raise InputError(
        f"{path}: 第{fault.line}行无法按{fault.encoding}解码，文件编码混杂或已损坏，未载入任何数据。"
        f"Line {fault.line} cannot be decoded as {fault.encoding} (the encoding the "
        f"start of the file is in); the file mixes encodings or is damaged. Nothing was loaded. "
        f"Export the file again in one encoding (UTF-8 or GB18030) and re-run."
    )
