"""Fixtures for the store contract suite: a small deterministic city and one store per engine.

``any_store`` runs each test against LadybugDB, against ArcadeDB over Bolt (a real server started
once per session on loopback, free ports, stopped afterwards), and against Neo4j when NEO4J_URI
is set. Every store handed to a test is empty.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from graph.store.arcadedb_server import ArcadeBoltServer
from graph.store.bolt_store import BoltStore, from_env
from graph.store.ladybug_store import LadybugStore

ENGINES = ["ladybug", "arcadedb"] + (["neo4j"] if os.environ.get("NEO4J_URI") else [])


def make_city(seed: int = 11, patients: int = 40, claims: int = 400) -> dict[str, pd.DataFrame]:
    """A small city: claims, institutions, doctors, patients; a card-collection ring at pharmacy H6."""
    rng = np.random.default_rng(seed)
    inst = [f"H{i}" for i in range(1, 7)]
    docs = [f"D{i}" for i in range(1, 9)]
    pats = [f"P{i:03d}" for i in range(1, patients + 1)]
    card_of = {p: f"K{p[1:]}" for p in pats}
    card_of["P040"] = "P040"  # a patient whose card id is their patient id (ingest's default)
    rows = []
    start = pd.Timestamp("2024-01-01 08:00")
    for n in range(claims):
        p = pats[int(rng.integers(len(pats)))]
        h = inst[int(rng.integers(5))]
        d = docs[int(rng.integers(len(docs)))] if rng.random() < 0.8 else None
        card = card_of[p] if rng.random() < 0.95 else card_of[pats[int(rng.integers(len(pats)))]]
        total = float(round(rng.uniform(10, 3000), 2))
        fund = float(round(total * 0.7, 2)) if rng.random() < 0.9 else np.nan
        at = start + pd.Timedelta(minutes=int(rng.integers(0, 365 * 24 * 60)))
        rows.append((f"C{n:05d}", p, card, h, d, "outpatient" if d else "pharmacy", at, total, fund, "OP1"))
    # the ring: ten cards swiped at H6 by operator OP9 within minutes, on three evenings
    for k in range(3):
        base = pd.Timestamp("2024-06-01 20:00") + pd.Timedelta(days=7 * k)
        for j, p in enumerate(pats[:10]):
            rows.append((f"R{k}{j:02d}", p, card_of[p], "H6", None, "pharmacy", base + pd.Timedelta(minutes=j),
                         188.0, 150.4, "OP9"))
    df = pd.DataFrame(rows, columns=["claim_id", "patient_id", "card_id", "institution_id", "doctor_id",
                                     "visit_type", "settled_at", "total_amount", "fund_amount", "operator_id"])
    for c in ("claim_id", "patient_id", "card_id", "institution_id", "doctor_id", "visit_type", "operator_id"):
        df[c] = df[c].astype("string")
    df["settled_at"] = df["settled_at"].astype("datetime64[ns]")
    institutions = pd.DataFrame({"institution_id": inst, "name": [f"医院{i}" for i in range(1, 7)],
                                 "kind": ["hospital"] * 3 + ["clinic"] * 2 + ["pharmacy"],
                                 "level": ["3", "2", "1", None, None, None], "region": ["定海区"] * 6,
                                 "lat": [30.0 + i / 100 for i in range(6)], "lon": [122.1] * 6})
    doctors = pd.DataFrame({"doctor_id": docs + ["D99"], "name": [f"医师{i}" for i in range(1, 10)],
                            "institution_id": [inst[i % 5] for i in range(8)] + ["H9"]})
    patients_ref = pd.DataFrame({"patient_id": pats + ["P999"], "card_id": [card_of[p] for p in pats] + ["K999"],
                                 "name": [f"张{i}" for i in range(patients + 1)],
                                 "birth_year": [1940 + i for i in range(patients + 1)],
                                 "sex": ["F", "M"] * (patients // 2) + ["F"], "region": ["定海区"] * (patients + 1),
                                 "phone": [None] * (patients + 1), "address": [None] * (patients + 1)})
    return {"claims": df.sort_values("claim_id").reset_index(drop=True), "institutions": institutions,
            "doctors": doctors, "patients": patients_ref}


@pytest.fixture(scope="session")
def city() -> dict[str, pd.DataFrame]:
    return make_city()


@pytest.fixture(scope="session")
def arcade_server(tmp_path_factory):
    with ArcadeBoltServer(tmp_path_factory.mktemp("arcadedb")) as srv:
        yield srv


def open_engine(engine: str, request, tmp_path, chunk: int = 5000):
    """An empty store of one engine."""
    if engine == "ladybug":
        return LadybugStore(tmp_path / "graph")
    if engine == "arcadedb":
        srv = request.getfixturevalue("arcade_server")
        store = BoltStore(srv.uri, auth=srv.auth, database=srv.database, chunk=chunk)
    else:
        store = from_env()
        store.chunk = chunk
    store.ensure_schema()
    store.wipe()
    return store


@pytest.fixture(params=ENGINES)
def any_store(request, tmp_path):
    store = open_engine(request.param, request, tmp_path)
    yield store
    store.close()


@pytest.fixture
def loaded_store(any_store, city):
    any_store.load(city["claims"], institutions=city["institutions"], doctors=city["doctors"],
                   patients=city["patients"])
    return any_store
