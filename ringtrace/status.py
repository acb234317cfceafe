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
    return out


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
    return "\n".join(lines)


def run(args, ws: Workspace) -> int:
    s = gather_status(ws)
    print(json.dumps(s, ensure_ascii=False) if args.json else format_status(s))
    return 0
