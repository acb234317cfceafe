"""The network view: a self-contained HTML page (vis-network through pyvis) for one subgraph.

:func:`network_html` is pure: a :class:`graph.store.base.Subgraph` in, an HTML string out, so
it is tested without a browser. Bureau networks are isolated, so the page must not fetch
anything: pyvis's own page template pulls Bootstrap from a public CDN even in its ``in_line``
mode, hence pyvis is used here only to collect and check nodes and edges, and the page is
written from our own template with vis-network's JavaScript and CSS inlined from the files the
installed pyvis package ships.

Readability at a few hundred nodes: physics runs to a stable layout once and is then switched
off (nothing drifts while reading), labels hide when zoomed far out, node size follows the
claims an entity is part of, and edge width the claims or money behind it.

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

import html
import json
import math
from functools import lru_cache
from pathlib import Path

from app.i18n import tr

__all__ = ["KIND_COLORS", "KIND_SHAPES", "network_html", "vis_assets", "node_key"]

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
    css = css_path.read_text(encoding="utf-8") if css_path.exists() else ""
    # A "</script>" inside the inlined library would end our script element early.
    return js.replace("</script", "<\\/script"), css.replace("</style", "<\\/style")


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
        layout is final, which the browser tests wait for.
    """
    from pyvis.network import Network

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
    net = Network(height=f"{height_px}px", width="100%", directed=False, cdn_resources="in_line")
    for n in subgraph.nodes:
        k = node_key(n)
        kind = tr(f"kind.{n.type}", lang)
        shown = labels.get(k) or str(n.props.get("label") or n.id)
        title = tr(
            "node_title", lang, kind=kind, id=n.props.get("label") or n.id,
            claims=f"{node_claims.get(k, 0):,}", fund=_money(node_fund.get(k, 0.0)),
        )
        name = n.props.get("name")
        if name and name != shown:
            title = f"{name}\n{title}"
        net.add_node(
            k,
            label=shown if len(shown) <= 18 else shown[:17] + "…",
            title=title,
            color={
                "background": KIND_COLORS.get(n.type, _OTHER_COLOR),
                "border": "#222222" if k in highlight else KIND_COLORS.get(n.type, _OTHER_COLOR),
            },
            borderWidth=4 if k in highlight else 1,
            shape=KIND_SHAPES.get(n.type, "dot"),
            size=round(_scale(node_claims.get(k, 0), max_claims, 8, 30), 1),
            kind=n.type,  # not vis "group": pyvis drops the colour of grouped nodes
        )

    values = [(e.claims or 0) if weight == "claims" else (e.fund_amount or 0.0) for e in subgraph.edges]
    vmax = max(values, default=0)
    known = {node_key(n) for n in subgraph.nodes}
    for e, v in zip(subgraph.edges, values):
        a, b = node_key(e.source), node_key(e.target)
        if a not in known or b not in known:
            continue  # an edge to a node cut by the node cap
        title = tr("edges_title", lang, claims=f"{int(e.claims or 0):,}", fund=_money(float(e.fund_amount or 0.0)))
        if e.first is not None and e.last is not None:
            title += f"\n{e.first:%Y-%m-%d %H:%M} – {e.last:%Y-%m-%d %H:%M}"
        net.add_edge(a, b, title=f"{e.kind}\n{title}", width=round(_scale(v, vmax, 1, 9), 2), color="#9aa5b1")

    n_nodes = len(net.nodes)
    options = {
        "nodes": {
            "font": {"size": 12, "face": "Noto Sans CJK SC, Microsoft YaHei, sans-serif"},
            "scaling": {"label": {"enabled": True, "min": 10, "max": 18, "drawThreshold": 7}},
        },
        "edges": {"smooth": False, "color": {"inherit": False}, "selectionWidth": 2},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": n_nodes > 150},
        "layout": {"improvedLayout": n_nodes <= 150, "randomSeed": 7},
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
            "stabilization": {"enabled": True, "iterations": min(1000, 150 + 3 * n_nodes), "fit": True},
        },
    }
    nodes, edges, _heading, _height, _width, _opts = net.get_network_data()
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
<body data-stabilized="0">
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
