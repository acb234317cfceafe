"""The network view: a self-contained HTML page (vis-network through pyvis) for one subgraph.

:func:`network_html` is pure: a :class:`graph.store.base.Subgraph` in, an HTML string out, so
it is tested without a browser. Bureau networks are isolated, so the page must not fetch
anything: pyvis's own page template pulls Bootstrap from a public CDN even in its ``in_line``
mode, hence pyvis is used here only for its node and edge option objects and the vis-network
files it ships, and the page is written from our own template with vis-network's JavaScript
and CSS inlined from the installed pyvis package.

Readability at a few hundred nodes: the layout is computed on the server (igraph's
Fruchterman–Reingold, in C, with a fixed seed so the same ring always looks the same), the
browser's physics only relaxes it for a few dozen steps and is then switched off, so nothing
drifts while reading; labels hide when zoomed far out, node size follows the claims an entity is
part of, and edge width the claims or money behind it. (Letting vis-network find the layout
from scratch took 2.4 s for 200 nodes and 16 s for 874 in headless chromium; this takes a
fraction of a second.)

>>> from graph.store.base import Node, Edge, Subgraph
>>> p, h = Node("patient", "P1"), Node("institution", "H1")
>>> sg = Subgraph([p, h], [Edge(p, h, "VISITED", claims=3, fund_amount=120.5)], 2, False)
>>> page = network_html(sg, lang="en")
>>> page.startswith("<!DOCTYPE html>") and "vis.Network" in page
True
>>> "3 claims" in page and "¥120.50" in page
True
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import random
import re
import threading
from functools import lru_cache
from pathlib import Path

from app.i18n import tr

__all__ = ["KIND_COLORS", "KIND_SHAPES", "network_html", "layout", "vis_assets", "node_key"]

# Colour-blind-safe (Tableau 10) colours, plus a distinct shape per kind so the legend
# does not rely on colour alone.
KIND_COLORS: dict[str, str] = {
    "patient": "#4e79a7",
    "card": "#f28e2b",
    "doctor": "#e15759",
    "institution": "#59a14f",
    "operator": "#b07aa1",
    "claim": "#9c755f",
    "ring": "#bab0ac",
}
KIND_SHAPES: dict[str, str] = {
    "patient": "dot",
    "card": "square",
    "doctor": "triangle",
    "institution": "diamond",
    "operator": "star",
    "claim": "dot",
    "ring": "hexagon",
}
_OTHER_COLOR = "#7f7f7f"
_LAYOUT_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """(JavaScript, CSS) of vis-network as shipped inside the installed pyvis package."""
    import pyvis

    lib = Path(pyvis.__file__).parent / "lib"
    # pyvis ships several vis-network versions; take the newest one it bundles.
    candidates = sorted(lib.glob("vis-*/vis-network.min.js"), key=lambda p: _version_key(p.parent.name))
    if not candidates:
        raise FileNotFoundError(f"vis-network.min.js not found under {lib}; reinstall pyvis")
    js_path = candidates[-1]
    css_path = js_path.with_name("vis-network.css")
    js = js_path.read_text(encoding="utf-8")
    css = _used_css(css_path.read_text(encoding="utf-8")) if css_path.exists() else ""
    # A "</script>" inside the inlined library would end our script element early.
    return js.replace("</script", "<\\/script"), css.replace("</style", "<\\/style")


# Parts of vis-network's stylesheet for UI the page never turns on (the configurator, colour
# picker, navigation buttons, edit toolbar). They are 220 kB, mostly inline images, and every
# expansion re-sends the page, so only the rules that style what we use (the tooltip) are kept.
_UNUSED_CSS = ("configuration", "color-picker", "navigation", "manipulation", "edit-mode", "close",
               "vis-button", "vis-label", "vis-separator", "vis-overlay", "vis-active")


def _used_css(css: str) -> str:
    """The stylesheet without the rules of unused vis-network widgets.

    >>> _used_css("div.vis-tooltip{color:#000}div.vis-network div.vis-navigation{x:1}")
    'div.vis-tooltip{color:#000}'
    """
    rules = re.findall(r"([^{}]+)\{([^{}]*)\}", css)
    return "".join(f"{sel.strip()}{{{body}}}" for sel, body in rules if not any(u in sel for u in _UNUSED_CSS))


def _version_key(name: str) -> tuple[int, ...]:
    digits = name.split("-", 1)[-1]
    return tuple(int(x) for x in digits.split(".") if x.isdigit())


def node_key(node) -> str:
    """The vis id of a node: type and id, so a doctor and a patient with the same id differ."""
    return f"{node.type}:{node.id}"


def _money(x: float) -> str:
    return f"{x:,.2f}"


def _safe_json(value) -> str:
    # JSON placed inside <script>: escape characters that could close the element or start
    # markup, so an id such as "</script><script>..." stays plain data.
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def layout(keys: list[str], pairs: list[tuple[str, str]], weights: list[float] | None = None,
           edge_px: float = 110.0, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Positions for the nodes: Fruchterman–Reingold, scaled so a typical edge is ``edge_px``.

    Deterministic for a given input (seeded start). Heavier edges pull a little harder.

    >>> pos = layout(["a", "b", "c"], [("a", "b"), ("b", "c")])
    >>> sorted(pos) == ["a", "b", "c"] and pos == layout(["a", "b", "c"], [("a", "b"), ("b", "c")])
    True
    """
    import igraph as ig
    import numpy as np

    n = len(keys)
    if n == 0:
        return {}
    if n == 1:
        return {keys[0]: (0.0, 0.0)}
    index = {k: i for i, k in enumerate(keys)}
    es = [(index[a], index[b]) for a, b in pairs if a in index and b in index and a != b]
    g = ig.Graph(n=n, edges=es)
    start = np.random.default_rng(seed).uniform(-1, 1, (n, 2)).tolist()
    w = None
    if weights is not None and es:
        w = [1.0 + math.log1p(max(0.0, float(x))) for x, (a, b) in zip(weights, pairs) if a in index and b in index and a != b]
    # Iterations fall with size so a thousand-node neighbourhood still lays out in well under a second.
    niter = 500 if n <= 300 else 250 if n <= 800 else 120
    # igraph draws from a process-wide generator; hold a seeded one for this call only.
    with _LAYOUT_LOCK:
        ig.set_random_number_generator(random.Random(seed))
        try:
            coords = np.asarray(g.layout_fruchterman_reingold(weights=w, niter=niter, seed=start).coords, dtype=float)
        finally:
            ig.set_random_number_generator(random)
    coords -= coords.mean(axis=0)
    if es:
        lengths = np.hypot(*(coords[[a for a, _ in es]] - coords[[b for _, b in es]]).T)
        typical = float(np.median(lengths)) or 1.0
    else:
        typical = float(np.abs(coords).max()) or 1.0
    coords *= edge_px / typical
    return {k: (round(float(x), 1), round(float(y), 1)) for k, (x, y) in zip(keys, coords)}


def _scale(value: float, vmax: float, lo: float, hi: float) -> float:
    if vmax <= 0 or value <= 0:
        return lo
    return lo + (hi - lo) * math.sqrt(value / vmax)


def network_html(
    subgraph,
    lang: str = "zh",
    weight: str = "claims",
    height_px: int = 620,
    highlight: set[str] | frozenset[str] = frozenset(),
    labels: dict[str, str] | None = None,
) -> str:
    """The HTML page drawing ``subgraph`` with vis-network, loading nothing from outside.

    Parameters
    ----------
    subgraph : graph.store.base.Subgraph
        Nodes and aggregated edges, already passed through the access guard.
    lang : "zh" or "en"
        Language of the legend and hover texts.
    weight : "claims" or "money"
        What an edge's width shows: the number of claims behind it or their fund amount.
    height_px : int
        Height of the drawing area.
    highlight : set of str
        Node keys (``type:id``) drawn with a thick border, e.g. the entity a page is about.
    labels : dict, optional
        Node key -> label to show instead of the id (e.g. an institution's name).

    Returns
    -------
    str
        A complete HTML document. It sets ``data-stabilized="1"`` on ``<body>`` once the
        layout is final, which the browser tests wait for; ``data-graph`` on ``<body>`` names
        what is drawn (a hash of nodes and edges), so a test can tell a new drawing from the old.
    """
    from pyvis.edge import Edge as PyvisEdge
    from pyvis.node import Node as PyvisNode

    if weight not in ("claims", "money"):
        raise ValueError(f"weight must be 'claims' or 'money', not {weight!r}")
    labels = labels or {}

    # Per-node totals for sizes and hover texts: the sum over the edges touching it. A card
    # edge repeats a patient's claims, so the figure is "claims this entity appears in".
    node_claims: dict[str, int] = {}
    node_fund: dict[str, float] = {}
    for e in subgraph.edges:
        for n in (e.source, e.target):
            k = node_key(n)
            node_claims[k] = node_claims.get(k, 0) + int(e.claims or 0)
            node_fund[k] = node_fund.get(k, 0.0) + float(e.fund_amount or 0.0)
    for n in subgraph.nodes:
        # Stores may carry exact per-node totals; prefer them to the edge sums.
        k = node_key(n)
        if "claims" in n.props:
            node_claims[k] = int(n.props["claims"] or 0)
        if "fund_amount" in n.props:
            node_fund[k] = float(n.props["fund_amount"] or 0.0)

    max_claims = max(node_claims.values(), default=0)
    # pyvis's Node/Edge classes give the vis option dicts; Network.add_edge is not used because
    # it scans every edge already added (quadratic: 3.5 s for 6,000 edges), and the store
    # already aggregates edges so there are no duplicates to catch.
    vis_nodes: list[dict] = []
    vis_edges: list[dict] = []
    seen: set[str] = set()
    for n in subgraph.nodes:
        k = node_key(n)
        if k in seen:
            continue
        seen.add(k)
        kind = tr(f"kind.{n.type}", lang)
        shown = labels.get(k) or str(n.props.get("label") or n.id)
        title = tr(
            "node_title", lang, kind=kind, id=n.props.get("label") or n.id,
            claims=f"{node_claims.get(k, 0):,}", fund=_money(node_fund.get(k, 0.0)),
        )
        name = n.props.get("name")
        if name and name != shown:
            title = f"{name}\n{title}"
        vis_nodes.append(PyvisNode(
            k,
            KIND_SHAPES.get(n.type, "dot"),
            label=shown if len(shown) <= 18 else shown[:17] + "…",
            title=title,
            color={
                "background": KIND_COLORS.get(n.type, _OTHER_COLOR),
                "border": "#222222" if k in highlight else KIND_COLORS.get(n.type, _OTHER_COLOR),
            },
            borderWidth=4 if k in highlight else 1,
            size=round(_scale(node_claims.get(k, 0), max_claims, 8, 30), 1),
        ).options)

    values = [(e.claims or 0) if weight == "claims" else (e.fund_amount or 0.0) for e in subgraph.edges]
    vmax = max(values, default=0)
    known = {n["id"] for n in vis_nodes}
    for e, v in zip(subgraph.edges, values):
        a, b = node_key(e.source), node_key(e.target)
        if a not in known or b not in known:
            continue  # an edge to a node cut by the node cap
        title = tr("edges_title", lang, claims=f"{int(e.claims or 0):,}", fund=_money(float(e.fund_amount or 0.0)))
        if e.first is not None and e.last is not None:
            title += f"\n{e.first:%Y-%m-%d %H:%M} – {e.last:%Y-%m-%d %H:%M}"
        vis_edges.append(PyvisEdge(a, b, False, title=f"{e.kind}\n{title}", width=round(_scale(v, vmax, 1, 9), 2),
                                   color="#9aa5b1").options)

    n_nodes = len(vis_nodes)
    pos = layout([n["id"] for n in vis_nodes], [(e["from"], e["to"]) for e in vis_edges],
                 [e.get("width", 1) for e in vis_edges])
    for n in vis_nodes:
        n["x"], n["y"] = pos[n["id"]]
    options = {
        "nodes": {
            "font": {"size": 12, "face": "Noto Sans CJK SC, Microsoft YaHei, sans-serif"},
            "scaling": {"label": {"enabled": True, "min": 10, "max": 18, "drawThreshold": 7}},
        },
        "edges": {"smooth": False, "color": {"inherit": False}, "selectionWidth": 2},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": n_nodes > 150},
        # positions come from the server; vis must not re-seed them
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "physics": {
            "enabled": True,
            "solver": "barnesHut",
            "barnesHut": {
                "gravitationalConstant": -6000 if n_nodes > 100 else -3000,
                "springLength": 110,
                "springConstant": 0.03,
                "damping": 0.4,
                "avoidOverlap": 0.2,
            },
            # a short relaxation of the server's layout (overlaps, label room), then frozen
            "stabilization": {"enabled": True, "iterations": 60 if n_nodes <= 300 else 25, "fit": True},
        },
    }
    nodes, edges = vis_nodes, vis_edges
    js, css = vis_assets()
    legend_kinds = sorted({n.type for n in subgraph.nodes}, key=lambda k: list(KIND_COLORS).index(k) if k in KIND_COLORS else 99)
    legend = "".join(
        f'<span class="chip"><i style="background:{KIND_COLORS.get(k, _OTHER_COLOR)}"></i>'
        f"{html.escape(tr(f'kind.{k}', lang))}</span>"
        for k in legend_kinds
    )
    return _PAGE.format(
        lang="zh-CN" if lang == "zh" else "en",
        css=css,
        js=js,
        height=int(height_px),
        legend=legend,
        nodes=_safe_json(nodes),
        edges=_safe_json(edges),
        graph_id=hashlib.sha1((_safe_json(nodes) + _safe_json(edges)).encode("utf-8")).hexdigest()[:12],
        options=_safe_json(options),
    )


# Our own page: no external <link>, <script src> or web fonts. Doubled braces are literal.
_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<style>{css}</style>
<style>
html, body {{ margin: 0; padding: 0; font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }}
#mynetwork {{ width: 100%; height: {height}px; border: 1px solid #d0d5dd; background: #ffffff; }}
#legend {{ position: absolute; top: 6px; left: 8px; font-size: 12px; background: rgba(255,255,255,.85); padding: 2px 6px; border-radius: 4px; }}
.chip {{ margin-right: 10px; white-space: nowrap; }}
.chip i {{ display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }}
div.vis-tooltip {{ white-space: pre; font-family: inherit; font-size: 12px; }}
</style></head>
<body data-stabilized="0" data-graph="{graph_id}">
<div id="legend">{legend}</div>
<div id="mynetwork"></div>
<script>{js}</script>
<script>
(function () {{
  var nodes = new vis.DataSet({nodes});
  var edges = new vis.DataSet({edges});
  var options = {options};
  var container = document.getElementById("mynetwork");
  var network = new vis.Network(container, {{nodes: nodes, edges: edges}}, options);
  function freeze() {{
    // Stop the simulation once the layout is stable, so nothing drifts while reading.
    network.setOptions({{physics: {{enabled: false}}}});
    network.fit();
    document.body.setAttribute("data-stabilized", "1");
  }}
  network.once("stabilizationIterationsDone", freeze);
  if (nodes.length === 0) {{ freeze(); }}
  window.ringtraceNetwork = network;
}})();
</script>
</body></html>
"""
