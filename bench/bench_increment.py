"""A daily increment against a full run: wall seconds, peak memory and claims re-examined.

    python bench/bench_increment.py --city /tmp/scale/city-1m           # synth output folder
    flock /tmp/ringtrace-big.lock python bench/bench_increment.py --city /tmp/scale/city-5m
    python bench/bench_increment.py --city DIR --detect-only --max-claims 1000000 --profile OUT

``--detect-only`` ingests the analytic copy only (no graph store load) and skips storing the
rings in the graph store: both belong to the store, not to detection, and at 1M claims they
take minutes a run, which would drown what an increment of detection costs. ``--max-claims``
leaves out the city's last days so that base and increments stay within that many claims
(the shared machine's big-run lock starts above 1M). ``--profile OUT`` records each increment
with py-spy (``OUT/increment-DATE.svg`` and a ``.txt`` of the hottest frames).

The city's claims are split by settlement date: every day but the last ``--days`` is ingested
as the base, then each remaining day as its own batch. The workspace (under ``--work``) sees:
a full ``detect`` on the base (it also keeps the state), then per day an ingest and an
incremental ``detect``, and last a ``detect --full`` on the same claims, whose rings are
compared with the increment's (they must be identical). Each ``detect`` runs in its own
process, so its peak resident memory (ru_maxrss) is its own; the figures are for
``graph.detect.pipeline.run`` (reading the claims, detecting, writing rings.json and the alert
list, storing the rings, keeping the state); peak memory is the child's own (VmHWM). Wall
times on a shared machine are upper bounds.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path


def _child(home: Path, full: bool, detect_only: bool = False) -> dict:
    from graph.detect import pipeline
    from ringtrace.workspace import Workspace

    if detect_only:
        pipeline._store = lambda ws, rings: None  # the graph store is measured by bench_store
    ws = Workspace(home)
    timings: dict = {}
    stats: dict = {}
    t0, c0 = time.perf_counter(), time.process_time()
    with ws.lock("bench"):
        rings = pipeline.run(ws, full=full, timings=timings, stats=stats)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    det = stats.get("detectors", {})
    return {"mode": stats["mode"], "why_full": stats.get("why_full", ""), "claims": stats["claims"],
            "new_claims": stats["new_claims"], "rings": len(rings), "alerts": len(stats.get("alerts", [])),
            "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
            "peak_rss_gib": round(_peak_kib() / 2**20, 2),
            "clusters": sum(d["clusters"] for d in det.values()), "described": sum(d["described"] for d in det.values()),
            "pairs": sum(d["pairs"] for d in det.values()), "pairs_recounted": sum(d["pairs_recounted"] for d in det.values()),
            "detectors": det, "timings": timings}


def _peak_kib() -> int:
    """This process's peak resident memory in KiB. VmHWM counts only this program's own memory:
    ru_maxrss keeps, across the exec, the high-water mark of the bench process it was forked
    from (which held the city's claims: every run read 3.03 GiB at 5M, increments included)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _run_child(home: Path, full: bool, detect_only: bool = False, profile: Path | None = None) -> dict:
    cmd = [sys.executable, __file__, "--child", str(home)] + (["--full"] if full else []) + \
        (["--detect-only"] if detect_only else [])
    if profile is not None:
        # raw collapsed stacks too, so the hottest frames can be listed as text
        cmd = ["py-spy", "record", "-r", "50", "-f", "raw", "-o", str(profile.with_suffix(".txt")), "--"] + cmd
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(next(x for x in reversed(out.stdout.strip().splitlines()) if x.startswith("{")))


def _ingest(home: Path, path: Path, detect_only: bool = False) -> float:
    t0 = time.perf_counter()
    if detect_only:  # the analytic copy only: what detect reads
        code = ("import sys; from ringtrace.workspace import Workspace; from ingest.api import ingest_paths; "
                "ingest_paths(Workspace(sys.argv[1]).ensure(), [sys.argv[2]], progress=False)")
        subprocess.run([sys.executable, "-c", code, str(home), str(path)], check=True, capture_output=True, text=True)
    else:
        subprocess.run([sys.executable, "-m", "ringtrace.cli", "--home", str(home), "ingest", str(path)], check=True,
                       capture_output=True, text=True)
    return round(time.perf_counter() - t0, 1)


def _load(city: Path):
    import pandas as pd

    inp = city / "input"
    pq = inp / "claims.parquet"
    claims = pd.read_parquet(pq) if pq.exists() else pd.read_csv(inp / "claims.csv", dtype=str)
    day = pd.to_datetime(claims["settled_at"]).dt.normalize()
    return claims, day


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--city", type=Path, help="a synth output folder (input/claims.* and reference files)")
    p.add_argument("--days", type=int, default=1, help="days ingested one at a time after the base (default 1)")
    p.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "incr" / "bench")
    p.add_argument("--detect-only", action="store_true",
                   help="no graph store: ingest the analytic copy only and do not store the rings")
    p.add_argument("--max-claims", type=int, help="leave out the city's last days beyond this many claims")
    p.add_argument("--profile", type=Path, help="record each increment with py-spy into this folder")
    p.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--full", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child, args.full, args.detect_only)))
        return 0
    if args.city is None:
        p.error("--city DIR is required (e.g. /tmp/scale/city-1m, or `ringtrace synth DIR --patients 50000`)")
    import pandas as pd

    work = args.work / args.city.name
    shutil.rmtree(work, ignore_errors=True)
    (work / "base").mkdir(parents=True)
    claims, day = _load(args.city)
    if args.max_claims is not None and len(claims) > args.max_claims:
        per_day = day.value_counts().sort_index()
        keep = per_day.index[per_day.cumsum().to_numpy() <= args.max_claims]
        if len(keep) <= args.days:
            p.error(f"--max-claims {args.max_claims:,} leaves {len(keep)} days of the city; the base and "
                    f"--days {args.days} need at least {args.days + 1}")
        claims, day = claims[day <= keep[-1]], day[day <= keep[-1]]
    days = sorted(day.unique())
    last = days[-args.days:]
    for ref in (args.city / "input").iterdir():
        if not ref.name.startswith("claims."):
            shutil.copy(ref, work / "base" / ref.name)
    claims[day < last[0]].to_parquet(work / "base" / "claims.parquet", index=False)
    batches = []
    for k, d in enumerate(last):
        path = work / f"day{k}.parquet"
        claims[day == d].to_parquet(path, index=False)
        batches.append((str(pd.Timestamp(d).date()), path, int((day == d).sum())))
    del claims, day
    home = work / "ws"
    only = args.detect_only
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
    t_ingest = _ingest(home, work / "base", only)
    rows = [("full (base)", _run_child(home, full=False, detect_only=only))]
    print(f"base ingested in {t_ingest} s; full detect: {json.dumps(rows[0][1]['timings'])}", file=sys.stderr)
    for date, path, n in batches:
        t = _ingest(home, path, only)
        r = _run_child(home, full=False, detect_only=only,
                       profile=args.profile / f"increment-{date}.svg" if args.profile is not None else None)
        if args.profile is not None:
            _hot(args.profile / f"increment-{date}.txt")
        print(f"{date}: {n:,} claims ingested in {t} s; increment detect: {json.dumps(r['detectors'])}; "
              f"timings: {json.dumps(r['timings'])}", file=sys.stderr)
        rows.append((f"increment {date}", r))
        if r["mode"] != "increment":
            print(f"  (fell back to a full run: {r['why_full']})", file=sys.stderr)
    inc_rings = json.loads((home / "rings.json").read_text(encoding="utf-8"))["rings"]
    full = _run_child(home, full=True, detect_only=only)
    rows.append(("full (same claims)", full))
    same = inc_rings == json.loads((home / "rings.json").read_text(encoding="utf-8"))["rings"]

    print(f"\n{args.city}  (load average at start {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores)")
    print(f"{'run':<24} {'mode':<10} {'claims':>11} {'new':>8} {'wall s':>7} {'detect s':>8} {'CPU s':>7} {'peak GiB':>8} "
          f"{'clusters described':>19} {'pairs recounted':>17} {'rings':>6} {'alerts':>6}")
    for name, r in rows:
        detect_s = round(sum(v for k, v in r["timings"].items() if k not in ("store_rings", "keep_state")), 1)
        print(f"{name:<24} {r['mode']:<10} {r['claims']:>11,} {r['new_claims']:>8,} {r['wall_s']:>7} {detect_s:>8} {r['cpu_s']:>7} "
              f"{r['peak_rss_gib']:>8} {str(r['described']) + ' / ' + str(r['clusters']):>19} "
              f"{str(r['pairs_recounted']) + ' / ' + str(r['pairs']):>17} {r['rings']:>6} {r['alerts']:>6}")
    inc = rows[-2][1]
    if only:
        print("--detect-only: no graph store (analytic copy only; rings not stored)")
    print("detect s: reading the claims and building the frame, detectors, merge and scoring (no ring store, no state)")
    print(f"increment / full wall: {inc['wall_s'] / max(full['wall_s'], 1e-9):.2f}; "
          f"rings of the increment identical to the full run's: {same}")
    print("increment timings:", json.dumps(inc["timings"]))
    print("full timings:     ", json.dumps(full["timings"]))
    return 0 if same else 1


def _hot(raw: Path, top: int = 25) -> None:
    """Own and total samples per function from py-spy's collapsed stacks, hottest first, into
    ``raw`` with a ``.top`` suffix (a flame graph is for a person; this is for a log)."""
    own: dict[str, int] = {}
    total: dict[str, int] = {}
    n = 0
    for line in raw.read_text(encoding="utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        k = int(count)
        n += k
        frames = stack.split(";")
        own[frames[-1]] = own.get(frames[-1], 0) + k
        for fr in set(frames):
            total[fr] = total.get(fr, 0) + k
    with open(raw.with_suffix(".top"), "w", encoding="utf-8") as out:
        out.write(f"{n} samples\n-- total (inclusive) --\n")
        for fr, k in sorted(total.items(), key=lambda x: -x[1])[:top * 2]:
            out.write(f"{k / max(n, 1):6.1%}  {fr}\n")
        out.write("-- own --\n")
        for fr, k in sorted(own.items(), key=lambda x: -x[1])[:top]:
            out.write(f"{k / max(n, 1):6.1%}  {fr}\n")


if __name__ == "__main__":
    sys.exit(main())
