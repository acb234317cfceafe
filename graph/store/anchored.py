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
whose list is empty is skipped; a list longer than :data:`MAX_ANCHORS` runs as the original
part (one scan beats thousands of lookups).

>>> parts = split("MATCH (n:Patient)<-[:BY]-(c:Claim) WHERE n.id IN $patients\\nRETURN c.id AS id"
...               "\\nUNION ALL\\nMATCH (n:Card)<-[:WITH_CARD]-(c:Claim) WHERE n.id IN $cards AND c.x IN $xs\\n"
...               "RETURN c.id AS id")
>>> [(p.anchor, p.params) for p in parts]
[('patients', ('anchor_id',)), ('cards', ('anchor_id', 'xs'))]
>>> parts[1].one.splitlines()[0]
'MATCH (n:Card)<-[:WITH_CARD]-(c:Claim) WHERE n.id = $anchor_id AND c.x IN $xs'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Part", "split", "MAX_ANCHORS", "ANCHOR"]

MAX_ANCHORS = 2_000  # ids per part above which one list scan is cheaper than a lookup per id
ANCHOR = "anchor_id"
_UNION = re.compile(r"\n\s*UNION ALL\s*\n")
_LIST_TEST = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\.id\s+IN\s+\$([A-Za-z_][A-Za-z0-9_]*)")
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class Part:
    """One ``UNION ALL`` part of a query: as written, and anchored on one id."""

    text: str  # the part as written (list test)
    anchor: str  # the list parameter it starts from
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
        parts.append(Part(text=piece, anchor=m.group(2), one=one,
                          params=tuple(sorted(set(_PARAM.findall(one)))),
                          list_params=tuple(sorted(set(_PARAM.findall(piece))))))
    return tuple(parts)
