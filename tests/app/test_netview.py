"""The network page is self-contained (nothing loads from outside) and encodes what it shows."""

from __future__ import annotations

import json
import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from app.netview import KIND_COLORS, network_html
from graph.store.base import Edge, Node, Subgraph

class _Fetches(HTMLParser):
    """Collects what the markup would make a browser fetch: any src/href/srcset attribute,
    <link> elements, and CSS @import or url() that is not a data: URI."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self._in_style = tag == "style"
        for name, value in attrs:
            if name in ("src", "href", "srcset", "poster", "data") and value:
                self.found.append(f"<{tag} {name}={value}>")
        if tag == "link":
            self.found.append("<link>")

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.found += re.findall(r"@import[^;]*", data)
            self.found += [u for u in re.findall(r"url\(\s*['\"]?([^'\")]*)", data) if not u.startswith("data:")]
_CDN_HOSTS = ("cdnjs", "jsdelivr", "unpkg", "googleapis", "bootstrapcdn", "cloudflare")


def _data(page: str, name: str):
    m = re.search(rf"var {name} = new vis\.DataSet\((.*?)\);\n", page)
    assert m, f"no {name} DataSet in the page"
    return json.loads(m.group(1))


def _ring(n_patients: int = 3) -> Subgraph:
    h = Node("institution", "H1")
    d = Node("doctor", "D1")
    nodes, edges = [h, d], [Edge(d, h, "WORKS_AT", claims=n_patients, fund_amount=10.0 * n_patients)]
    for i in range(n_patients):
        p = Node("patient", f"P{i}")
        nodes.append(p)
        edges.append(Edge(p, h, "VISITED", claims=i + 1, fund_amount=1000.0 * (n_patients - i),
                          first=datetime(2024, 1, 2, 21, 5), last=datetime(2024, 3, 1, 22, 0)))
        edges.append(Edge(p, d, "TREATED", claims=1, fund_amount=5.0))
    return Subgraph(nodes, edges, len(nodes), False)


def test_page_loads_nothing_from_outside():
    page = network_html(_ring(), lang="zh")
    # the library itself is inlined
    assert "vis.Network" in page and len(page) > 300_000
    # (the browser tests watch the requests the running code makes; this checks the markup)
    parser = _Fetches()
    parser.feed(page)
    assert not parser.found, parser.found[:5]
    for host in _CDN_HOSTS:
        assert host not in page.lower(), host


def test_nodes_coloured_and_shaped_by_kind_with_hover_counts():
    page = network_html(_ring(), lang="en")
    nodes = {n["id"]: n for n in _data(page, "nodes")}
    assert nodes["patient:P0"]["color"]["background"] == KIND_COLORS["patient"]
    assert nodes["institution:H1"]["color"]["background"] == KIND_COLORS["institution"]
    assert nodes["doctor:D1"]["shape"] != nodes["patient:P0"]["shape"]
    # P0: 1 visit + 1 treatment = 2 claims, fund 3000 + 5
    assert "2 claims" in nodes["patient:P0"]["title"] and "3,005.00" in nodes["patient:P0"]["title"]
    # the hub with most claims is drawn largest
    assert nodes["institution:H1"]["size"] == max(n["size"] for n in nodes.values())


def test_edge_width_follows_claims_or_money():
    by_claims = {(e["from"], e["to"]): e["width"] for e in _data(network_html(_ring(), weight="claims"), "edges")}
    by_money = {(e["from"], e["to"]): e["width"] for e in _data(network_html(_ring(), weight="money"), "edges")}
    p0, p2 = ("patient:P0", "institution:H1"), ("patient:P2", "institution:H1")
    assert by_claims[p2] > by_claims[p0]  # P2 has 3 visits, P0 one
    assert by_money[p0] > by_money[p2]  # but P0's visits cost more
    with pytest.raises(ValueError):
        network_html(_ring(), weight="colour")


def test_edge_hover_has_counts_amounts_and_dates():
    edges = _data(network_html(_ring(), lang="zh"), "edges")
    visit = next(e for e in edges if e["from"] == "patient:P1" and e["to"] == "institution:H1")
    assert "2 张结算单" in visit["title"] and "¥2,000.00" in visit["title"] and "2024-01-02 21:05" in visit["title"]


def test_physics_stabilises_then_freezes():
    page = network_html(_ring(), lang="zh")
    assert 'network.once("stabilizationIterationsDone", freeze)' in page
    assert "physics: {enabled: false}" in page
    assert 'data-stabilized="1"' not in page.split("<body")[0]


def test_three_hundred_nodes_stay_readable():
    sg = _ring(298)
    page = network_html(sg)
    options = json.loads(re.search(r"var options = (.*?);\n", page).group(1))
    assert len(_data(page, "nodes")) == 300
    # the slow overlap-avoiding initial layout is off, labels hide when zoomed out, and the
    # simulation has a bounded number of steps before it freezes
    assert options["layout"]["improvedLayout"] is False
    assert options["nodes"]["scaling"]["label"]["drawThreshold"] > 0
    assert options["physics"]["stabilization"]["iterations"] <= 1000
    assert options["interaction"]["hideEdgesOnDrag"] is True


def test_ids_cannot_inject_markup():
    evil = Node("patient", "</script><script>alert(1)</script>")
    h = Node("institution", "H1")
    page = network_html(Subgraph([evil, h], [Edge(evil, h, "VISITED", claims=1)], 2, False))
    assert "<script>alert(1)" not in page
    nodes = _data(page, "nodes")
    assert any(n["id"] == "patient:</script><script>alert(1)</script>" for n in nodes)


def test_masked_label_is_shown_instead_of_the_token():
    p = Node("patient", "t_0123456789abcdef0123", {"label": "3309**********1234"})
    h = Node("institution", "H1")
    nodes = _data(network_html(Subgraph([p, h], [Edge(p, h, "VISITED", claims=1)], 2, False)), "nodes")
    shown = next(n for n in nodes if n["id"].startswith("patient:"))
    assert shown["label"] == "3309**********1234" and "3309**********1234" in shown["title"]


def test_empty_subgraph_still_marks_itself_drawn():
    page = network_html(Subgraph([], [], 0, False))
    assert "if (nodes.length === 0) { freeze(); }" in page


def test_no_cdn_host_named_in_app_sources():
    root = Path(__file__).resolve().parents[2] / "app"
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8").lower()
        for host in _CDN_HOSTS:
            assert host not in text, f"{path} names {host}"


def test_layout_is_computed_on_the_server_and_repeatable():
    import time

    sg = _ring(298)
    t = time.perf_counter()
    page = network_html(sg)
    elapsed = time.perf_counter() - t
    nodes = _data(page, "nodes")
    assert all("x" in n and "y" in n for n in nodes)
    assert _data(network_html(sg), "nodes") == nodes  # same ring, same picture
    # the hub sits near the middle, the spokes around it
    hub = next(n for n in nodes if n["id"] == "institution:H1")
    spread = max(abs(n["x"]) for n in nodes)
    assert abs(hub["x"]) < spread / 2
    assert elapsed < 5  # generous: a shared CI core; about 0.1 s on a laptop
