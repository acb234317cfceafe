"""The network figure: the right graph, and a PNG for rings of 1 to 300 members."""

from __future__ import annotations

import io

from PIL import Image

from reports.referral.network import network_png, ring_graph

from tests.reports.conftest import card_ring, claims_frame


def test_graph_joins_members_only_through_their_claims():
    rows, ring = card_ring("R1", 3, 2)
    g = ring_graph(claims_frame(rows), ring.members)
    assert g.number_of_nodes() == 3 + 1 + 1 + 1
    assert g[("patients", "P000000")][("institutions", "P00012")]["weight"] == 2
    assert g[("operators", "OP77")][("institutions", "P00012")]["weight"] == 6
    assert not g.has_edge(("patients", "P000000"), ("patients", "P000001"))


def test_png_for_small_and_large_rings():
    for n in (1, 300):
        rows, ring = card_ring("R1", n, 1)
        png = network_png(claims_frame(rows), ring.members, {("institutions", "P00012")}, title="R1 关系网络")
        img = Image.open(io.BytesIO(png))
        assert img.format == "PNG" and img.size[0] > 800


def test_png_when_members_share_no_claims():
    rows, ring = card_ring("R1", 2, 1)
    png = network_png(claims_frame(rows).iloc[0:0], {"patients": ["X"]}, set())
    assert Image.open(io.BytesIO(png)).format == "PNG"
