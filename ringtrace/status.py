"""``ringtrace status [--json]``: what the workspace holds."""

from __future__ import annotations

import json

from ringtrace.workspace import Workspace

__all__ = ["configure", "run", "gather_status", "format_status"]

_KEYS = ("claims", "patients", "cards", "doctors", "institutions", "rings", "quarantined")


def configure(p) -> None:
    p.add_argument("--json", action="store_true", help="one JSON object (claims, patients, cards, "
                   "doctors, institutions, rings, quarantined, ...)")


def _rings(ws: Workspace) -> int:
    try:
        data = json.loads(ws.rings_json.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return 0
    except (json.JSONDecodeError, UnicodeDecodeError):
        return 0  # a damaged rings file means no usable rings; `ringtrace detect` rewrites it
    rings = data.get("rings") if isinstance(data, dict) else None
    return len(rings) if isinstance(rings, list) else 0


def gather_status(ws: Workspace) -> dict:
    """Integer counts per CONTRACT.md plus the workspace path, version and quarantine file."""
    from ingest import analytic

    c = analytic.counts(ws)
    out = {k: int(c.get(k, 0)) for k in _KEYS if k != "rings"}
    out["rings"] = _rings(ws)
    out = {k: out[k] for k in _KEYS}
    out["batches"] = int(c.get("batches", 0))
    out["workspace"] = str(ws.root)
    out["version"] = ws.version()
    out["quarantine_file"] = str(analytic.quarantine_file(ws))
    out["graph"] = _graph_counts(ws)
    return out


def _graph_counts(ws: Workspace) -> dict:
    """What the active graph store holds, so a user sees whether it caught up with ingest.

    A store that cannot be reached is reported, not fatal: the analytic copy is the source of
    truth and the next ingest loads whatever the store lacks.
    """
    from graph.store.factory import active_store_name, open_store
    from ringtrace.errors import RingtraceError

    name = active_store_name()
    if name == "ladybug" and not ws.graph_dir.exists():
        return {"store": name, **{k: 0 for k in _KEYS if k != "quarantined"}}
    try:
        with open_store(ws, read_only=True) as store:
            return {"store": name, **{k: int(v) for k, v in store.counts().items()}}
    except RingtraceError as e:
        return {"store": name, "error": str(e)}


def format_status(s: dict) -> str:
    labels = {
        "claims": "结算单 claims", "patients": "参保人 patients", "cards": "医保卡 cards",
        "doctors": "医师 doctors", "institutions": "定点机构 institutions", "rings": "团伙 rings",
        "quarantined": "隔离行 quarantined rows", "batches": "批次 batches",
    }
    lines = [f"工作区 workspace: {s['workspace']} (version {s['version']})"]
    lines += [f"  {labels[k]:<28}{s[k]:>12,}" for k in (*_KEYS, "batches")]
    if s["quarantined"]:
        lines.append(f"  隔离文件 quarantine file: {s['quarantine_file']}")
    g = s.get("graph") or {}
    if "error" in g:
        lines.append(f"  图存储 graph store ({g['store']}): {g['error']}")
    elif g:
        behind = s["claims"] - g.get("claims", 0)
        state = "与分析副本一致 in step with the analytic copy" if behind == 0 else \
            f"落后 {behind:,} 条结算单 behind by {behind:,} claims: run ringtrace ingest again"
        lines.append(f"  图存储 graph store ({g['store']}): {g.get('claims', 0):,} claims, {state}")
    return "\n".join(lines)


def run(args, ws: Workspace) -> int:
    s = gather_status(ws)
    print(json.dumps(s, ensure_ascii=False) if args.json else format_status(s))
    return 0
