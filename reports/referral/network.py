"""The ring's network as a static PNG (networkx + matplotlib, no browser).

Nodes are the ring's patients, doctors, institutions and operators; an edge joins two
that share claims, its width growing with their number. Organisers are drawn larger
with a red ring. Over :data:`LABEL_LIMIT` nodes only institutions and organisers keep their labels, so
the centre of the ring stays readable.
"""

from __future__ import annotations

import io

import networkx as nx
import pandas as pd

from reports.fonts import matplotlib_fonts
from reports.patterns import KIND_ZH

__all__ = ["ring_graph", "network_png", "LABEL_LIMIT"]

LABEL_LIMIT = 60
MAX_PINNED_HUBS = 12
_COLOURS = {"patients": "#4C78A8", "doctors": "#F58518", "institutions": "#54A24B", "operators": "#B279A2"}
_SIZES = {"patients": 60, "doctors": 160, "institutions": 260, "operators": 160}
# which claim columns are joined by an edge: the ones that show how the ring operated
_PAIRS = (("patient_id", "institution_id"), ("patient_id", "doctor_id"),
          ("doctor_id", "institution_id"), ("operator_id", "institution_id"))
_KIND_OF = {"patient_id": "patients", "doctor_id": "doctors", "institution_id": "institutions",
            "operator_id": "operators"}


def ring_graph(claims: pd.DataFrame, members: dict[str, list[str]]) -> nx.Graph:
    """Members as nodes ``(kind, id)``; edges weighted by the claims two members share.

    >>> claims = pd.DataFrame({"patient_id": ["p1", "p2"], "institution_id": ["H1", "H1"],
    ...                        "doctor_id": ["D1", None], "operator_id": [None, None]})
    >>> g = ring_graph(claims, {"patients": ["p1", "p2"], "institutions": ["H1"], "doctors": ["D1"]})
    >>> sorted(g.edges(data="weight"))
    [(('doctors', 'D1'), ('institutions', 'H1'), 1), (('patients', 'p1'), ('doctors', 'D1'), 1), (('patients', 'p1'), ('institutions', 'H1'), 1), (('patients', 'p2'), ('institutions', 'H1'), 1)]
    """
    g = nx.Graph()
    wanted = {kind: set(map(str, members.get(kind) or [])) for kind in _COLOURS}
    for kind, ids in wanted.items():
        g.add_nodes_from(((kind, i) for i in sorted(ids)), kind=kind)
    for a, b in _PAIRS:
        if a not in claims or b not in claims:
            continue
        pairs = claims[[a, b]].dropna().astype(str)
        ka, kb = _KIND_OF[a], _KIND_OF[b]
        pairs = pairs[pairs[a].isin(wanted[ka]) & pairs[b].isin(wanted[kb])]
        for (x, y), n in pairs.value_counts().items():
            g.add_edge((ka, x), (kb, y), weight=int(n))
    return g


def _layout(g: nx.Graph) -> dict:
    """Spring layout with the institutions, doctors and operators pinned apart on a small circle.

    In most rings every patient touches the same few hubs, so a free layout stacks the
    hubs on one point and hides exactly the organisers the figure is meant to show.
    """
    import math

    hubs = sorted(v for v in g if v[0] != "patients")
    n = g.number_of_nodes()
    k = 1.6 / max(n, 1) ** 0.5
    # many hubs (a community of doctors and institutions) pinned on a circle only make a ring
    # of overlapping labels: let them find their places like everyone else
    if not hubs or len(hubs) == n or len(hubs) > MAX_PINNED_HUBS:
        return nx.spring_layout(g, seed=7, k=k, iterations=60 if n <= 400 else 30)
    radius = 0.0 if len(hubs) == 1 else 0.35
    init = {v: (radius * math.cos(2 * math.pi * i / len(hubs)), radius * math.sin(2 * math.pi * i / len(hubs)))
            for i, v in enumerate(hubs)}
    return nx.spring_layout(g, pos=init, fixed=hubs, seed=7, k=max(k, 0.08), iterations=60 if n <= 400 else 30)


def network_png(claims: pd.DataFrame, members: dict[str, list[str]], organisers: set[tuple[str, str]],
                title: str = "", dpi: int = 160) -> bytes:
    """PNG bytes of the ring's network figure, with a Chinese legend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    g = ring_graph(claims, members)
    n = g.number_of_nodes()
    with matplotlib_fonts():
        fig, ax = plt.subplots(figsize=(7.2, 5.6), dpi=dpi)
        try:
            if n:
                # fixed seed: the same ring gives the same picture in every pack
                pos = _layout(g)
                weights = [d.get("weight", 1) for _, _, d in g.edges(data=True)]
                top = max(weights) if weights else 1
                nx.draw_networkx_edges(g, pos, ax=ax, width=[0.4 + 2.2 * w / top for w in weights],
                                       edge_color="#999999", alpha=0.6)
                small = n > 150
                for kind, colour in _COLOURS.items():
                    nodes = [v for v in g if v[0] == kind]
                    if not nodes:
                        continue
                    size = _SIZES[kind] * (0.5 if small else 1.0)
                    nx.draw_networkx_nodes(g, pos, nodelist=nodes, node_color=colour, node_size=size, ax=ax,
                                           linewidths=0.5, edgecolors="white")
                org = [v for v in g if v in organisers]
                if org:
                    nx.draw_networkx_nodes(g, pos, nodelist=org, node_color="none", node_size=520,
                                           edgecolors="#D62728", linewidths=2.0, ax=ax)
                # small rings: every id; large ones: institutions and organisers only
                labels = {v: v[1] for v in g
                          if n <= LABEL_LIMIT or v[0] == "institutions" or v in organisers}
                nx.draw_networkx_labels(g, pos, labels=labels, font_size=6 if n > 30 else 8, ax=ax)
            else:
                ax.text(0.5, 0.5, "无可绘制的关联(成员之间没有共同结算)", ha="center", va="center")
            handles = [Line2D([], [], marker="o", linestyle="", color=c, label=KIND_ZH[k])
                       for k, c in _COLOURS.items() if any(v[0] == k for v in g)]
            handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="none",
                                  markeredgecolor="#D62728", markeredgewidth=2, label="组织者"))
            ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=len(handles),
                      fontsize=8, frameon=False)
            if title:
                ax.set_title(title, fontsize=11)
            ax.set_axis_off()
            fig.tight_layout()
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=dpi)
        finally:
            plt.close(fig)
    return buf.getvalue()
