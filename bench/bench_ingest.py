"""Benchmark: `ringtrace ingest` of synthetic claim exports; prints claims/s and peak memory.

    python bench/bench_ingest.py                 # 250k and 1M claims, UTF-8
    python bench/bench_ingest.py --sizes 1000000 --encoding gb18030

Each size is generated here (numpy, Chinese headers, 0.1 % broken rows), written as CSV to a
temporary folder, and ingested by a fresh `ringtrace ingest` process into a fresh workspace;
the child's peak RSS comes from wait4(), so sizes do not mask each other. Memory that stays
flat from 250k to 1M claims shows the chunked reader bounds it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

HEADERS = ["结算单号", "人员编号", "医保卡号", "定点机构编码", "医师编码", "医疗类别", "结算时间",
           "入院日期", "出院日期", "医疗总费用", "统筹基金支付", "诊断编码", "操作员"]


def _ids(prefix: str, values: np.ndarray, width: int) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(pa.array(values).cast(pa.string()), width, "0"), "")


def make_claims(n: int, seed: int = 7) -> pa.Table:
    rng = np.random.default_rng(seed)
    patients = max(n // 20, 10)
    pid = rng.integers(0, patients, n)
    visit = rng.choice(np.array(["门诊", "住院", "药店购药"]), n, p=[0.8, 0.05, 0.15])
    start = np.datetime64("2024-01-01T00:00:00").astype("datetime64[s]").astype(np.int64)
    settled = start + rng.integers(0, 365 * 86400, n)
    total = np.round(rng.lognormal(5, 1.2, n), 2)
    fund = np.round(total * rng.uniform(0.3, 0.9, n), 2)
    inpatient = visit == "住院"
    ts = pa.array(settled.astype("datetime64[s]"))
    admitted = pa.array(np.where(inpatient, settled - 5 * 86400, 0).astype("datetime64[s]"),
                        mask=~inpatient)
    total_s = pa.array(total).cast(pa.string())
    # 0.1 % broken rows: a bad date, a negative amount, fund above total
    bad = rng.random(n) < 0.001
    settled_s = pc.strftime(ts, format="%Y-%m-%d %H:%M:%S")
    settled_s = pc.if_else(pa.array(bad & (rng.random(n) < 0.5)), "2024-02-30 10:00:00", settled_s)
    total_s = pc.if_else(pa.array(bad & (rng.random(n) >= 0.5)), "-12.5", total_s)
    cols = [
        _ids("C", np.arange(n), 10),
        _ids("33090219", 50_000_000 + pid, 10),
        pa.nulls(n, pa.string()),
        _ids("H", rng.integers(0, 800, n), 5),
        pc.if_else(pa.array(visit == "药店购药"), pa.scalar(None, pa.string()), _ids("D", rng.integers(0, 6000, n), 6)),
        pa.array(visit),
        settled_s,
        pc.strftime(admitted, format="%Y-%m-%d"),
        pc.strftime(pa.array(np.where(inpatient, settled, 0).astype("datetime64[s]"), mask=~inpatient), format="%Y-%m-%d"),
        total_s,
        pa.array(fund).cast(pa.string()),
        pa.array(rng.choice(np.array(["J06.9", "I10", "E11.9", "K29.7", "M54.5"]), n)),
        _ids("OP", rng.integers(0, 3000, n), 4),
    ]
    return pa.table(cols, names=HEADERS)


def write_csv(table: pa.Table, path: Path, encoding: str) -> None:
    opts = pacsv.WriteOptions(quoting_style="needed")
    if encoding == "utf-8":
        pacsv.write_csv(table, path, write_options=opts)
    else:
        tmp = path.with_suffix(".utf8")
        pacsv.write_csv(table, tmp, write_options=opts)
        with open(tmp, encoding="utf-8") as src, open(path, "w", encoding=encoding, newline="") as dst:
            for block in iter(lambda: src.read(1 << 22), ""):
                dst.write(block)
        tmp.unlink()


def ingest(path: Path, home: Path) -> tuple[float, int, str]:
    env = dict(os.environ, CI="true")
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "ringtrace.cli", "--home", str(home), "ingest", str(path),
                             "--no-progress"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    out = proc.stdout.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"ingest failed:\n{out}")
    return elapsed, usage.ru_maxrss * 1024, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="250000,1000000", help="comma-separated claim counts")
    ap.add_argument("--encoding", default="utf-8", choices=["utf-8", "gb18030"])
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            path = Path(tmp) / f"claims_{n}.csv"
            t = time.perf_counter()
            write_csv(make_claims(n), path, args.encoding)
            gen = time.perf_counter() - t
            secs, rss, out = ingest(path, Path(tmp) / f"ws_{n}")
            loaded = next((ln for ln in out.splitlines() if ln.startswith("合计")), "")
            print(f"{n:>10,} claims  {path.stat().st_size / 2**20:7.1f} MiB {args.encoding:<8}"
                  f"  ingest {secs:6.2f} s  {n / secs:>9,.0f} claims/s  peak RSS {rss / 2**20:7.1f} MiB"
                  f"  (generated in {gen:.1f} s)")
            print(f"           {loaded}")


if __name__ == "__main__":
    main()
