"""Candidates to rings: merge overlapping candidates, name the pattern, score, number.

Candidates are taken strongest first (named patterns before plain communities). A candidate
joins an earlier ring when at least half of the smaller one's people are shared and either it
names no pattern, names the same one, or overlaps almost entirely (then the earlier, stronger
name stands and this one's evidence is added). Rings are then scored (:mod:`.scoring`), legit
reasons attached (:mod:`.legit`), sorted by score (ties: first claim id) and numbered
R0001, R0002, ... so the same input always gives the same ids.

>>> import numpy as np, pandas as pd
>>> from graph.detect.frame import ClaimFrame
>>> from graph.detect.candidate import Candidate
>>> claims = pd.DataFrame({"claim_id": [f"c{k}" for k in range(6)], "patient_id": ["A", "B", "C", "D", "E", "F"],
...                        "institution_id": "H1", "settled_at": pd.Timestamp("2024-01-01"), "total_amount": 100.0})
>>> f = ClaimFrame(claims)
>>> a = Candidate.from_rows(f, "card_collection", "card_bursts", [0, 1, 2], strength=0.9, repeats=5)
>>> b = Candidate.from_rows(f, "community", "leiden", [1, 2, 3], strength=0.3)
>>> c = Candidate.from_rows(f, "drug_reselling", "drug_tours", [4, 5], strength=0.6)
>>> rings = to_rings(f, [b, c, a])
>>> [(r.ring_id, r.pattern, r.members["patients"], r.detectors) for r in rings]
[('R0001', 'card_collection', ['A', 'B', 'C'], ['card_bursts', 'leiden']), ('R0002', 'drug_reselling', ['E', 'F'], ['drug_tours'])]
"""

from __future__ import annotations

import hashlib

import numpy as np

from graph.detect.candidate import KINDS, Candidate
from graph.detect.legit import assess
from graph.detect.memo import memo_for
from graph.detect.ring import Evidence, Ring
from graph.detect.scoring import scatter, score_parts

__all__ = ["merge", "to_rings"]

NAMED_FIRST = {"community": 1}


def _people(c: Candidate) -> np.ndarray:
    return c.patients if len(c.patients) else c.cards


def merge(candidates: list[Candidate], overlap: float = 0.5, same: float = 0.8) -> list[Candidate]:
    """Merge overlapping candidates (see the module docstring); returns new Candidate objects."""
    order = sorted(candidates, key=lambda c: (NAMED_FIRST.get(c.pattern, 0), -c.strength, -len(c.rows),
                                              int(c.rows[0]) if len(c.rows) else -1, c.detector))
    rings: list[dict] = []
    # which rings hold each person: only a ring sharing someone can take a candidate, so each
    # candidate looks at those rings (in ring order, as a scan of all would) instead of every
    # ring: candidates x rings grows with the square of the city (at 1M claims, 389
    # candidates into 227 rings, 0.03 s either way; it is the city-year this is for)
    holding: dict[int, list[int]] = {}
    for c in order:
        people = set(_people(c).tolist())
        home = None
        near = sorted({k for x in people for k in holding.get(x, ())})
        for r in (rings[k] for k in near):
            shared = len(people & r["people"])
            small = min(len(people), len(r["people"])) or 1
            if shared / small < overlap:
                continue
            if c.pattern == "community" and len(people) > 2 * len(r["people"]):
                continue  # a much bigger group's evidence would speak of other people
            if c.pattern in ("community", r["pattern"]) or shared / small >= same:
                home = r
                break
        if home is None:
            for x in people:
                holding.setdefault(x, []).append(len(rings))
            rings.append({"pattern": c.pattern, "people": set(people), "parts": [c], "k": len(rings)})
        else:
            home["parts"].append(c)
            # a community only lends evidence; it does not pull its other members in
            if c.pattern != "community":
                for x in people - home["people"]:
                    holding.setdefault(x, []).append(home["k"])
                home["people"] |= people
    out = []
    for r in rings:
        parts = r["parts"]
        lead = parts[0]
        named = [p for p in parts if p.pattern != "community"] or parts
        rows = np.unique(np.concatenate([p.rows for p in named]))
        merged = Candidate(
            lead.pattern, lead.detector, rows=rows,
            **{k: np.unique(np.concatenate([getattr(p, k) for p in named])) for k in KINDS},
            evidence=_dedupe([e for p in parts for e in p.evidence]),
            strength=max(p.strength for p in named),
            synchrony=max(p.synchrony for p in parts),
            repeats=max(p.repeats for p in parts),
            roles=_roles(lead.pattern, parts),
            detectors=sorted({p.detector for p in parts}),
        )
        out.append(merged)
    return out


def _roles(pattern: str, parts: list[Candidate]) -> dict[str, str]:
    """Roles of a merged ring: the lead's win; a folded-in part of another pattern names no organiser.

    A drug-reselling tour passes through pharmacies whose counters also look like card bursts;
    the card-collection candidates folded into it would otherwise make every pharmacy and cashier
    on the tour an "organiser" of the ring, and a referral would name them all.
    """
    roles: dict[str, str] = {}
    for p in reversed(parts):  # the lead (parts[0]) last, so its roles stand
        for key, role in p.roles.items():
            if role == "organiser" and p.pattern != pattern:
                role = "participant"
            roles[key] = role
    return roles


def _dedupe(evidence):
    seen, out = set(), []
    for e in evidence:
        if e.text_en not in seen:
            seen.add(e.text_en)
            out.append(e)
    return out


def _assess(f, c: Candidate, claim_ids: list[str], memo) -> tuple[float, list]:
    """:func:`~graph.detect.legit.assess` of a merged ring, kept between runs (daily increments).

    The legitimate reasons read only the ring's claims and its people's reference rows (and
    the holders of an address or phone in the reference file, which an increment never
    changes), so a ring with the same people and the same claims as a ring of the last run
    gets the same penalty and reasons without looking again."""
    if memo is None:
        return assess(f, c.patients, c.rows)
    key = hashlib.sha256("\x1e".join(["\x1f".join(f.ids("patient", c.patients)), "\x1f".join(claim_ids)])
                         .encode("utf-8")).hexdigest()
    kept = memo.old.get("items", {}).get(key) if memo.incremental else None
    if kept is not None:
        penalty, reasons = float(kept["penalty"]), [Evidence(*e) for e in kept["reasons"]]
        memo.stats["rings_reused"] = memo.stats.get("rings_reused", 0) + 1
    else:
        penalty, reasons = assess(f, c.patients, c.rows)
    memo.stats["rings"] = memo.stats.get("rings", 0) + 1
    memo.items[key] = {"penalty": penalty, "reasons": [[e.text_zh, e.text_en, list(e.claim_ids), e.kind] for e in reasons]}
    return penalty, reasons


def to_rings(f, candidates: list[Candidate]) -> list[Ring]:
    """Merge, score and number candidates; rings sorted by score, highest first."""
    memo = memo_for(f, "legit")
    rings = []
    for c in merge(candidates):
        if len(c.rows) == 0:
            continue
        claim_ids = f.claim_ids(c.rows)
        penalty, reasons = _assess(f, c, claim_ids, memo)
        fund = float(f.fund[c.rows].sum())
        parts = score_parts(c.strength, fund, c.synchrony, scatter(f, c.patients), c.repeats, penalty)
        days = f.day[c.rows]
        regions = f.p_region[c.patients] if len(c.patients) else np.array([], dtype=np.int32)
        districts = [str(x) for x in f.p_region_label[np.unique(regions[regions >= 0])]] if len(f.p_region_label) else []
        inst_regions = f.i_region[c.institutions] if len(c.institutions) else np.array([], dtype=np.int32)
        if len(f.i_region_label):
            districts = sorted(set(districts) | {str(x) for x in f.i_region_label[np.unique(inst_regions[inst_regions >= 0])]})
        # a sentence lent by an overlapping community may cite claims outside this ring:
        # keep only the ones inside, so every cited claim is one of the ring's
        inside = set(claim_ids)
        evidence = []
        for e in c.evidence:
            ids = [x for x in e.claim_ids if x in inside]
            if ids:
                evidence.append(type(e)(e.text_zh, e.text_en, ids, e.kind))
        roles = dict(c.roles)
        for p in f.ids("patient", c.patients):
            roles.setdefault(f"patient:{p}", "participant")
        rings.append(Ring(
            ring_id="", score=parts.pop("score"), pattern=c.pattern,
            members={"patients": f.ids("patient", c.patients), "cards": f.ids("card", c.cards),
                     "doctors": f.ids("doctor", c.doctors), "institutions": f.ids("institution", c.institutions),
                     "operators": f.ids("operator", c.operators)},
            claim_ids=claim_ids, fund_amount=round(fund, 2),
            first_seen=f.date(days.min()), last_seen=f.date(days.max()),
            evidence=evidence + reasons, roles=roles, districts=districts,
            detectors=c.detectors or [c.detector], score_parts=parts,
        ))
    rings.sort(key=lambda r: (-r.score, r.claim_ids[0], r.pattern))
    for k, r in enumerate(rings, 1):
        r.ring_id = f"R{k:04d}"
    return rings
