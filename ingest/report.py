"""What one ingest run did, and its printed summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ingest.reasons import REASONS

__all__ = ["FileReport", "IngestReport", "format_report"]


@dataclass
class FileReport:
    path: str
    kind: str
    fmt: str
    encoding: str | None = None
    read: int = 0
    loaded: int = 0  # new rows (reference: new or changed ids)
    duplicates: int = 0  # rows already held with identical content
    rejected: int = 0
    reasons: Counter = field(default_factory=Counter)  # code -> rows carrying it
    already_quarantined: int = 0  # rejected rows the quarantine held from an earlier run


@dataclass
class IngestReport:
    run_id: str
    files: list[FileReport] = field(default_factory=list)
    batch_id: str | None = None  # None when no new claim was loaded
    changed: bool = False
    unknown_institutions: int | None = None  # distinct ids in loaded claims not in the reference
    unknown_doctors: int | None = None
    unknown_institution_claims: int = 0
    unknown_doctor_claims: int = 0
    quarantine_path: str = ""
    quarantined_new: int = 0

    def _sum(self, attr: str, kind: str | None = "claims") -> int:
        return sum(getattr(f, attr) for f in self.files if kind is None or f.kind == kind)

    @property
    def read(self) -> int:
        return self._sum("read")

    @property
    def loaded(self) -> int:
        return self._sum("loaded")

    @property
    def duplicates(self) -> int:
        return self._sum("duplicates")

    @property
    def rejected(self) -> int:
        return self._sum("rejected", None)

    @property
    def reasons(self) -> Counter:
        c = Counter()
        for f in self.files:
            c.update(f.reasons)
        return c

    def as_dict(self) -> dict:
        return {
            "run_id": self.run_id,
            "batch_id": self.batch_id,
            "changed": self.changed,
            "read": self.read,
            "loaded": self.loaded,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "rejected_by_reason": dict(self.reasons),
            "quarantined_new": self.quarantined_new,
            "unknown_institutions": self.unknown_institutions,
            "unknown_doctors": self.unknown_doctors,
            "quarantine": self.quarantine_path,
            "files": [dict(vars(f), reasons=dict(f.reasons)) for f in self.files],
        }


def format_report(r: IngestReport) -> str:
    """The summary every run prints (Chinese first, English after)."""
    out = []
    for f in r.files:
        enc = f" {f.encoding}" if f.encoding else ""
        out.append(
            f"{f.path} [{f.kind}, {f.fmt}{enc}]: 读取 read {f.read:,} · 载入 loaded {f.loaded:,} · "
            f"重复 duplicates {f.duplicates:,} · 拒收 rejected {f.rejected:,}"
        )
    out.append(
        f"合计 claims: 读取 read {r.read:,} · 载入 loaded {r.loaded:,} · 重复 duplicates "
        f"{r.duplicates:,} · 拒收 rejected {r._sum('rejected'):,}"
    )
    if r.reasons:
        out.append("拒收原因 rejected by reason:")
        for code, n in sorted(r.reasons.items(), key=lambda kv: (-kv[1], kv[0])):
            zh, en = REASONS.get(code, (code, code))
            out.append(f"  {code:<22} {n:>9,}  {zh} / {en}")
    for what, n, claims in (
        ("institutions 机构", r.unknown_institutions, r.unknown_institution_claims),
        ("doctors 医师", r.unknown_doctors, r.unknown_doctor_claims),
    ):
        if n is None:
            out.append(f"未知{what.split()[1]} unknown {what.split()[0]}: no reference file loaded yet; not checked")
        else:
            out.append(f"未知{what.split()[1]} unknown {what.split()[0]}: {n:,} ids not in the reference "
                       f"({claims:,} loaded claims name them; kept)")
    if r.rejected:
        new = f"{r.quarantined_new:,} new rows" if r.quarantined_new else "no new rows, all held from earlier runs"
        out.append(f"隔离文件 quarantine: {r.quarantine_path} ({new})")
    else:
        out.append(f"隔离文件 quarantine: {r.quarantine_path} (nothing rejected this run)")
    out.append("工作区已更新 workspace updated" + (f", batch {r.batch_id}" if r.batch_id else "")
               if r.changed else "工作区无变化 workspace unchanged (everything was already held)")
    return "\n".join(out)
