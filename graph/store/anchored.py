"""Reads that start from a list of ids, run in LadybugDB as one primary-key lookup per id.

LadybugDB uses a node table's primary-key index only for an equality with one value
(``n.id = $x``); a list test (``n.id IN $ids``) is a filter over a scan of the whole table, and
``UNWIND $ids … MATCH (n {id: i})`` followed by a walk is planned as a hash join over the whole
relationship table (3–5 s). So the app's reads anchored on a few dozen entities cost time in
proportion to the graph, not to the entities asked about: on a 1M-person graph the two reads
behind a 2-hop view took 1.3 s and 0.8 s, and a summary of one patient 0.5–0.8 s (its other
``UNION ALL`` parts scan their tables even with empty lists). Running each part once per id,
with the id as an equality, costs about half a millisecond an id whatever the graph's size.

A shared query (``queries/NAME.cypher``, also run by the Bolt store) is split at its
``UNION ALL`` lines; in each part the first ``VAR.id IN $LIST`` test is the anchor, rewritten to
``VAR.id = $anchor_id``. The rewrite uses parameters only (no value enters the text). A part
whose list is empty is skipped. A long list runs as the original part: :func:`worth_anchoring`
weighs a lookup per id against one scan of the anchor's node table (:attr:`Part.label`), so a
view that reaches 180 doctors of a 480-doctor graph scans them in 1 ms where 180 lookups took
90 ms, while 20 patients of three million are still looked up one by one (12 ms, not 134 ms).

>>> parts = split("MATCH (n:Patient)<-[:BY]-(c:Claim) WHERE n.id IN $patients\\nRETURN c.id AS id"
...               "\\nUNION ALL\\nMATCH (n:Card)<-[:WITH_CARD]-(c:Claim) WHERE n.id IN $cards AND c.x IN $xs\\n"
...               "RETURN c.id AS id")
>>> [(p.anchor, p.params) for p in parts]
[('patients', ('anchor_id',)), ('cards', ('anchor_id', 'xs'))]
>>> parts[1].one.splitlines()[0]
'MATCH (n:Card)<-[:WITH_CARD]-(c:Claim) WHERE n.id = $anchor_id AND c.x IN $xs'
>>> parts[1].label
'Card'
>>> worth_anchoring(20, 3_000_000), worth_anchoring(20, 480), worth_anchoring(3_000, 10**9)
(True, False, False)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Part", "split", "worth_anchoring", "MAX_ANCHORS", "LOOKUP_ROWS", "ANCHOR"]

MAX_ANCHORS = 2_000  # ids per part above which one list scan is cheaper than a lookup per id
# A lookup per id (0.4-2 ms with its walk and Arrow answer) costs about what scanning this many
# rows of the anchor's node table costs as a list test: measured on graphs of 1M claims (49,000
# patients, 480 doctors) and 15M claims (3M patients, 15,821 doctors), 20 and 200 ids per part
LOOKUP_ROWS = 2_000
ANCHOR = "anchor_id"
_UNION = re.compile(r"\n\s*UNION ALL\s*\n")
_LIST_TEST = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\.id\s+IN\s+\$([A-Za-z_][A-Za-z0-9_]*)")
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class Part:
    """One ``UNION ALL`` part of a query: as written, and anchored on one id."""

    text: str  # the part as written (list test)
    anchor: str  # the list parameter it starts from
    label: str | None  # the node label of the anchor's variable, when the part names it
    one: str  # the part with the anchor as ``VAR.id = $anchor_id``
    params: tuple[str, ...]  # parameters of ``one``, sorted
    list_params: tuple[str, ...]  # parameters of ``text``, sorted


@lru_cache(maxsize=None)
def split(text: str) -> tuple[Part, ...] | None:
    """The parts of a query, each with its anchor; None when a part has no ``VAR.id IN $LIST``."""
    parts = []
    for piece in _UNION.split(text.strip()):
        m = _LIST_TEST.search(piece)
        if m is None:
            return None
        one = piece[: m.start()] + f"{m.group(1)}.id = ${ANCHOR}" + piece[m.end():]
        label = re.search(rf"\(\s*{re.escape(m.group(1))}\s*:\s*([A-Za-z_][A-Za-z0-9_]*)", piece)
        parts.append(Part(text=piece, anchor=m.group(2), label=label.group(1) if label else None, one=one,
                          params=tuple(sorted(set(_PARAM.findall(one)))),
                          list_params=tuple(sorted(set(_PARAM.findall(piece))))))
    return tuple(parts)


def worth_anchoring(ids: int, rows: int | None) -> bool:
    """Whether ``ids`` lookups beat one list scan of a node table of ``rows`` (None: unknown,
    then only :data:`MAX_ANCHORS` decides)."""
    if ids > MAX_ANCHORS:
        return False
    return rows is None or ids * LOOKUP_ROWS < rows
