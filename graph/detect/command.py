"""``ringtrace detect [--out FILE]``: run every detector, store the rings, print the top ones."""

from __future__ import annotations

import sys

from ringtrace.errors import WorkspaceError

__all__ = ["configure", "run", "format_rings"]


def configure(p) -> None:
    p.add_argument("--out", metavar="FILE", default=None,
                   help="also write the rings JSON here (always written to HOME/rings.json)")
    p.add_argument("--top", type=int, default=10, help="how many rings to print (default 10)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the printed evidence (default zh)")


def format_rings(rings, top: int = 10, lang: str = "zh") -> str:
    """The top rings as a short table, one line each with the first evidence sentence.

    >>> from graph.detect.ring import Evidence, Ring
    >>> r = Ring("R0001", 0.91, "card_collection", {"patients": ["P1", "P2"], "cards": ["K1"]}, ["c1"], 1234.5,
    ...          "2024-01-01", "2024-02-01", [Evidence("2 张卡", "2 cards", ["c1"])])
    >>> print(format_rings([r], lang="en"))
    R0001  0.910  card_collection             ¥    1,234.50     3 members  2 cards
    1 rings in all
    """
    lines = []
    for r in rings[:top]:
        first = r.evidence[0] if r.evidence else None
        text = (first.text_zh if lang == "zh" else first.text_en) if first else ""
        members = sum(len(v) for v in r.members.values())
        lines.append(f"{r.ring_id}  {r.score:5.3f}  {r.pattern:<26}  ¥{r.fund_amount:>12,.2f}  {members:>4} members  {text}")
    lines.append(f"{len(rings)} rings in all")
    return "\n".join(lines)


def run(args, ws) -> int:
    from graph.detect import pipeline

    if not ws.root.exists():
        raise WorkspaceError(
            f"The workspace {ws.root} does not exist, so there are no claims to search. "
            f"Run `ringtrace --home {ws.root} ingest PATH` first (or `ringtrace demo`)."
        )
    with ws.lock("detect"):
        rings = pipeline.run(ws, out=getattr(args, "out", None))
    print(format_rings(rings, top=getattr(args, "top", 10), lang=getattr(args, "lang", "zh")))
    where = args.out if getattr(args, "out", None) else ws.rings_json
    print(f"rings written to {where}", file=sys.stderr)
    return 0
