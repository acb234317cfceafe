"""What a detector remembers between runs, so a daily increment re-examines only what changed.

A detector built on a co-occurrence projection works in three steps: count pairs, cut the pair
graph into clusters, describe each cluster. A :class:`Memo` sits at two of them:

* :meth:`Memo.pairs` counts, in an increment, only the pairs that the new claims can change
  (``cooccurrence(focus_rows=Focus(...))``, from the rows they reach: :mod:`.local_pairs`)
  and splices them into the pairs kept from the last run; the chance model (``expected``) is
  recomputed for all, since it is city-wide, from its two sums kept with the pairs;
* :meth:`Memo.get` / :meth:`Memo.put` keep each cluster's description keyed by its members'
  ids; a cluster with the same members as last run, none of whom has a new claim, is not
  described again (what depends on the city-wide chance is recomputed by the detector).

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

import hashlib

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
        self.sums: tuple[int, int] | None = None  # the chance constant's sums (graph.detect.local_pairs)
        self.arrays: dict[str, np.ndarray] = {}  # per-row results kept for the next run, by name
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
        from graph.detect.local_pairs import Focus

        if not self.incremental:
            out = compute(Focus(None))  # a full count that reports its chance sums and day counts
            self.stats["pairs_recounted"] = len(out)
            self._keep_counts(kind, out)
        else:
            # with the last run's chance sums and day counts the count reads only the rows the
            # new claims reach
            sums = self.old.get("sums")
            fresh = compute(Focus(self.new_rows, tuple(sums) if sums is not None else None, self.f, kind,
                                  self._kept_days(kind)))
            self._keep_counts(kind, fresh)
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

    _DAYS = ("degree", "place_e", "place_p", "place_count")

    def _keep_counts(self, kind: str, counted: pd.DataFrame) -> None:
        """Keep the count's chance sums and day counts (by code, for the next increment)."""
        self.sums = counted.attrs.get("sums")
        # taken off the table: pandas would deep-copy them with every operation on it
        days = counted.attrs.pop("days", None)
        if days is None:
            return
        n = len(self.f.labels[kind])
        degree = np.zeros(max(n, len(days["degree"])), dtype=np.int64)
        degree[:len(days["degree"])] = days["degree"]
        self.arrays["degree"] = degree
        for name in self._DAYS[1:]:
            if name in days:
                self.arrays[name] = np.asarray(days[name], dtype=np.int64)

    def _kept_days(self, kind: str) -> dict | None:
        """The last run's day counts in this frame's codes (None when not kept)."""
        from graph.detect.local_pairs import move_days

        old = self.old.get("arrays", {})
        moves = self.f.cache.get("code_moves")
        if "degree" not in old or moves is None:
            return None
        try:
            return move_days({k: old[k] for k in self._DAYS if k in old}, moves, kind, len(self.f.labels[kind]))
        except ValueError as e:
            raise StateMismatch(f"{self.name}: {e}") from e

    def _old_pairs(self, kind: str) -> pd.DataFrame:
        old = self.old.get("pairs")
        cols = {c: pd.Series([], dtype="float64" if c == "weight" else "int64") for c in PAIR_COLUMNS}
        if old is None or len(old) == 0:
            return pd.DataFrame(cols)
        labels = self.f.labels[kind]
        a = _lookup(labels, old["a"].to_numpy(dtype=object), f"{self.name}: the kept pairs' {kind}s")
        b = _lookup(labels, old["b"].to_numpy(dtype=object), f"{self.name}: the kept pairs' {kind}s")
        out = pd.DataFrame({"a": a, "b": b})
        for c in PAIR_COLUMNS[2:]:
            out[c] = old[c].to_numpy()
        return out

    # --- clusters ----------------------------------------------------------------
    def changed_entities(self, kind: str) -> np.ndarray:
        """Codes of ``kind`` with a claim in the new batches: the only ones whose history changed."""
        if self.new_rows is None:
            return np.array([], dtype=np.int64)
        return np.unique(getattr(self.f, kind)[self.new_rows].astype(np.int64))

    def dirty(self, kind: str, members: np.ndarray, extra: bool = False) -> bool:
        """Must a cluster with these ``kind`` codes be described afresh? Yes in a full run, when
        the detector knows a reason (``extra``), or when one of the members has a new claim: a
        description reads its members' claims (and the pairs, whose chance is recomputed)."""
        if not self.incremental or extra:
            return True
        key = f"_changed_{kind}"
        if key not in self._cache:
            # one flag per entity: a cluster's test reads its members' flags, no search per cluster
            flags = np.zeros(len(self.f.labels[kind]) + 1, dtype=bool)
            flags[self.changed_entities(kind)] = True
            self._cache[key] = flags
        members = np.asarray(members, dtype=np.int64)
        return bool(self._cache[key][members[members >= 0]].any())

    def inside_digest(self, kind: str, members: np.ndarray) -> str:
        """A digest of the pairs among ``members`` (ids and counts, not the chance): a detector
        that cuts a cluster by its pairs' weights must describe it again when they changed."""
        inside = self._within(members)
        labels = self.f.labels[kind]
        h = hashlib.sha256()
        for col in (labels[inside.a.to_numpy()], labels[inside.b.to_numpy()]):
            h.update("\x1f".join(map(str, col)).encode("utf-8"))
        for c in ("days", "places", "tour_days"):
            h.update(inside[c].to_numpy(dtype=np.int64).tobytes())
        h.update(inside["weight"].to_numpy(dtype=np.float64).tobytes())
        return h.hexdigest()

    def key(self, kind: str, members: np.ndarray, space: str = "") -> str:
        return space + _SEP.join(self.f.ids(kind, members))

    def get(self, kind: str, members: np.ndarray, extra: bool = False, space: str = "", check=None):
        """The stored description of a clean cluster, or None when it must be described
        (``extra``: the detector knows of another reason; ``check``: the kept item must pass it;
        ``space`` keeps two detectors that share a memo apart)."""
        self.stats["clusters"] += 1
        if self.dirty(kind, members, extra):
            return None
        got = self.old.get("items", {}).get(self.key(kind, members, space))
        if got is not None and check is not None and not check(got):
            got = None
        if got is not None:
            self.stats["reused"] += 1
        return got

    def put(self, kind: str, members: np.ndarray, value, described: bool = True, space: str = "") -> None:
        self.items[self.key(kind, members, space)] = value
        if described:
            self.stats["described"] += 1

    def _within(self, members) -> pd.DataFrame:
        from graph.detect.projections import PairIndex

        if self._cache.get("_index_of") is not self.pair_table:
            self._cache["_index"], self._cache["_index_of"] = PairIndex(self.pair_table), self.pair_table
        return self._cache["_index"].within(members)

    def record(self) -> dict:
        """What the next run needs: the pairs by ids, every cluster's description and the
        per-row arrays a detector kept (rows in frame order: settlement time, claim id)."""
        rec: dict = {"items": self.items}
        if self.sums is not None:
            rec["sums"] = [int(x) for x in self.sums]
        if self.arrays:
            rec["arrays"] = dict(self.arrays)
        if self.pair_table is not None:
            p = self.pair_table
            labels = self.f.labels[self.pair_kind]
            rec["pairs"] = pd.DataFrame({"a": labels[p.a.to_numpy()].astype(str), "b": labels[p.b.to_numpy()].astype(str),
                                         **{c: p[c].to_numpy() for c in PAIR_COLUMNS[2:]}})
        return rec

    def encode(self, c: Candidate) -> dict:
        return encode_candidate(self.f, c)

    def decode(self, d: dict) -> Candidate:
        return decode_candidate(self.f, d, self.name)

    def rows(self, claim_ids: list[str], minutes: list[int]) -> np.ndarray:
        """Frame rows of kept claims (ids and settlement minutes, as :meth:`encode` keeps them),
        ascending. Rows are in settlement order, so each is found by a binary search on the
        minute and a comparison of the few ids settled that minute: no city-sized hash table."""
        return _find_rows(self.f, claim_ids, minutes, self.name)

    def positions(self, kind: str, ids: list[str]) -> np.ndarray:
        """Codes of kept entity ids, in the order given (repeats kept)."""
        return _lookup(self.f.labels[kind], np.asarray(ids, dtype=object), f"{self.name}: kept {kind}s")

    def codes(self, kind: str, ids: list[str]) -> np.ndarray:
        """Codes of kept entity ids, ascending (labels are sorted, so a binary search finds them)."""
        return _find_codes(self.f.labels[kind], ids, f"{self.name}: kept {kind}s")

    # --- chance, recomputed for a kept description --------------------------------
    def inside_sync(self, kind: str, members: np.ndarray) -> float:
        """-log10 chance of the pairs inside ``members`` (the detectors' own formula)."""
        from graph.detect.frame import log10_poisson_sf

        inside = self._within(members)
        return log10_poisson_sf(float(inside.days.sum()), float(inside.expected.sum()))


class StateMismatch(Exception):
    """The kept state does not fit the claims (the run falls back to a full one)."""


# --- candidates by ids ----------------------------------------------------------------
def _ev(e: Evidence) -> list:
    return [e.text_zh, e.text_en, list(e.claim_ids), e.kind]


def encode_candidate(f, c: Candidate) -> dict:
    """A candidate by input ids (JSON-ready); ``t`` holds each claim's settlement minute, by which
    :func:`decode_candidate` finds it again."""
    d = {"pattern": c.pattern, "detector": c.detector, "rows": f.claim_ids(c.rows),
         "t": f.minute[np.unique(c.rows)].tolist(),
         "evidence": [_ev(e) for e in c.evidence], "legit": [_ev(e) for e in c.legit],
         "strength": float(c.strength), "synchrony": float(c.synchrony), "repeats": int(c.repeats),
         "roles": dict(c.roles), "detectors": list(c.detectors)}
    for k in KINDS:
        d[k] = f.ids(_KIND_OF[k], getattr(c, k))
    return d


def decode_candidate(f, d: dict, what: str = "memo") -> Candidate:
    """A candidate on frame ``f`` from :func:`encode_candidate`'s dict."""
    rows = _find_rows(f, d["rows"], d["t"], what)
    members = {k: _find_codes(f.labels[_KIND_OF[k]], d[k], f"{what}: kept {k}") for k in KINDS}
    return Candidate(d["pattern"], d["detector"], rows=rows, **members,
                     evidence=[Evidence(*e) for e in d["evidence"]], legit=[Evidence(*e) for e in d["legit"]],
                     strength=d["strength"], synchrony=d["synchrony"], repeats=d["repeats"], roles=dict(d["roles"]),
                     detectors=list(d["detectors"]))


def _find_codes(labels: np.ndarray, ids: list[str], what: str) -> np.ndarray:
    """Codes of ``ids`` (sorted, as a candidate holds them)."""
    return np.sort(_lookup(labels, np.asarray(ids, dtype=object), what)) if len(ids) else np.array([], dtype=np.int64)


def _lookup(labels: np.ndarray, want: np.ndarray, what: str) -> np.ndarray:
    """Positions of ``want`` in the sorted ``labels``, in order; StateMismatch when one is missing."""
    pos = np.searchsorted(labels, want).astype(np.int64)
    ok = pos < len(labels)
    ok[ok] = labels[pos[ok]] == want[ok]
    if not ok.all():
        raise StateMismatch(f"{what} are no longer in the claims")
    return pos


def _find_rows(f, claim_ids: list[str], minutes: list[int], what: str) -> np.ndarray:
    """Rows of claims by (settlement minute, id): frame rows are sorted by minute, then id."""
    if not len(claim_ids):
        return np.array([], dtype=np.int64)
    t = np.asarray(minutes, dtype=np.int64)
    want = np.asarray(claim_ids, dtype=object)
    lo, hi = np.searchsorted(f.minute, t, "left"), np.searchsorted(f.minute, t, "right")
    n = hi - lo
    who = np.repeat(np.arange(len(t)), n)
    pos = np.repeat(lo - np.cumsum(n) + n, n) + np.arange(int(n.sum()))
    got = f.claim_id.take(pos)  # a numpy or an Arrow column, whichever the frame holds
    got = np.asarray(got.to_pylist() if hasattr(got, "to_pylist") else got, dtype=object)
    hit = got == want[who]
    rows = np.full(len(t), -1, dtype=np.int64)
    rows[who[hit]] = pos[hit]
    if (rows < 0).any():
        raise StateMismatch(f"{what}: kept claims are no longer in the workspace")
    return np.sort(rows)
