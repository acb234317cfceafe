"""Benchmark ``ringtrace synth``: seconds and peak memory for a city of about 1M claims.

    python bench/bench_synth.py                 # ~1M claims, csv
    python bench/bench_synth.py --claims 5000000 --format parquet
    python bench/bench_synth.py --claims 15000000 --claims-per-patient 5   # a city-year: 3M people

Prints the figures; asserts nothing. Peak memory is the process's maximum resident set size
(what the operating system saw, numpy buffers included).
"""

from __future__ import annotations

import argparse
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

from ingest.synth import generate

CLAIMS_PER_PATIENT = 20.4  # measured on seed 7; the benchmark prints the real figure


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, default=1_000_000, help="target number of claims (default 1,000,000)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--format", default="csv", choices=("csv", "csv-gb18030", "parquet"))
    ap.add_argument("--claims-per-patient", type=float, default=None, metavar="X",
                    help="everyday claims per person-year (default: synth's built-in rates, about 20; a real city: 5)")
    ap.add_argument("--out", default=None, help="folder to write into (default: a temporary folder, removed)")
    args = ap.parse_args(argv)
    patients = max(1000, int(args.claims / (args.claims_per_patient or CLAIMS_PER_PATIENT)))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.out or tmp)
        t0 = time.perf_counter()
        counts = generate(out, patients=patients, seed=args.seed, fmt=args.format,
                          claims_per_patient=args.claims_per_patient)
        secs = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in (out / "input").iterdir())
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    print(f"synth {args.format}: {counts['patients']:,} patients -> {counts['claims']:,} claims "
          f"({counts['claims'] / counts['patients']:.1f} per patient), {counts['rings']} planted rings, "
          f"{counts['legit_groups']} legitimate groups")
    print(f"  {secs:.1f} s  ({counts['claims'] / secs:,.0f} claims/s), peak RSS {peak_mib:,.0f} MiB, "
          f"input files {size / 2**20:,.0f} MiB")
    print(f"  machine: {platform.processor() or platform.machine()}, Python {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
