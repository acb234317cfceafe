"""What a detector remembers between runs, so a daily increment re-examines only what changed.

A detector built on a co-occurrence projection works in three steps: count pairs, cut the pair
graph into clusters, describe each cluster. A :class:`Memo` sits at two of them:

* :meth:`Memo.pairs` counts, in an increment, only the pairs that the new claims can change
  (``cooccurrence(focus_rows=...)``) and splices them into the pairs kept from the last run;
  the chance model (``expected``) is recomputed for all, since it is city-wide;
* :meth:`Memo.get` / :meth:`Memo.put` keep each cluster's description keyed by its members'
  ids; a cluster none of whose members has a new claim, or shares a group with one, is
  described as before (``refresh`` re-derives what depends on the city-wide chance).

Everything is stored by input ids (claim ids, entity ids), never by frame row or code, since
codes shift when claims are added. A memo without a previous state (``old is None``) is a full
run that records; both paths give the same output (``tests/graph/detect/test_incremental.py``).

>>> import numpy as np, pandas as pd
>>> from graph.detect.frame import ClaimFrame
>>> claims = pd.DataFrame({"claim_id": ["c1", "c2"], "patient_id": ["P1", "P2"], "institution_id": "H1",
...                        "settled_at": pd.Timestamp("2024-01-01"), "total_amount": 10.0})
>>> f = ClaimFrame(claims)
>>> m = Memo(f, "demo")
>>> m.get("patient", np.array([0, 1])) is None, m.dirty("patient", np.array([0]))
(True, True)
>>> m.put("patient", np.array([0, 1]), {"x": 1}); m.record()["items"]
{'P1\\x1fP2': {'x': 1}}
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graph.detect.candidate import KINDS, Candidate
from graph.detect.ring import Evidence

__all__ = ["Memo", "memo_for", "encode_candidate", "decode_candidate", "PAIR_COLUMNS"]

PAIR_COLUMNS = ["a", "b", "days", "places", "tour_days", "weight", "deg_a", "deg_b"]
_KIND_OF = {"patients": "patient", "cards": "card", "doctors": "doctor", "institutions": "institution",
            "operators": "operator"}
_SEP = "\x1f"


def memo_for(f, name: str) -> "Memo | None":
    """The memo a run handed to detector ``name`` through the frame (None: a plain run)."""
    memos = f.cache.get("memos")
    return memos.get(name) if memos else None


class Memo:
    """One detector's memory: ``old`` is what the last run recorded (None for a full run) and
    ``new_rows`` the frame rows added since (a boolean mask)."""

    def __init__(self, f, name: str, old: dict | None = None, new_rows: np.ndarray | None = None):
        self.f, self.name, self.old = f, name, old
        self.new_rows = new_rows if old is not None else None
        self.items: dict[str, object] = {}
        self.pair_table: pd.DataFrame | None = None
        self.pair_kind: str | None = None
        self._focus: dict[str, np.ndarray] = {}
        self._cache: dict = {}
        self.stats = {"clusters": 0, "reused": 0, "described": 0, "pairs": 0, "pairs_recounted": 0, "focus": 0}

    @property
    def incremental(self) -> bool:
        return self.old is not None

    # --- pairs -------------------------------------------------------------------
    def pairs(self, kind: str, compute) -> pd.DataFrame:
        """The projection's pairs over entity ``kind``; ``compute(focus_rows)`` is the detector's
        own counting (cooccurrence plus its thresholds) with ``focus_rows`` passed through."""
        if not self.incremental:
            out = compute(None)
            self.stats["pairs_recounted"] = len(out)
        else:
            fresh = compute(self.new_rows)
            q = float(fresh.attrs.get("q", 0.0))
            focus = fresh.attrs.get("focus")
            if focus is None:  # nothing survived the filters: the answer is complete
                out = fresh
            else:
                self._focus[kind] = np.asarray(focus, dtype=np.int64)
                kept = self._old_pairs(kind)
                kept = kept[~(np.isin(kept.a.to_numpy(), focus) | np.isin(kept.b.to_numpy(), focus))]
                out = pd.concat([kept, fresh[PAIR_COLUMNS]], ignore_index=True)
                out = out.sort_values(["a", "b"], kind="mergesort").reset_index(drop=True)
                # the same expression as cooccurrence's, so the floats are the same
                out["expected"] = out["deg_a"] * out["deg_b"] * q
                out.attrs["q"] = q
            self.stats["pairs_recounted"] = len(fresh)
            self.stats["focus"] = len(self._focus.get(kind, []))
        self.stats["pairs"] = len(out)
        self.pair_table, self.pair_kind = out, kind
        return out

    def _old_pairs(self, kind: str) -> pd.DataFrame:
        old = self.old.get("pairs")
        cols = {c: pd.Series([], dtype="float64" if c == "weight" else "int64") for c in PAIR_COLUMNS}
        if old is None or len(old) == 0:
            return pd.DataFrame(cols)
        index = pd.Index(self.f.labels[kind]).astype("string")
        a = index.get_indexer(old["a"].astype("string"))
        b = index.get_indexer(old["b"].astype("string"))
        if (a < 0).any() or (b < 0).any():
            raise StateMismatch(f"{self.name}: the kept pairs name {kind}s no longer in the claims")
        out = pd.DataFrame({"a": a.astype(np.int64), "b": b.astype(np.int64)})
        for c in PAIR_COLUMNS[2:]:
            out[c] = old[c].to_numpy()
        return out

    # --- clusters ----------------------------------------------------------------
    def changed_entities(self, kind: str) -> np.ndarray:
        """Codes of ``kind`` whose claims or groups changed: the focus of the pair counting plus
        everyone with a new claim (a new claim outside every group still changes a history)."""
        own = getattr(self.f, kind)[self.new_rows] if self.new_rows is not None else np.array([], dtype=np.int64)
        return np.unique(np.r_[self._focus.get(kind, np.array([], dtype=np.int64)), own.astype(np.int64)])

    def dirty(self, kind: str, members: np.ndarray, extra: bool = False) -> bool:
        """Must a cluster with these ``kind`` codes be described afresh?"""
        if not self.incremental or extra:
            return True
        key = f"_changed_{kind}"
        if key not in self._cache:
            self._cache[key] = self.changed_entities(kind)
        return bool(np.isin(np.asarray(members, dtype=np.int64), self._cache[key]).any())

    def key(self, kind: str, members: np.ndarray, space: str = "") -> str:
        return space + _SEP.join(self.f.ids(kind, members))

    def get(self, kind: str, members: np.ndarray, extra: bool = False, space: str = ""):
        """The stored description of a clean cluster, or None when it must be described
        (``extra``: the detector knows of another reason; ``space`` keeps two detectors that
        share a memo apart)."""
        self.stats["clusters"] += 1
        if self.dirty(kind, members, extra):
            return None
        got = self.old.get("items", {}).get(self.key(kind, members, space))
        if got is not None:
            self.stats["reused"] += 1
        return got

    def put(self, kind: str, members: np.ndarray, value, described: bool = True, space: str = "") -> None:
        self.items[self.key(kind, members, space)] = value
        if described:
            self.stats["described"] += 1

    def record(self) -> dict:
        """What the next run needs: the pairs by ids and every cluster's description."""
        rec: dict = {"items": self.items}
        if self.pair_table is not None:
            p = self.pair_table
            labels = self.f.labels[self.pair_kind]
            rec["pairs"] = pd.DataFrame({"a": labels[p.a.to_numpy()].astype(str), "b": labels[p.b.to_numpy()].astype(str),
                                         **{c: p[c].to_numpy() for c in PAIR_COLUMNS[2:]}})
        return rec

    def encode(self, c: Candidate) -> dict:
        return encode_candidate(self.f, c)

    def decode(self, d: dict) -> Candidate:
        return decode_candidate(self.f, d, self._rows_index())

    def rows(self, claim_ids: list[str]) -> np.ndarray:
        """Frame rows of kept claim ids, ascending."""
        rows = self._rows_index().get_indexer(pd.Index(claim_ids, dtype=object))
        if (rows < 0).any():
            raise StateMismatch(f"{self.name}: kept claims are no longer in the workspace")
        return np.sort(rows.astype(np.int64))

    def codes(self, kind: str, ids: list[str]) -> np.ndarray:
        """Codes of kept entity ids, ascending."""
        codes = pd.Index(self.f.labels[kind]).get_indexer(pd.Index(ids, dtype=object))
        if (codes < 0).any():
            raise StateMismatch(f"{self.name}: kept {kind}s are no longer in the claims")
        return np.sort(codes.astype(np.int64))

    def _rows_index(self) -> pd.Index:
        if "_rows_index" not in self._cache:
            self._cache["_rows_index"] = pd.Index(self.f.claim_id)
        return self._cache["_rows_index"]

    # --- chance, recomputed for a kept description --------------------------------
    def inside_sync(self, kind: str, members: np.ndarray) -> float:
        """-log10 chance of the pairs inside ``members`` (the detectors' own formula)."""
        from graph.detect.frame import log10_poisson_sf

        p = self.pair_table
        inside = p[p.a.isin(members) & p.b.isin(members)]
        return log10_poisson_sf(float(inside.days.sum()), float(inside.expected.sum()))


class StateMismatch(Exception):
    """The kept state does not fit the claims (the run falls back to a full one)."""


# --- candidates by ids ----------------------------------------------------------------
def _ev(e: Evidence) -> list:
    return [e.text_zh, e.text_en, list(e.claim_ids), e.kind]


def encode_candidate(f, c: Candidate) -> dict:
    """A candidate by input ids (JSON-ready)."""
    d = {"pattern": c.pattern, "detector": c.detector, "rows": f.claim_ids(c.rows),
         "evidence": [_ev(e) for e in c.evidence], "legit": [_ev(e) for e in c.legit],
         "strength": float(c.strength), "synchrony": float(c.synchrony), "repeats": int(c.repeats),
         "roles": dict(c.roles), "detectors": list(c.detectors)}
    for k in KINDS:
        d[k] = f.ids(_KIND_OF[k], getattr(c, k))
    return d


def decode_candidate(f, d: dict, rows_index: pd.Index) -> Candidate:
    """A candidate on frame ``f`` from :func:`encode_candidate`'s dict; ``rows_index`` maps claim
    ids to rows (``pd.Index(f.claim_id)``)."""
    rows = rows_index.get_indexer(pd.Index(d["rows"], dtype=object))
    if (rows < 0).any():
        raise StateMismatch(f"a kept {d['detector']} candidate cites claims no longer in the workspace")
    members = {}
    for k in KINDS:
        codes = pd.Index(f.labels[_KIND_OF[k]]).get_indexer(pd.Index(d[k], dtype=object)) if d[k] else np.array([], dtype=np.int64)
        if (codes < 0).any():
            raise StateMismatch(f"a kept {d['detector']} candidate names {k} no longer in the claims")
        members[k] = codes
    return Candidate(d["pattern"], d["detector"], rows=rows, **members,
                     evidence=[Evidence(*e) for e in d["evidence"]], legit=[Evidence(*e) for e in d["legit"]],
                     strength=d["strength"], synchrony=d["synchrony"], repeats=d["repeats"], roles=dict(d["roles"]),
                     detectors=list(d["detectors"]))
