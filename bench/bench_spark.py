"""The communities projection on pandas against Spark local mode: wall time and peak memory.

    python bench/bench_spark.py                                   # a 250k-claim synth city
    python bench/bench_spark.py --city /tmp/scale/city-1m         # add an existing synth folder
    python bench/bench_spark.py --master 'local[2]' --engines spark

Each (city, engine) runs in a fresh subprocess, so its peak memory is its own: for pandas the
process's ru_maxrss; for Spark the Python driver's ru_maxrss plus the JVM's peak resident set
(VmHWM, read from /proc at the end: the JVM holds the shuffle and the aggregation buffers). The
projection runs twice in one process (the first call pays the JVM's warm-up, the second is the
steady cost); Spark times exclude the JVM start (reported apart) and include the Arrow hand-over.
The two answers are checked equal (bit for bit) by comparing a digest of the pair table.
Also printed, for the design note's shuffle estimate: pairs and (pair, day) records per claim.
Run big cities under ``flock /tmp/ringtrace-big.lock``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path


def _load(city: Path):
    import pandas as pd

    inp = city / "input"
    if (inp / "claims.parquet").exists():
        c = pd.read_parquet(inp / "claims.parquet")
        refs = {k: pd.read_parquet(inp / f"{k}.parquet") for k in ("institutions", "doctors", "patients")}
    else:
        c = pd.read_csv(inp / "claims.csv", dtype=str, keep_default_na=False, na_values=[""])
        c["total_amount"] = c["total_amount"].astype(float)
        c["fund_amount"] = c["fund_amount"].astype(float)
        refs = {k: pd.read_csv(inp / f"{k}.csv", dtype=str) for k in ("institutions", "doctors", "patients")}
        for col in ("lat", "lon"):
            if col in refs["institutions"]:
                refs["institutions"][col] = refs["institutions"][col].astype(float)
    for col in ("admitted_on", "discharged_on", "settled_at"):
        c[col] = pd.to_datetime(c[col]).astype("datetime64[ns]")
    return c, refs


def _jvm_peak_kib(spark) -> int:
    pid = spark.sparkContext._jvm.java.lang.ProcessHandle.current().pid()
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _jvm_cpu_s(spark) -> float:
    """CPU seconds the JVM has used (all its threads): a measure a busy machine does not inflate."""
    pid = spark.sparkContext._jvm.java.lang.ProcessHandle.current().pid()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _one(city: Path, engine_name: str, master: str, partitions: int, driver_memory: str) -> dict:
    from graph.detect import engine
    from graph.detect.communities import projection
    from graph.detect.frame import ClaimFrame

    claims, refs = _load(city)
    f = ClaimFrame(claims, **refs)
    del claims
    out = {"city": str(city), "claims": int(f.n), "engine": engine_name}
    spark = None
    if engine_name == "spark":
        from graph.detect.spark.session import get_session

        t0 = time.perf_counter()
        spark = get_session({"master": master, "shuffle_partitions": partitions, "driver_memory": driver_memory})
        out["jvm_start_s"] = round(time.perf_counter() - t0, 1)
        out["master"] = master
    # twice: the first call pays the JVM's warm-up (class loading, JIT); a detection run makes
    # several projections in one session, so the second is the steady cost
    for key in ("first_s", "wall_s"):
        t0, c0 = time.perf_counter(), time.process_time()
        j0 = _jvm_cpu_s(spark) if spark is not None else 0.0
        with engine.use(engine_name):
            pairs = projection(f)
        out[key] = round(time.perf_counter() - t0, 1)
    # CPU seconds of the warm call: the driver's, and the JVM's (what a cluster's cores would do)
    out["driver_cpu_s"] = round(time.process_time() - c0, 1)
    out["jvm_cpu_s"] = round(_jvm_cpu_s(spark) - j0, 1) if spark is not None else 0.0
    out["driver_peak_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    out["jvm_peak_mib"] = round(_jvm_peak_kib(spark) / 1024) if spark is not None else 0
    out["peak_mib"] = out["driver_peak_mib"] + out["jvm_peak_mib"]
    out["pairs"] = len(pairs)
    out["pair_days"] = int(pairs["days"].sum())
    out["digest"] = hashlib.sha256(pairs.to_numpy().tobytes() + str(pairs.dtypes.tolist()).encode()).hexdigest()[:16]
    return out


def _synth(work: Path, patients: int) -> Path:
    from ingest.synth import generate

    city = work / f"city-{patients}-cpp5"
    if not (city / "input" / "claims.parquet").exists():
        generate(city, patients=patients, seed=11, fmt="parquet", claims_per_patient=5)
    return city


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--patients", type=int, nargs="*", default=[50000],
                    help="synth cities of this many people at 5 claims a person-year (default 50000: ~250k claims)")
    ap.add_argument("--city", action="append", default=[], help="an existing synth output folder (repeatable)")
    ap.add_argument("--engines", nargs="+", default=["pandas", "spark"], choices=["pandas", "spark"])
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--partitions", type=int, default=4, help="spark.sql.shuffle.partitions (default 4: 2 per core)")
    ap.add_argument("--driver-memory", default="4g")
    ap.add_argument("--work", default="/tmp/spark/bench")
    ap.add_argument("--one", nargs=2, metavar=("CITY", "ENGINE"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(_one(Path(args.one[0]), args.one[1], args.master, args.partitions, args.driver_memory)))
        return 0
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    cities = [_synth(work, p) for p in args.patients] + [Path(c) for c in args.city]
    rows = []
    for city in cities:
        for eng in args.engines:
            cmd = [sys.executable, __file__, "--one", str(city), eng, "--master", args.master,
                   "--partitions", str(args.partitions), "--driver-memory", args.driver_memory]
            res = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
            if res.returncode != 0:
                print(res.stderr[-3000:], file=sys.stderr)
                return res.returncode
            row = json.loads(res.stdout.strip().splitlines()[-1])
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    load = os.getloadavg()
    print(f"\ncommunities projection (communities.projection: 2 grids, max_group 40, min_place_degree 3); "
          f"{os.cpu_count()} cores, load average {load[0]:.1f} at the end")
    print(f"{'claims':>10} {'engine':<16} {'1st s':>6} {'2nd s':>6} {'JVM start s':>11} {'CPU s':>6} {'driver MiB':>10} {'JVM MiB':>8} "
          f"{'peak MiB':>8} {'pairs':>10} {'pairs/claim':>11} {'pair-days/claim':>15}  digest")
    for r in rows:
        eng = r["engine"] + (f" {r['master']}" if r["engine"] == "spark" else "")
        print(f"{r['claims']:>10,} {eng:<16} {r['first_s']:>6.1f} {r['wall_s']:>6.1f} {r.get('jvm_start_s', 0):>11.1f} {r['driver_cpu_s'] + r['jvm_cpu_s']:>6.1f} "
              f"{r['driver_peak_mib']:>10,} {r['jvm_peak_mib']:>8,} {r['peak_mib']:>8,} {r['pairs']:>10,} "
              f"{r['pairs'] / r['claims']:>11.3f} {r['pair_days'] / r['claims']:>15.3f}  {r['digest']}")
    by_city = {}
    for r in rows:
        by_city.setdefault(r["city"], set()).add(r["digest"])
    same = all(len(d) == 1 for d in by_city.values())
    print("pandas and Spark pair tables identical: " + ("yes" if same else "NO"))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
