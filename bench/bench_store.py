"""Graph store benchmark: bulk load rate and neighbourhood latency on a synthetic city.

    python bench/bench_store.py                       # ~1M claims into LadybugDB, 100k into ArcadeDB
    python bench/bench_store.py --patients 5000 --bolt-claims 20000   # a quick run

The city comes from the synthetic generator (``ingest.synth.generate``, Parquet, already in the
analytic schema). LadybugDB gets every claim; the Bolt store (ArcadeDB started locally) gets the
first ``--bolt-claims`` claims, and its load rate is extrapolated to 1M claims, clearly marked as
such. Latency: ``neighbourhood`` of random patients, cards, doctors and institutions, 1 and 2
hops, 200-node cap, no time window, the store opened once (as the app's cached connection
would); ``--window-days N`` also times 2-hop views inside an N-day window mid-span. Figures are
printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.store.arcadedb_server import ArcadeBoltServer  # noqa: E402
from graph.store.bolt_store import BoltStore  # noqa: E402
from graph.store.ladybug_store import LadybugStore  # noqa: E402


def city(folder: Path, patients: int, seed: int) -> dict[str, pd.DataFrame]:
    from ingest.synth import generate

    if not (folder / "input" / "claims.parquet").exists():
        t = time.perf_counter()
        generate(folder, patients=patients, seed=seed, fmt="parquet")
        print(f"synth: {patients:,} patients in {time.perf_counter() - t:.1f} s")
    out = {k: pd.read_parquet(folder / "input" / f"{k}.parquet") for k in ("claims", "institutions", "doctors", "patients")}
    print(f"city: {len(out['claims']):,} claims, {out['claims'].patient_id.nunique():,} patients, "
          f"{len(out['institutions']):,} institutions, {len(out['doctors']):,} doctors")
    return out


def load(store, c: dict, claims: pd.DataFrame) -> float:
    t = time.perf_counter()
    store.load(claims, institutions=c["institutions"], doctors=c["doctors"], patients=c["patients"])
    return time.perf_counter() - t


def probes(claims: pd.DataFrame, n: int, seed: int) -> list[tuple[str, str]]:
    rng = np.random.default_rng(seed)
    out = []
    for t, col in (("patient", "patient_id"), ("card", "card_id"), ("doctor", "doctor_id"), ("institution", "institution_id")):
        ids = claims[col].dropna().unique()
        out += [(t, str(i)) for i in rng.choice(ids, size=min(n, len(ids)), replace=False)]
    return out


def latency(store, keys, hops: int, window=(None, None)) -> dict[str, float]:
    times, sizes = {}, []
    for t, i in keys:
        s = time.perf_counter()
        sg = store.neighbourhood(t, i, hops=hops, max_nodes=200, since=window[0], until=window[1])
        times.setdefault(t, []).append((time.perf_counter() - s) * 1000)
        sizes.append(sg.total_nodes)
    allt = [x for v in times.values() for x in v]
    out = {"p50": float(np.percentile(allt, 50)), "p95": float(np.percentile(allt, 95)),
           "max": float(np.max(allt)), "median_total_nodes": float(np.median(sizes))}
    for t, v in times.items():
        out[f"p95 {t}"] = float(np.percentile(v, 95))
    return out


def middle_window(claims: pd.DataFrame, days: int):
    """``days`` days in the middle of the claims' span, as (since, until) datetimes."""
    lo, hi = claims["settled_at"].min(), claims["settled_at"].max()
    mid = lo + (hi - lo) / 2
    return mid.to_pydatetime(), (mid + pd.Timedelta(days=days)).to_pydatetime()


def report(engine: str, n_claims: int, seconds: float, lat: dict) -> None:
    print(f"\n[{engine}] load {n_claims:,} claims: {seconds:.1f} s = {n_claims / seconds:,.0f} claims/s")
    for hops, r in lat.items():
        per = ", ".join(f"{k[4:]} {v:.0f}" for k, v in r.items() if k.startswith("p95 "))
        label = f"{hops}-hop" if isinstance(hops, int) else hops
        print(f"[{engine}] {label} neighbourhood (cap 200): p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms, "
              f"max {r['max']:.0f} ms; p95 by start type ms: {per}; median nodes reached {r['median_total_nodes']:,.0f}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--patients", type=int, default=49000, help="synthetic city size (49000 ≈ 1M claims)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--bolt-claims", type=int, default=100_000, help="claims loaded into ArcadeDB (0: skip Bolt)")
    ap.add_argument("--probes", type=int, default=50, help="start entities per type")
    ap.add_argument("--window-days", type=int, default=0,
                    help="also time 2-hop views inside a window of this many days mid-span (0: no window run)")
    ap.add_argument("--work", type=Path, default=None, help="folder for the city and stores (default: temporary)")
    args = ap.parse_args(argv)

    work = args.work or Path(tempfile.mkdtemp(prefix="bench_store_"))
    c = city(work / f"city-{args.patients}-{args.seed}", args.patients, args.seed)
    claims = c["claims"]
    keys = probes(claims, args.probes, args.seed)

    lb_dir = work / f"ladybug-{time.time_ns()}"
    with LadybugStore(lb_dir) as s:
        secs = load(s, c, claims)
        counts = s.counts()
    # the app opens the store read-only; measure that way
    with LadybugStore(lb_dir, read_only=True) as s:
        s.neighbourhood(*keys[0], hops=1)  # warm the buffer pool once
        lat = {h: latency(s, keys, h) for h in (1, 2)}
        if args.window_days > 0:
            lat[f"2-hop {args.window_days}-day window"] = latency(s, keys, 2, middle_window(claims, args.window_days))
    report("ladybug", counts["claims"], secs, lat)

    if args.bolt_claims > 0:
        part = claims.sort_values("settled_at").iloc[: args.bolt_claims]
        with ArcadeBoltServer(work / f"arcadedb-{time.time_ns()}") as srv:
            with BoltStore(srv.uri, auth=srv.auth, database=srv.database) as s:
                secs = load(s, c, part)
                bkeys = probes(part, args.probes, args.seed)
                s.neighbourhood(*bkeys[0], hops=1)
                lat = {h: latency(s, bkeys, h) for h in (1, 2)}
                report("arcadedb-bolt", s.counts()["claims"], secs, lat)
                rate = len(part) / secs
                print(f"[arcadedb-bolt] extrapolated: 1,000,000 claims ≈ {1_000_000 / rate / 60:,.0f} min at this rate "
                      f"(measured on {len(part):,}, not on 1M)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
