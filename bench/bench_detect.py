"""How long ``graph.detect.pipeline.detect`` takes, and how much memory, as claims grow.

    python bench/bench_detect.py                    # 250k and 1M claims
    python bench/bench_detect.py --claims 5000000   # add sizes (each in its own process)
    python bench/bench_detect.py --city DIR         # an existing synth output folder

Each size runs in a fresh subprocess, so its peak resident memory (ru_maxrss) is its own. A
synthetic city of about 20 claims per insured person is generated (parquet, cached under
``--work``), or an existing one (``--city``, parquet or CSV input such as ``ringtrace synth``
writes) is used; its claims are read into one Arrow table in the analytic schema, as
``ringtrace detect`` reads the analytic copy (``load s``, not counted in the rest). The
figures are for detection as ``pipeline.run`` does it (frame, the claims table let go, every
detector, merge): wall seconds, CPU seconds, peak RSS, seconds per step (all of them on
stderr as JSON). The machine is shared, so wall time is also shown next to CPU time.
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
    """The city's claims as one Arrow table in the analytic schema (what ``ringtrace detect``
    reads), from ``input/claims.parquet`` or ``input/claims.csv``; reference files as DataFrames."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from ingest.analytic import CLAIM_SCHEMA

    src = city / "input"
    if (src / "claims.parquet").exists():
        table = pq.read_table(src / "claims.parquet")
        table = pa.table({f.name: table[f.name].cast(f.type) for f in CLAIM_SCHEMA if f.name in table.column_names})
    elif (src / "claims.csv").exists():
        # empty cells are missing values, as ingest reads them
        table = pacsv.read_csv(src / "claims.csv", convert_options=pacsv.ConvertOptions(
            column_types={f.name: f.type for f in CLAIM_SCHEMA}, strings_can_be_null=True))
    else:
        raise SystemExit(f"{src}: no claims.parquet or claims.csv")

    def ref(kind):
        if (src / f"{kind}.parquet").exists():
            return pd.read_parquet(src / f"{kind}.parquet")
        if (src / f"{kind}.csv").exists():
            df = pd.read_csv(src / f"{kind}.csv", dtype=str, keep_default_na=False, na_values=[""])
            return df.astype({c: "float64" for c in ("lat", "lon", "birth_year") if c in df.columns})
        return None

    return table, {k: ref(k) for k in ("institutions", "doctors", "patients")}


def _one(city: Path, rings_out: Path | None = None) -> dict:
    import pyarrow as pa

    from graph.detect import pipeline
    from graph.detect.frame import ClaimFrame
    from graph.detect.merge import to_rings

    t0 = time.perf_counter()
    claims, refs = _load(city)
    load_s = time.perf_counter() - t0
    n = claims.num_rows
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    timings: dict = {}
    # as pipeline.run does it: the frame, then the claims table is let go before the detectors
    t0, c0 = time.perf_counter(), time.process_time()
    f = ClaimFrame(claims, **refs)
    del claims
    pa.default_memory_pool().release_unused()  # the table's buffers back to the system for numpy
    timings["frame"] = round(time.perf_counter() - t0, 3)
    cands = pipeline.candidates(f, timings)
    t1 = time.perf_counter()
    rings = to_rings(f, cands)
    timings["merge"] = round(time.perf_counter() - t1, 3)
    if rings_out is not None:
        from graph.detect.ring import write_rings_json

        write_rings_json(rings, rings_out)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {"claims": n, "rings": len(rings), "wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "load_s": round(load_s, 1),
            "peak_rss_gib": round(peak / 2**20, 2), "rss_before_detect_gib": round(base / 2**20, 2), "detectors": timings}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--claims", type=int, action="append", help="claims per run (repeatable); default 250k and 1M")
    p.add_argument("--city", type=Path, help="use this synth output folder (parquet or CSV input) instead of generating")
    p.add_argument("--rings", type=Path, help="with --city: also write the rings JSON here (for ringtrace evaluate)")
    p.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "ringtrace-bench-detect")
    p.add_argument("--seed", type=int, default=5)
    p.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--child-rings", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(_one(args.child, args.child_rings)))
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
    print(f"{'claims':>10} {'rings':>6} {'load s':>7} {'wall s':>7} {'cpu s':>7} {'peak GiB':>9}  slowest detectors")
    for city in cities:
        extra = ["--child-rings", str(args.rings)] if args.rings and args.city else []
        out = subprocess.run([sys.executable, __file__, "--child", str(city), *extra], capture_output=True, text=True)
        if out.returncode != 0:
            print(out.stderr, file=sys.stderr)
            return out.returncode
        r = json.loads(out.stdout.strip().splitlines()[-1])
        slow = sorted(r["detectors"].items(), key=lambda kv: -kv[1])[:4]
        print(f"{r['claims']:>10,} {r['rings']:>6} {r['load_s']:>7} {r['wall_s']:>7} {r['cpu_s']:>7} {r['peak_rss_gib']:>9}  "
              + ", ".join(f"{k} {v:.1f}s" for k, v in slow))
        print(json.dumps(r), file=sys.stderr)  # every stage's seconds, for the record
    return 0


if __name__ == "__main__":
    sys.exit(main())
