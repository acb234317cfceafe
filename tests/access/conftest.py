"""A small city for the access tests, and in-memory readers standing in for the store and the
analytic copy (the guard takes its readers in the constructor)."""

from __future__ import annotations

from collections import deque
from datetime import datetime

import pandas as pd
import pytest

from graph.detect.ring import Evidence, Ring
from graph.store.base import Edge, EntitySummary, GraphStore, Node, Subgraph

PATIENTS = pd.DataFrame({
    "patient_id": ["330902199001011234", "330902198512125678", "33090219700303999X", "P0000004"],
    "card_id": ["6222021234567890123", "6222029876543210987", "6222020000111122223", "C0000004"],
    "name": ["张三", "李四四", "欧阳娜娜", "王五"],
    "birth_year": [1990, 1985, 1970, 1960],
    "sex": ["M", "F", "F", "M"],
    "region": ["定海区", "定海区", "普陀区", "岱山县"],
    "phone": ["13812345678", "13987654321", "0580-2201234", "15000000004"],
    "address": ["浙江省舟山市定海区环城南路1号", "浙江省舟山市定海区人民路8号", "浙江省舟山市普陀区东港街道3号",
                "浙江省舟山市岱山县高亭镇9号"],
})


def _claims() -> pd.DataFrame:
    rows = []
    n = 0
    for i, (pid, cid) in enumerate(zip(PATIENTS.patient_id, PATIENTS.card_id)):
        for k in range(3):
            n += 1
            rows.append({
                "claim_id": f"X{n:04d}", "patient_id": pid, "card_id": cid,
                "institution_id": "H001" if i < 3 else "H002", "doctor_id": "D01" if k < 2 else "D02",
                "visit_type": "outpatient", "settled_at": datetime(2024, 3, 1 + k, 21, i),
                "total_amount": 100.0 + i, "fund_amount": 80.0 + i, "diagnosis": "J06.9", "operator_id": "OP7",
            })
    df = pd.DataFrame(rows)
    for c in ("claim_id", "patient_id", "card_id", "institution_id", "doctor_id", "visit_type", "diagnosis",
              "operator_id"):
        df[c] = df[c].astype("string")
    return df


CLAIMS = _claims()
# Every string that would identify a person: none may reach a leader.
IDENTITIES = sorted(
    set(PATIENTS.patient_id) | set(PATIENTS.card_id) | set(PATIENTS.name) | set(PATIENTS.phone)
    | set(PATIENTS.address)
)


def make_rings() -> list[Ring]:
    p, c = list(PATIENTS.patient_id[:3]), list(PATIENTS.card_id[:3])
    ids = list(CLAIMS.claim_id[:9])
    return [
        Ring(
            ring_id="R0001", score=0.9, pattern="card_collection",
            members={"patients": p, "cards": c, "doctors": ["D01"], "institutions": ["H001"], "operators": ["OP7"]},
            claim_ids=ids, fund_amount=729.0, first_seen="2024-03-01", last_seen="2024-03-03",
            evidence=[Evidence(f"卡 {c[0]} 与 {p[1]} 在 H001 由 OP7 连续刷卡；联系电话 13812345678",
                               f"card {c[0]} and {p[1]} swiped at H001 by OP7", ids[:3], "burst")],
            roles={f"patient:{p[0]}": "organiser", "doctor:D01": "participant", f"card:{c[0]}": "instrument"},
            districts=["定海区"],
        ),
        Ring(
            ring_id="R0002", score=0.4, pattern="community",
            members={"patients": [PATIENTS.patient_id[3]], "cards": [PATIENTS.card_id[3]], "doctors": ["D02"],
                     "institutions": ["H002"]},
            claim_ids=list(CLAIMS.claim_id[9:]), fund_amount=249.0, first_seen="2024-03-01", last_seen="2024-03-03",
        ),
    ]


class FakeStore(GraphStore):
    """Entities and claims held in memory; edges patient–card, card–institution, patient–doctor."""

    name = "fake"

    def __init__(self, claims: pd.DataFrame = CLAIMS, patients: pd.DataFrame = PATIENTS):
        self.claims = claims
        self.people = {r.patient_id: r for r in patients.itertuples()}
        self.calls: list[tuple] = []

    def ensure_schema(self):
        pass

    def load(self, claims, institutions=None, doctors=None, patients=None):
        raise NotImplementedError("read-only fake")

    def counts(self):
        return {"claims": len(self.claims)}

    def store_rings(self, rings):
        raise NotImplementedError("read-only fake")

    def _props(self, type, id):
        if type == "patient" and id in self.people:
            r = self.people[id]
            # "holder_note" stands for anything a store might add that a leader must not see.
            return {"name": r.name, "phone": r.phone, "address": r.address, "birth_year": r.birth_year,
                    "region": r.region, "holder_note": f"{r.name} {r.patient_id}"}
        if type == "card":
            holder = self.claims.loc[self.claims.card_id == id, "patient_id"]
            return {"patient_id": holder.iloc[0]} if len(holder) else {}
        return {}

    def _pairs(self):
        for r in self.claims.itertuples():
            yield ("patient", r.patient_id), ("card", r.card_id), "HOLDS", r
            yield ("card", r.card_id), ("institution", r.institution_id), "USED_AT", r
            if isinstance(r.doctor_id, str):
                yield ("patient", r.patient_id), ("doctor", r.doctor_id), "TREATED", r

    def find(self, text, types=("patient", "card", "doctor", "institution"), limit=20):
        self.calls.append(("find", text, types))
        seen = []
        for a, b, _, _ in self._pairs():
            for t, i in (a, b):
                if t in types and str(i).startswith(text) and (t, i) not in seen:
                    seen.append((t, i))
        return [Node(t, i, self._props(t, i)) for t, i in seen[:limit]]

    def neighbourhood(self, type, id, hops=1, max_nodes=200, since=None, until=None):
        self.calls.append(("neighbourhood", type, id, hops, max_nodes))
        adj: dict[tuple, set] = {}
        agg: dict[tuple, list] = {}
        for a, b, kind, r in self._pairs():
            adj.setdefault(a, set()).add(b)
            adj.setdefault(b, set()).add(a)
            agg.setdefault((a, b, kind), []).append(r)
        start = (type, id)
        if start not in adj:
            return Subgraph([], [], 0, False)
        seen, queue = {start: 0}, deque([start])
        while queue:
            cur = queue.popleft()
            if seen[cur] >= hops:
                continue
            for nxt in sorted(adj[cur]):
                if nxt not in seen:
                    seen[nxt] = seen[cur] + 1
                    queue.append(nxt)
        keep = list(seen)[:max_nodes]
        nodes = [Node(t, i, self._props(t, i)) for t, i in keep]
        edges = [
            Edge(Node(*a, self._props(*a)), Node(*b, self._props(*b)), kind, claims=len(rs),
                 fund_amount=sum(r.fund_amount for r in rs), claim_ids=[r.claim_id for r in rs])
            for (a, b, kind), rs in agg.items() if a in keep and b in keep
        ]
        return Subgraph(nodes, edges, len(seen), len(seen) > len(keep))

    def claims_of(self, nodes, since=None, until=None, limit=10_000):
        col = {"patient": "patient_id", "card": "card_id", "doctor": "doctor_id", "institution": "institution_id"}
        mask = pd.Series(False, index=self.claims.index)
        for n in nodes:
            mask |= self.claims[col[n.type]] == n.id
        return self.claims[mask].head(limit).reset_index(drop=True)

    def summary(self, type, id, top=10):
        sg = self.neighbourhood(type, id, hops=1)
        if not sg.nodes:
            return None
        node = sg.nodes[0]
        rows = self.claims_of([node])
        others = [(e.target if e.source.id == id else e.source, e.claims, e.fund_amount) for e in sg.edges]
        return EntitySummary(node, len(rows), float(rows.total_amount.sum()), float(rows.fund_amount.sum()),
                             None, None, others[:top])


class FakeAnalytic:
    """``ingest.analytic``'s reads over the frames above."""

    def __init__(self, claims=CLAIMS, patients=PATIENTS):
        self.claims, self.patients_df = claims, patients

    def read_claims(self, ws, columns=None, batches=None):
        return self.claims[list(columns)] if columns else self.claims.copy()

    def read_reference(self, ws, kind):
        return self.patients_df.copy() if kind == "patients" else None

    def counts(self, ws):
        return {"claims": len(self.claims), "patients": len(self.patients_df)}


@pytest.fixture
def city_guard(fresh_ws):
    """guard(role) -> a Guard on a workspace holding the small city, for a user of that role."""
    from access.guard import Guard
    from access.users import User

    store = FakeStore()

    def make(role: str, name: str | None = None) -> Guard:
        return Guard(fresh_ws, User(name or f"{role}1", role), store=store, analytic=FakeAnalytic(),
                     rings=make_rings)

    make.ws = fresh_ws
    make.store = store
    return make


@pytest.fixture
def city():
    """The city's frames and the identity strings no restricted role may receive."""
    from types import SimpleNamespace

    return SimpleNamespace(patients=PATIENTS, claims=CLAIMS, identities=IDENTITIES, rings=make_rings)
