"""The guard over the real readers: the city ingested, loaded into the embedded graph store."""

import pandas as pd
import pytest

from access.guard import Guard
from access.users import User
from access.validate import is_token


@pytest.fixture
def loaded_ws(fresh_ws, city, tmp_path):
    pytest.importorskip("ingest.api")
    pytest.importorskip("graph.store.sync")
    from graph.detect.ring import write_rings_json
    from graph.store.sync import sync_graph
    from ingest.api import ingest_paths

    folder = tmp_path / "input"
    folder.mkdir()
    claims = city.claims.copy()
    claims["settled_at"] = claims["settled_at"].dt.strftime("%Y-%m-%d %H:%M:%S")
    claims.to_csv(folder / "claims.csv", index=False)
    city.patients.to_csv(folder / "patients.csv", index=False)
    ingest_paths(fresh_ws, [folder], progress=False)
    sync_graph(fresh_ws)
    write_rings_json(city.rings(), fresh_ws.rings_json)
    return fresh_ws


def _leaks(obj, identities):
    text = repr(obj) + (obj.to_csv() if isinstance(obj, pd.DataFrame) else "")
    return [s for s in identities if s in text]


def test_a_leader_walks_ring_members_and_neighbourhoods_without_an_identity(loaded_ws, city):
    g = Guard(loaded_ws, User("li", "leader"))
    try:
        rings = g.rings()
        ring = g.ring("R0001")
        claims = g.ring_claims("R0001")
        assert len(claims) == 9 and set(claims["patient_id"]) == set(ring.members["patients"])
        seen = [rings, ring, claims]
        for token in ring.members["patients"] + ring.members["cards"]:
            type_ = "patient" if token in ring.members["patients"] else "card"
            for hops in (1, 2, 3):
                sg = g.neighbourhood(type_, token, hops=hops)
                assert sg.nodes, "the store found nothing for a member"
                assert all(is_token(n.id) for n in sg.nodes if n.type in ("patient", "card"))
                seen.append(sg)
            seen += [g.entity(type_, token), g.entity_claims(type_, token)]
        seen += [g.find("H00"), g.find("D0"), g.find(city.patients.patient_id[0][:4]),
                 g.patient(ring.members["patients"][0]), g.reference("patients")]
        for obj in seen:
            assert _leaks(obj, city.identities) == []
        assert g.find(city.patients.patient_id[0]) == []
    finally:
        g.close()


def test_an_investigator_sees_the_people(loaded_ws, city):
    g = Guard(loaded_ws, User("wang", "investigator"))
    try:
        pid = city.patients.patient_id[0]
        sg = g.neighbourhood("patient", pid, hops=1)
        assert pid in {n.id for n in sg.nodes}
        assert g.patient(pid)["name"] == "张三"
        assert [n.id for n in g.find(pid)] == [pid]
    finally:
        g.close()
