"""The ring queue: rings as one table row each, the queue's filters, and search by any id.

All functions are pure over rings already passed through the access guard, so a role that
sees pseudonyms searches pseudonyms: a leader typing a full patient id finds nothing.

>>> from graph.detect.ring import Ring
>>> r1 = Ring("R0001", 0.9, "card_collection", {"patients": ["P1", "P2"], "cards": ["C1"],
...           "doctors": [], "institutions": ["H1"]}, ["X1", "X2"], 500.0, "2024-01-02", "2024-02-01",
...           districts=["定海区"])
>>> r2 = Ring("R0002", 0.5, "community", {"patients": ["P3"], "institutions": ["H2"]},
...           ["X3"], 80.0, "2024-03-01", "2024-03-05")
>>> df = queue_frame([r1, r2], {"R0002": "confirmed"}, {"R0001": 2})
>>> list(df["ring_id"]), list(df["status"]), list(df["members"]), list(df["notes"])
(['R0001', 'R0002'], ['new', 'confirmed'], [4, 2], [2, 0])
>>> list(filter_queue(df, QueueFilter(statuses=("new",)))["ring_id"])
['R0001']
>>> list(filter_queue(df, QueueFilter(min_amount=100))["ring_id"])
['R0001']
>>> search_rings([r1, r2], "p3"), search_rings([r1, r2], "r000")
(['R0002'], ['R0001', 'R0002'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

__all__ = ["QueueFilter", "queue_frame", "filter_queue", "search_rings", "clean_search", "MAX_SEARCH"]

MAX_SEARCH = 64
# Ids in claims data: letters (any script), digits and a few separators. Masked forms contain
# '*', which we accept so a leader can paste what the page shows.
_SEARCH_OK = re.compile(r"^[\w\-.:/*#@]+$")


@dataclass(frozen=True)
class QueueFilter:
    patterns: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    institutions: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    min_amount: float | None = None
    max_amount: float | None = None
    since: date | None = None
    until: date | None = None


def queue_frame(rings, statuses: dict[str, str], note_counts: dict[str, int] | None = None, lang: str = "zh") -> pd.DataFrame:
    """One row per ring, in the order given (rings arrive sorted by score).

    Parameters
    ----------
    rings : list of graph.detect.ring.Ring
    statuses : dict
        ring_id -> current status (``ringtrace.cases.current_statuses``); absent means "new".
    note_counts : dict, optional
        ring_id -> number of notes.
    """
    note_counts = note_counts or {}
    rows = []
    for r in rings:
        evidence = ""
        if r.evidence:
            e = r.evidence[0]
            evidence = e.text_zh if lang == "zh" else e.text_en
        rows.append(
            {
                "ring_id": r.ring_id,
                "score": float(r.score),
                "pattern": r.pattern,
                "members": sum(len(v) for v in r.members.values()),
                "claims": len(r.claim_ids),
                "fund_amount": float(r.fund_amount),
                "first_seen": _to_date(r.first_seen),
                "last_seen": _to_date(r.last_seen),
                "districts": list(r.districts or []),
                "institutions": list(r.members.get("institutions", [])),
                "status": statuses.get(r.ring_id, "new"),
                "notes": int(note_counts.get(r.ring_id, 0)),
                "evidence": evidence,
            }
        )
    cols = ["ring_id", "score", "pattern", "members", "claims", "fund_amount", "first_seen", "last_seen",
            "districts", "institutions", "status", "notes", "evidence"]
    return pd.DataFrame(rows, columns=cols)


def _to_date(value) -> date | None:
    if value in (None, ""):
        return None
    try:
        return pd.Timestamp(value).date()
    except (ValueError, TypeError):
        return None


def filter_queue(df: pd.DataFrame, f: QueueFilter) -> pd.DataFrame:
    """The rows that pass every filter set in ``f`` (unset filters pass everything).

    A ring passes the date filter when its active period overlaps the chosen one.
    """
    keep = pd.Series(True, index=df.index)
    if f.patterns:
        keep &= df["pattern"].isin(f.patterns)
    if f.statuses:
        keep &= df["status"].isin(f.statuses)
    if f.districts:
        wanted = set(f.districts)
        keep &= df["districts"].map(lambda ds: bool(wanted.intersection(ds)))
    if f.institutions:
        wanted_i = set(f.institutions)
        keep &= df["institutions"].map(lambda xs: bool(wanted_i.intersection(xs)))
    if f.min_amount is not None:
        keep &= df["fund_amount"] >= f.min_amount
    if f.max_amount is not None:
        keep &= df["fund_amount"] <= f.max_amount
    if f.since is not None:
        keep &= df["last_seen"].map(lambda d: d is None or d >= f.since)
    if f.until is not None:
        keep &= df["first_seen"].map(lambda d: d is None or d <= f.until)
    return df[keep]


def clean_search(text: str) -> str:
    """The search text trimmed, or ``ValueError`` with a message fit to show.

    >>> clean_search("  H001 ")
    'H001'
    >>> clean_search("x' OR 1=1")
    Traceback (most recent call last):
    ...
    ValueError: 编号只能包含字母、数字和 - _ . : / * # @ / an id holds only letters, digits and - _ . : / * # @
    """
    text = (text or "").strip()
    if len(text) > MAX_SEARCH:
        raise ValueError(f"最多 {MAX_SEARCH} 个字符 / at most {MAX_SEARCH} characters")
    if text and not _SEARCH_OK.match(text):
        raise ValueError("编号只能包含字母、数字和 - _ . : / * # @ / an id holds only letters, digits and - _ . : / * # @")
    return text


def search_rings(rings, text: str) -> list[str]:
    """Ids of the rings whose id, or any member's id, equals or starts with ``text``.

    Case-insensitive; ring order is kept.
    """
    # The text was validated by the caller (access.validate.search_text); matching is plain.
    needle = (text or "").strip().casefold()[:MAX_SEARCH]
    if not needle:
        return []
    hits = []
    for r in rings:
        if r.ring_id.casefold().startswith(needle):
            hits.append(r.ring_id)
            continue
        if any(str(m).casefold().startswith(needle) for ids in r.members.values() for m in ids):
            hits.append(r.ring_id)
    return hits
