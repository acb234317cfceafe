"""The one ring type every detector returns, and the rings JSON of CONTRACT.md.

>>> r = Ring(ring_id="R0001", score=0.9, pattern="card_collection",
...          members={"patients": ["P1"], "cards": ["C1"], "doctors": [], "institutions": ["H1"]},
...          claim_ids=["X1"], fund_amount=12.5, first_seen="2024-01-02", last_seen="2024-01-02",
...          evidence=[Evidence("1 张卡…", "1 card swiped …", ["X1"])])
>>> Ring.from_dict(r.to_dict()) == r
True
>>> r.to_dict()["evidence"]
['1 card swiped …']
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

__all__ = ["Evidence", "Ring", "PATTERNS", "MEMBER_KINDS", "write_rings_json", "read_rings_json"]

PATTERNS: tuple[str, ...] = (
    "card_collection",
    "doctor_patient_collusion",
    "impersonation",
    "drug_reselling",
    "split_hospitalization",
    "community",
)

MEMBER_KINDS: tuple[str, ...] = ("patients", "cards", "doctors", "institutions", "operators")

CHINA_TZ = timezone(timedelta(hours=8))


@dataclass
class Evidence:
    """One checkable sentence, in Chinese and English, with the claims that prove it."""

    text_zh: str
    text_en: str
    claim_ids: list[str] = field(default_factory=list)
    # what kind of fact: burst, synchrony, amount, geography, repetition, legit (a mitigating reason)
    kind: str = "fact"


@dataclass
class Ring:
    """A candidate organised ring. Member ids are the ids as they appear in the input."""

    ring_id: str
    score: float
    pattern: str
    members: dict[str, list[str]]
    claim_ids: list[str]
    fund_amount: float
    first_seen: str
    last_seen: str
    evidence: list[Evidence] = field(default_factory=list)
    # "doctor:D001" -> "organiser" | "participant" | "instrument" (a card, an account)
    roles: dict[str, str] = field(default_factory=dict)
    districts: list[str] = field(default_factory=list)
    detectors: list[str] = field(default_factory=list)
    # the score's parts, so the order can be explained (money, synchrony, scatter, repetition, legit)
    score_parts: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        # built field by field (what dataclasses.asdict gives, keys in field order): asdict's
        # generic deep copy of every claim id list took 1 s of writing a 5M-claim city's rings
        d = {"ring_id": self.ring_id, "score": self.score, "pattern": self.pattern,
             "members": {k: list(v) for k, v in self.members.items()}, "claim_ids": list(self.claim_ids),
             "fund_amount": self.fund_amount, "first_seen": self.first_seen, "last_seen": self.last_seen,
             "evidence": [e.text_en for e in self.evidence], "roles": dict(self.roles),
             "districts": list(self.districts), "detectors": list(self.detectors), "score_parts": dict(self.score_parts)}
        d["evidence_detail"] = [{"text_zh": e.text_zh, "text_en": e.text_en, "claim_ids": list(e.claim_ids), "kind": e.kind}
                                for e in self.evidence]
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Ring":
        d = dict(d)
        detail = d.pop("evidence_detail", None)
        plain = d.pop("evidence", [])
        if detail is not None:
            evidence = [Evidence(**e) for e in detail]
        else:
            evidence = [Evidence(text_zh=s, text_en=s) for s in plain]
        known = set(cls.__dataclass_fields__)
        return cls(evidence=evidence, **{k: v for k, v in d.items() if k in known})


def write_rings_json(rings: list[Ring], path: str | os.PathLike, generated_at: datetime | None = None) -> None:
    """Write rings sorted by score (highest first), atomically."""
    generated_at = generated_at or datetime.now(CHINA_TZ)
    ordered = sorted(rings, key=lambda r: (-r.score, r.ring_id))
    # one ring a line: json's C encoder serves only unindented output, and indent=1 sent every
    # claim id through the Python one (0.3 s of a 1M-claim increment); still one line a ring to read
    dump = functools.partial(json.dumps, ensure_ascii=False)
    text = "".join([f'{{"generated_at": {dump(generated_at.isoformat(timespec="seconds"))},\n "rings": [\n',
                    ",\n".join(dump(r.to_dict()) for r in ordered), "\n]}\n"])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def read_rings_json(path: str | os.PathLike, evidence: bool = True) -> list[Ring]:
    """The rings of a rings JSON; ``evidence=False`` leaves each ring's evidence empty (the alert
    list compares members and claims only: its sentences and claim ids were half the reading)."""
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    if not evidence:
        return [Ring.from_dict({k: v for k, v in r.items() if k not in ("evidence", "evidence_detail")})
                for r in doc["rings"]]
    return [Ring.from_dict(r) for r in doc["rings"]]
