"""``ringtrace synth OUT_DIR [--patients N] [--claims-per-patient X] [--seed S] [--format csv|csv-gb18030|parquet]``."""

from __future__ import annotations

import time

from ingest.synth.generate import DEFAULT_YEAR, MAX_CLAIMS_PER_PATIENT, MIN_PATIENTS
from ingest.synth.write import FORMATS

__all__ = ["configure", "run"]


def configure(p) -> None:
    p.add_argument("out_dir", metavar="OUT_DIR", help="folder to write input/ and truth.json into")
    p.add_argument("--patients", type=int, default=20000, metavar="N",
                   help=f"insured people in the city (default 20000, at least {MIN_PATIENTS}); about 20 claims each "
                        "unless --claims-per-patient says otherwise")
    p.add_argument("--claims-per-patient", type=float, default=None, metavar="X",
                   help="average everyday claims per person-year (a real city: about 5; default: the built-in "
                        f"rates, about 20; at most {MAX_CLAIMS_PER_PATIENT}); planted rings and legitimate groups "
                        "stay as they are")
    p.add_argument("--seed", type=int, default=7, metavar="S", help="random seed; the same seed gives identical files (default 7)")
    p.add_argument("--format", dest="fmt", choices=FORMATS, default="csv",
                   help="csv (UTF-8, English headers), csv-gb18030 (Chinese headers, like a bureau export) or parquet")
    p.add_argument("--year", type=int, default=DEFAULT_YEAR, metavar="YYYY", help=f"calendar year of the settlements (default {DEFAULT_YEAR})")


def run(args, ws) -> int:
    from ingest.synth.generate import generate

    t0 = time.perf_counter()
    c = generate(args.out_dir, patients=args.patients, seed=args.seed, fmt=args.fmt, year=args.year,
                 claims_per_patient=args.claims_per_patient)
    print(f"合成城市 / synthetic city (seed {args.seed}): {c['patients']:,} insured people, {c['claims']:,} claims, "
          f"{c['institutions']:,} institutions, {c['doctors']:,} doctors")
    print(f"  planted rings: {c['rings']} ({c['planted_claims']:,} claims); legitimate dense groups: {c['legit_groups']}")
    for kind, path in c["paths"].items():
        print(f"  {kind:<13} {path}")
    print(f"  done in {time.perf_counter() - t0:.1f} s. Next: ringtrace ingest {c['paths']['claims'].rsplit('/', 1)[0]}")
    return 0
