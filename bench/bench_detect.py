"""How long ``graph.detect.pipeline.detect`` takes, and how much memory, as claims grow.

    python bench/bench_detect.py                    # 250k and 1M claims
    python bench/bench_detect.py --claims 5000000   # add sizes (each in its own process)
    python bench/bench_detect.py --city DIR         # an existing synth output folder

Each size runs in a fresh subprocess, so its peak resident memory (ru_maxrss) is its own. A
synthetic city of about 20 claims per insured person is generated (parquet, cached under
``--work``) and read the way the analytic copy is (canonical columns and dtypes); the
figures are for ``detect`` alone: wall seconds, CPU seconds, peak RSS, seconds per detector.
The machine is shared, so wall time is also shown next to CPU time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

CLAIMS_PER_PATIENT = 20.4  # measured on the synthetic cities (409,786 claims / 20,000 people)


def _load(city: Path):
    import pandas as pd

    c = pd.read_parquet(city / "input" / "claims.parquet")
    for col in ("admitted_on", "discharged_on", "settled_at"):
        c[col] = pd.to_datetime(c[col]).astype("datetime64[ns]")
    refs = {k: pd.read_parquet(city / "input" / f"{k}.parquet") for k in ("institutions", "doctors", "patients")}
    return c, refs


def _one(city: Path) -> dict:
    from graph.detect import pipeline

    claims, refs = _load(city)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    timings: dict = {}
    t0, c0 = time.perf_counter(), time.process_time()
    rings = pipeline.detect(claims, timings=timings, **refs)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {"claims": len(claims), "rings": len(rings), "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
            "peak_rss_gib": round(peak / 2**20, 2), "rss_before_detect_gib": round(base / 2**20, 2), "detectors": timings}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--claims", type=int, action="append", help="claims per run (repeatable); default 250k and 1M")
    p.add_argument("--city", type=Path, help="use this synth output folder instead of generating")
    p.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "ringtrace-bench-detect")
    p.add_argument("--seed", type=int, default=5)
    p.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(_one(args.child)))
        return 0
    cities = []
    if args.city:
        cities.append(args.city)
    else:
        from ingest.synth import generate

        for n in args.claims or [250_000, 1_000_000]:
            patients = max(1000, int(round(n / CLAIMS_PER_PATIENT)))
            city = args.work / f"city-{patients}-s{args.seed}"
            if not (city / "input" / "claims.parquet").exists():
                print(f"generating {patients:,} insured people (≈{n:,} claims) → {city}", file=sys.stderr)
                generate(city, patients=patients, seed=args.seed, fmt="parquet")
            cities.append(city)
    print(f"{'claims':>10} {'rings':>6} {'wall s':>7} {'cpu s':>7} {'peak GiB':>9}  slowest detectors")
    for city in cities:
        out = subprocess.run([sys.executable, __file__, "--child", str(city)], capture_output=True, text=True)
        if out.returncode != 0:
            print(out.stderr, file=sys.stderr)
            return out.returncode
        r = json.loads(out.stdout.strip().splitlines()[-1])
        slow = sorted(r["detectors"].items(), key=lambda kv: -kv[1])[:4]
        print(f"{r['claims']:>10,} {r['rings']:>6} {r['wall_s']:>7} {r['cpu_s']:>7} {r['peak_rss_gib']:>9}  "
              + ", ".join(f"{k} {v:.1f}s" for k, v in slow))
    return 0


if __name__ == "__main__":
    sys.exit(main())
