"""Score reported rings against a planted truth (``ringtrace evaluate --truth FILE [--rings FILE]``).

The rules (issue 4):

- N planted rings. A planted ring is *found* when a reported ring among the top 2N (by score)
  shares at least half of its people: its patients, or its cards for a ring without patients.
- recall = found / N.
- precision@N = the share of the top N reported rings that match some planted ring (a reported
  ring matches a planted ring when it holds at least half of that ring's people).
- average precision = the mean, over planted rings, of the precision at the rank where each is
  first found (a reported ring counts once, for the first planted ring it newly finds);
  0 for a ring never found in the top 2N.
- per pattern, recall counts any reported ring whatever its label; precision@N_p and AP_p are
  measured on the reported rings labelled with that pattern against the planted rings of that
  pattern (what an investigator filtering by pattern sees).
- every legitimate group gets the rank of the best reported ring that holds at least half of its
  people, or None: good detection ranks them low or not at all.

>>> truth = {"rings": [{"ring_id": "P1", "pattern": "card_collection",
...                     "members": {"patients": ["a", "b", "c", "d"]}}],
...          "legit_groups": [{"group_id": "L1", "kind": "family", "members": {"patients": ["x", "y"]}}]}
>>> hit = Ring("R1", 0.9, "card_collection", {"patients": ["a", "b", "z"]}, [], 0.0, "", "")
>>> fam = Ring("R2", 0.5, "community", {"patients": ["x", "y"]}, [], 0.0, "", "")
>>> r = evaluate([fam, hit], truth)
>>> r["overall"]["recall"], r["overall"]["precision_at_n"], r["overall"]["average_precision"]
(1.0, 1.0, 1.0)
>>> r["legit_groups"][0]["rank"]
2
>>> evaluate([], truth)["overall"]["recall"]
0.0
"""

from __future__ import annotations

import json
from pathlib import Path

from graph.detect.ring import PATTERNS, Ring, read_rings_json
from ringtrace.errors import InputError

__all__ = ["configure", "run", "evaluate", "format_report", "people_of", "rank_rings"]


def people_of(members: dict) -> set[str]:
    """The people of a group: its patients, or its cards when it names no patients."""
    patients = [str(x) for x in (members.get("patients") or [])]
    return set(patients) if patients else {str(x) for x in (members.get("cards") or [])}


def rank_rings(rings: list[Ring]) -> list[Ring]:
    """Highest score first; ties broken by ring id so the order never depends on input order."""
    return sorted(rings, key=lambda r: (-float(r.score), str(r.ring_id)))


class _Members:
    """A reported ring's patients and cards as sets, built once."""

    __slots__ = ("patients", "cards")

    def __init__(self, ring: Ring):
        self.patients = {str(x) for x in (ring.members.get("patients") or [])}
        self.cards = {str(x) for x in (ring.members.get("cards") or [])}


def _shares_half(group: dict, ring: "Ring | _Members") -> bool:
    m = ring if isinstance(ring, _Members) else _Members(ring)
    patients = group["members"].get("patients") or []
    want, have = ({str(x) for x in patients}, m.patients) if patients else (people_of(group["members"]), m.cards)
    return bool(want) and 2 * len(want & have) >= len(want)


def _ap(ranked: list[_Members], planted: list[dict], depth: int) -> tuple[float, dict[str, int]]:
    """Average precision over ``planted``, walking ``ranked[:depth]``; and the rank each was found at."""
    found_at: dict[str, int] = {}
    hits = 0
    total = 0.0
    for k, ring in enumerate(ranked[:depth], start=1):
        newly = [p for p in planted if p["ring_id"] not in found_at and _shares_half(p, ring)]
        if newly:
            found_at[newly[0]["ring_id"]] = k
            hits += 1
            total += hits / k
    return (total / len(planted) if planted else 0.0), found_at


def _precision_at(ranked: list[_Members], planted: list[dict], n: int) -> float:
    if n == 0:
        return 0.0
    return sum(any(_shares_half(p, r) for p in planted) for r in ranked[:n]) / n


def evaluate(rings: list[Ring], truth: dict) -> dict:
    """Recall, precision@N and average precision, overall and per pattern, and the ranks of the
    legitimate groups. See the module docstring for the exact rules."""
    planted = list(truth.get("rings") or [])
    ranked = rank_rings(rings)
    members = [_Members(r) for r in ranked]
    n = len(planted)
    depth = 2 * n
    found_rank: dict[str, int] = {}
    matched_ring: dict[str, str] = {}
    for p in planted:
        for k, m in enumerate(members[:depth], start=1):
            if _shares_half(p, m):
                found_rank[p["ring_id"]] = k
                matched_ring[p["ring_id"]] = ranked[k - 1].ring_id
                break
    ap, _ = _ap(members, planted, depth)
    overall = {
        "planted": n,
        "reported": len(ranked),
        "found": len(found_rank),
        "recall": round(len(found_rank) / n, 4) if n else 0.0,
        "precision_at_n": round(_precision_at(members, planted, n), 4),
        "average_precision": round(ap, 4),
    }
    per_pattern = {}
    patterns = [p for p in PATTERNS if any(r["pattern"] == p for r in planted)]
    patterns += sorted({r["pattern"] for r in planted} - set(patterns))
    for pat in patterns:
        mine = [p for p in planted if p["pattern"] == pat]
        labelled = [m for r, m in zip(ranked, members) if r.pattern == pat]
        ap_p, _ = _ap(labelled, mine, 2 * len(mine))
        found = sum(p["ring_id"] in found_rank for p in mine)
        per_pattern[pat] = {
            "planted": len(mine),
            "reported": len(labelled),
            "found": found,
            "recall": round(found / len(mine), 4),
            "precision_at_n": round(_precision_at(labelled, mine, len(mine)), 4),
            "average_precision": round(ap_p, 4),
        }
    legit = []
    for g in truth.get("legit_groups") or []:
        rank = next((k for k, m in enumerate(members, start=1) if _shares_half(g, m)), None)
        legit.append({"group_id": g.get("group_id"), "kind": g.get("kind"),
                      "people": len(people_of(g["members"])), "rank": rank,
                      "ring_id": ranked[rank - 1].ring_id if rank else None})
    return {
        "overall": overall,
        "per_pattern": per_pattern,
        "rings": [{"ring_id": p["ring_id"], "pattern": p["pattern"], "people": len(people_of(p["members"])),
                   "found": p["ring_id"] in found_rank, "rank": found_rank.get(p["ring_id"]),
                   "matched_ring_id": matched_ring.get(p["ring_id"])} for p in planted],
        "legit_groups": legit,
    }


def format_report(result: dict) -> str:
    """A readable table of ``evaluate``'s result."""
    o = result["overall"]
    lines = [f"{'pattern':<26}{'planted':>8}{'found':>7}{'recall':>8}{'P@N':>7}{'AP':>7}", "-" * 63]
    for pat, m in result["per_pattern"].items():
        lines.append(f"{pat:<26}{m['planted']:>8}{m['found']:>7}{m['recall']:>8.2f}{m['precision_at_n']:>7.2f}"
                     f"{m['average_precision']:>7.2f}")
    lines.append("-" * 63)
    lines.append(f"{'overall':<26}{o['planted']:>8}{o['found']:>7}{o['recall']:>8.2f}{o['precision_at_n']:>7.2f}"
                 f"{o['average_precision']:>7.2f}")
    lines.append(f"({o['reported']} rings reported; a planted ring is found by a ring in the top {2 * o['planted']} "
                 f"holding at least half its people. Per pattern, P@N and AP count rings labelled with that pattern.)")
    missed = [r for r in result["rings"] if not r["found"]]
    if missed:
        lines.append("missed: " + ", ".join(f"{r['ring_id']} ({r['pattern']}, {r['people']} people)" for r in missed))
    if result["legit_groups"]:
        lines.append("")
        lines.append("legitimate groups (best rank of a ring holding half their people; lower is worse):")
        for g in result["legit_groups"]:
            where = f"rank {g['rank']} ({g['ring_id']})" if g["rank"] else "not reported"
            lines.append(f"  {g['group_id']:<6} {g['kind']:<18} {g['people']:>4} people  {where}")
    return "\n".join(lines)


def configure(p) -> None:
    p.add_argument("--truth", required=True, metavar="FILE", help="truth.json written by ringtrace synth")
    p.add_argument("--rings", metavar="FILE", default=None, help="rings JSON to score (default: HOME/rings.json)")
    p.add_argument("--json", action="store_true", help="print the scores as one JSON object")


def _load_json(path: Path, what: str, hint: str):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise InputError(f"The {what} file {path} does not exist. {hint}") from e
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"The {what} file {path} is not valid UTF-8 JSON ({e}). {hint}") from e


def _truth_fault(truth) -> str | None:
    """What is wrong with a truth document, or None."""
    if not isinstance(truth, dict) or not isinstance(truth.get("rings"), list):
        return 'there is no "rings" list'
    for key, id_key in (("rings", "ring_id"), ("legit_groups", "group_id")):
        for i, g in enumerate(truth.get(key) or []):
            if not isinstance(g, dict) or not isinstance(g.get("members"), dict) or id_key not in g:
                return f'{key}[{i}] lacks "{id_key}" or a "members" object'
            if key == "rings" and "pattern" not in g:
                return f'{key}[{i}] has no "pattern"'
    return None


def run(args, ws) -> int:
    truth_path = Path(args.truth)
    truth = _load_json(truth_path, "truth", "Write one with: ringtrace synth OUT_DIR (it creates OUT_DIR/truth.json).")
    bad = _truth_fault(truth)
    if bad:
        raise InputError(f"The truth file {truth_path} is not a truth.json as ringtrace synth writes it: {bad}. "
                         f"Write a fresh one with: ringtrace synth OUT_DIR.")
    rings_path = Path(args.rings) if args.rings else ws.rings_json
    hint = "Run ringtrace detect first, or name a rings file with --rings FILE."
    _load_json(rings_path, "rings", hint)
    try:
        rings = read_rings_json(rings_path)
    except (KeyError, TypeError) as e:
        raise InputError(f"The rings file {rings_path} is not in the rings JSON format of the contract "
                         f"(missing {e}). {hint}") from e
    result = evaluate(rings, truth)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print(f"truth {truth_path} (seed {truth.get('seed')}, {truth.get('patients')} people) · rings {rings_path}")
        print(format_report(result))
    return 0
