"""Splitting an id-list query into parts anchored on one id each."""

from __future__ import annotations

from graph.store.anchored import ANCHOR, split
from queries.loader import load


def test_every_anchored_query_splits_into_parts_with_one_equality_each():
    from graph.store.ladybug_store import _ANCHORED

    for name in _ANCHORED:
        q = load(name, "ladybug")
        parts = split(q.text)
        assert parts, name
        assert len(parts) == q.text.count("UNION ALL") + 1
        for p in parts:
            assert f".id = ${ANCHOR}" in p.one and p.anchor in q.params
            assert ANCHOR in p.params and p.one.count(f"${ANCHOR}") == 1
            assert set(p.list_params) <= set(q.params)
            # the store weighs lookups against this table's size (worth_anchoring)
            assert p.label in {"Patient", "Card", "Doctor", "Institution", "Claim"}, (name, p.text)


def test_a_part_without_an_id_list_leaves_the_query_as_written():
    assert split("MATCH (n:Patient) RETURN count(n) AS n") is None
    assert split("MATCH (n:Patient) WHERE n.id IN $ids RETURN n.id\nUNION ALL\nMATCH (m:Card) RETURN m.id") is None


def test_only_the_first_list_test_becomes_the_anchor():
    (part,) = split("MATCH (a:Patient)-[e:HOLDS]->(b:Card) WHERE a.id IN $patients AND b.id IN $cards RETURN a.id")
    assert part.anchor == "patients"
    assert part.one.endswith(f"a.id = ${ANCHOR} AND b.id IN $cards RETURN a.id")
    assert part.params == (ANCHOR, "cards")
