"""The leaders' summary: what the dashboard page shows and the brief PDF prints.

No personal data leaves this module: no patient or card ids, names, phones or addresses,
and no names of doctors; only counts, money, patterns, districts, case statuses, and the
ids and names of institutions and the ids of doctors (which are not personal, see
``access.guard``). Money is integer fen (``*_fen``); a claim shared by two rings counts
once in every total.

The returned dict (all lists sorted largest first unless said otherwise)::

    generated_at   ISO time
    totals         rings, claims, patients (a count), doctors, institutions,
                   fund_at_stake_fen (rings not dismissed), fund_confirmed_fen (confirmed or
                   referred), fund_referred_fen, fund_dismissed_fen
    by_status      [{status, label_zh, label_en, rings, fund_fen}]   in lifecycle order
    by_pattern     [{pattern, label_zh, label_en, rings, fund_fen}]
    by_district    [{district, rings, fund_fen}]   district of the rings' institutions
    top_institutions [{institution_id, name, district, rings, claims, fund_fen}]   top 10
    top_doctors    [{doctor_id, institution_id, rings, claims, fund_fen}]        top 10
    referrals      [{ring_id, case_no, date, pattern, label_zh, label_en, fund_fen}]   in date order
    trend          [{month, rings_started, claims, fund_fen}]                    in month order
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Callable

import pandas as pd

from graph.detect.ring import CHINA_TZ, Ring, read_rings_json
from reports.money import fen_list, to_fen
from reports.patterns import pattern_name
from ringtrace import cases
from ringtrace.workspace import Workspace

__all__ = ["summary", "TOP_N", "SUMMARY_CLAIM_COLUMNS", "UNKNOWN_DISTRICT"]

TOP_N = 10
UNKNOWN_DISTRICT = "未注明"
# the only claim columns the summary reads: no patient, card or operator ids
SUMMARY_CLAIM_COLUMNS = ["claim_id", "institution_id", "doctor_id", "settled_at", "fund_amount"]


def _default_claims(ws: Workspace, claim_ids: set[str]) -> pd.DataFrame:
    from reports.claims import read_claims_by_id

    return read_claims_by_id(ws, claim_ids, columns=SUMMARY_CLAIM_COLUMNS)


def _default_reference(ws: Workspace, kind: str):
    from ingest.analytic import read_reference

    return read_reference(ws, kind)


def _ring_claims(rings: list[Ring], claims: pd.DataFrame | None) -> pd.DataFrame:
    """The claims of any ring, once each, with fund_fen; empty when claims are unavailable."""
    wanted = {str(c) for r in rings for c in r.claim_ids}
    if claims is None or claims.empty or "claim_id" not in claims or not wanted:
        return pd.DataFrame(columns=SUMMARY_CLAIM_COLUMNS + ["fund_fen"])
    sub = claims.loc[claims["claim_id"].astype(str).isin(wanted), [c for c in SUMMARY_CLAIM_COLUMNS if c in claims]]
    sub = sub.assign(claim_id=sub["claim_id"].astype(str)).drop_duplicates("claim_id")
    for c in SUMMARY_CLAIM_COLUMNS:
        if c not in sub:
            sub[c] = pd.NA
    sub["fund_fen"] = pd.Series(fen_list(sub["fund_amount"]), index=sub.index, dtype="int64")
    return sub.set_index("claim_id", drop=False)


def summary(ws: Workspace, *, rings: list[Ring] | None = None,
            claims_reader: Callable[[Workspace], pd.DataFrame] | None = None,
            reference_reader: Callable[[Workspace, str], "pd.DataFrame | None"] | None = None) -> dict:
    """The leaders' summary of the workspace (see the module doc for the keys).

    An empty workspace (no rings.json yet) gives zero counts and empty lists.
    """
    if rings is None:
        rings = read_rings_json(ws.rings_json) if ws.rings_json.is_file() else []
    if claims_reader is None:
        wanted = {str(c) for r in rings for c in r.claim_ids}
        claims_reader = lambda w: _default_claims(w, wanted)  # noqa: E731
    reference_reader = reference_reader or _default_reference
    claims = _ring_claims(rings, claims_reader(ws) if rings else None)
    have_claims = not claims.empty
    fund_of_claim = claims["fund_fen"].to_dict() if have_claims else {}

    institutions = reference_reader(ws, "institutions") if rings else None
    inst_name, inst_region = {}, {}
    if institutions is not None and not institutions.empty:
        ids = institutions["institution_id"].astype(str)
        inst_name = dict(zip(ids, institutions["name"].astype("string").fillna("")))
        inst_region = dict(zip(ids, institutions["region"].astype("string").fillna("")))

    statuses = cases.current_statuses(ws)
    status_of = {r.ring_id: statuses.get(r.ring_id, "new") for r in rings}

    def ring_claim_ids(r: Ring) -> set[str]:
        ids = {str(c) for c in r.claim_ids}
        return ids & fund_of_claim.keys() if have_claims else ids

    ring_ids = {r.ring_id: ring_claim_ids(r) for r in rings}

    def fund(claim_ids: set[str], fallback_rings: list[Ring]) -> int:
        if have_claims:
            return int(sum(fund_of_claim[c] for c in claim_ids))
        return sum(to_fen(r.fund_amount) for r in fallback_rings)

    def group_fund(members: list[Ring]) -> int:
        ids: set[str] = set().union(*(ring_ids[r.ring_id] for r in members)) if members else set()
        return fund(ids, members)

    # --- totals and status -------------------------------------------------------------------
    live = [r for r in rings if status_of[r.ring_id] != "dismissed"]
    confirmed = [r for r in rings if status_of[r.ring_id] in ("confirmed", "referred")]
    referred = [r for r in rings if status_of[r.ring_id] == "referred"]
    dismissed = [r for r in rings if status_of[r.ring_id] == "dismissed"]
    member_count = lambda kind: len({m for r in rings for m in (r.members.get(kind) or [])})  # noqa: E731
    totals = {
        "rings": len(rings),
        "claims": len(set().union(*ring_ids.values())) if rings else 0,
        "patients": member_count("patients"),
        "doctors": member_count("doctors"),
        "institutions": member_count("institutions"),
        "fund_at_stake_fen": group_fund(live),
        "fund_confirmed_fen": group_fund(confirmed),
        "fund_referred_fen": group_fund(referred),
        "fund_dismissed_fen": group_fund(dismissed),
    }
    by_status = []
    for s in cases.STATUSES:
        members = [r for r in rings if status_of[r.ring_id] == s]
        by_status.append({"status": s, "label_zh": cases.STATUS_LABELS[s]["zh"],
                          "label_en": cases.STATUS_LABELS[s]["en"], "rings": len(members),
                          "fund_fen": group_fund(members)})

    # --- pattern, district ---------------------------------------------------------------------
    def grouped(key_of: Callable[[Ring], list[str]]) -> dict[str, list[Ring]]:
        out: dict[str, list[Ring]] = defaultdict(list)
        for r in rings:
            for k in key_of(r):
                out[k].append(r)
        return out

    by_pattern = [{"pattern": p, "label_zh": pattern_name(p), "label_en": pattern_name(p, "en"), "rings": len(rs),
                   "fund_fen": group_fund(rs)}
                  for p, rs in grouped(lambda r: [r.pattern]).items()]

    def districts(r: Ring) -> list[str]:
        # where the money was paid out: the institutions' districts; the detector's list also
        # holds the patients' home districts, which would spread one ring over the whole city
        found = [inst_region.get(str(i), "") for i in r.members.get("institutions") or []]
        found = [d for d in dict.fromkeys(found) if d]
        return found or list(dict.fromkeys(r.districts)) or [UNKNOWN_DISTRICT]

    by_district = [{"district": d, "rings": len(rs), "fund_fen": group_fund(rs)}
                   for d, rs in grouped(districts).items()]

    # --- institutions and doctors: money on the ring claims they took part in -----------------
    def top(kind: str, column: str) -> list[dict]:
        ring_count: dict[str, int] = defaultdict(int)
        for r in rings:
            for ident in dict.fromkeys(map(str, r.members.get(kind) or [])):
                ring_count[ident] += 1
        n_claims: dict[str, int] = defaultdict(int)
        fund_fen: dict[str, int] = defaultdict(int)
        home: dict[str, str] = {}
        if have_claims and ring_count:
            # (ring, member) x (ring, claim), kept where the claim is the member's own: each
            # claim counts once per member however many rings share it
            members = pd.DataFrame([(r.ring_id, str(m)) for r in rings for m in r.members.get(kind) or []],
                                   columns=["ring_id", "member"])
            owned = pd.DataFrame([(rid, c) for rid, ids in ring_ids.items() for c in ids],
                                 columns=["ring_id", "claim_id"])
            cols = list(dict.fromkeys(["claim_id", column, "institution_id", "fund_fen"]))
            owned = owned.merge(claims[cols].reset_index(drop=True),
                                on="claim_id")
            owned["member"] = owned[column].astype("string")
            mine = owned.merge(members, on=["ring_id", "member"]).drop_duplicates(["member", "claim_id"])
            agg = mine.groupby("member").agg(n=("claim_id", "size"), fund=("fund_fen", "sum"))
            n_claims.update({str(k): int(v) for k, v in agg["n"].items()})
            fund_fen.update({str(k): int(v) for k, v in agg["fund"].items()})
            # a doctor's main institution: where most of their ring claims were settled
            places = (mine.assign(inst=mine["institution_id"].astype(str)).groupby(["member", "inst"]).size()
                      .reset_index(name="n").sort_values(["member", "n", "inst"], ascending=[True, False, True])
                      .drop_duplicates("member"))
            home.update(dict(zip(places["member"].astype(str), places["inst"])))
        else:
            for r in rings:
                for ident in dict.fromkeys(map(str, r.members.get(kind) or [])):
                    fund_fen[ident] += to_fen(r.fund_amount)
        ranked = sorted(ring_count, key=lambda i: (-fund_fen[i], -ring_count[i], i))[:TOP_N]
        if kind == "institutions":
            return [{"institution_id": i, "name": inst_name.get(i, ""), "district": inst_region.get(i, ""),
                     "rings": ring_count[i], "claims": n_claims[i], "fund_fen": fund_fen[i]} for i in ranked]
        return [{"doctor_id": i, "institution_id": home.get(i, ""), "rings": ring_count[i],
                 "claims": n_claims[i], "fund_fen": fund_fen[i]} for i in ranked]

    # --- referrals and trend -------------------------------------------------------------------
    by_id = {r.ring_id: r for r in rings}
    referrals = []
    for ref in cases.referrals(ws):
        r = by_id.get(ref["ring_id"])
        referrals.append({"ring_id": ref["ring_id"], "case_no": ref["case_no"], "date": ref["at"][:10],
                          "pattern": r.pattern if r else "", "label_zh": pattern_name(r.pattern) if r else "",
                          "label_en": pattern_name(r.pattern, "en") if r else "",
                          "fund_fen": group_fund([r]) if r else 0})

    trend: dict[str, dict] = defaultdict(lambda: {"rings_started": 0, "claims": 0, "fund_fen": 0})
    for r in rings:
        if r.first_seen:
            trend[str(r.first_seen)[:7]]["rings_started"] += 1
    if have_claims:
        month = pd.to_datetime(claims["settled_at"], errors="coerce").dt.strftime("%Y-%m")
        for m, g in claims.groupby(month):
            trend[str(m)]["claims"] += len(g)
            trend[str(m)]["fund_fen"] += int(g["fund_fen"].sum())

    def largest(rows: list[dict]) -> list[dict]:
        return sorted(rows, key=lambda d: (-d["fund_fen"], -d["rings"], str(next(iter(d.values())))))

    return {
        "generated_at": datetime.now(CHINA_TZ).isoformat(timespec="seconds"),
        "totals": totals,
        "by_status": by_status,
        "by_pattern": largest(by_pattern),
        "by_district": largest(by_district),
        "top_institutions": top("institutions", "institution_id"),
        "top_doctors": top("doctors", "doctor_id"),
        "referrals": referrals,
        "trend": [{"month": m, **v} for m, v in sorted(trend.items())],
    }
