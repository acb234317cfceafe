"""The scale benchmark: synth → ingest → detect → app at 1M, 5M and 15M claims, one table and a
log-log plot of time against claims.

    python -u bench/bench_scale.py                                  # 1m,5m,15m (about 25 min here)
    python -u bench/bench_scale.py --sizes 1m --keep /tmp/bench/w   # one size, keep the workspaces
    python -u bench/bench_scale.py --reuse-cities /tmp/scale        # city-1m, city-5m ... already made

Every stage runs as its own process (the ``ringtrace`` command, as an operator would run it),
timed by wall clock, with its peak resident memory from ``os.wait4`` (the child's own maximum,
or a grandchild's if larger: Linux folds a reaped child's peak into its parent's). The issue's
end-to-end figure is synth + ingest + detect against 15 minutes and 12 GiB.

Stages:

* ``synth``: ``ringtrace synth`` of a city of about ``--claims-per-patient`` claims a person
  (5, like a real city), seed 11, CSV: what a bureau exports.
* ``ingest``: ``ringtrace ingest --json``, split into the analytic copy (validation, dedup,
  Parquet) and the graph load (LadybugDB unless ``NEO4J_URI`` is set), as the command reports.
* ``detect``: ``ringtrace detect``.
* ``app``: a fresh process doing what the app server does for a ring page: the warm-up it runs
  at login (claims table, institutions, chart and network libraries), then each of ``--rings``
  rings opened once (the data the ring page loads, masked by the access guard, and its network
  HTML) and once more (served from the app's cache), and a 2-hop neighbourhood of one member
  per ring (the entity page's store query). Its peak memory is the app server's.
* ``browser`` (when Chromium and Playwright are there, unless ``--no-browser``):
  ``bench/bench_app.py --reuse WS --rings N``, the ring page ready in a real browser.
* ``day`` (unless ``--no-day``): the next morning's run on that workspace. The city's last
  settlement day again, one day later, under new claim ids (its people, places and rings are
  the city's own, so it touches what a real day touches), written as a CSV export;
  ``ringtrace ingest DAY.csv`` then ``ringtrace detect`` (an increment), against the full
  ingest + detect above.

Writes ``docs/bench/scale.json`` and ``docs/bench/scale.png``; prints the table with the
machine (cores, memory, CPU model, Python) and the load average before and after. Asserts
nothing: the machine may be shared, so wall times are upper bounds.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

__all__ = ["parse_sizes", "size_label", "patients_for", "machine", "run_stage", "format_table", "plot",
           "end_to_end", "next_day_file", "day_ratio", "BUDGET_S", "BUDGET_GIB", "APP_BUDGET_S"]

BUDGET_S = 15 * 60  # the issue: a city-year end to end in 15 minutes ...
BUDGET_GIB = 12.0   # ... with peak memory at most 12 GiB
APP_BUDGET_S = 2.0  # and the app opens a ring in at most 2 s
E2E_STAGES = ("synth", "ingest", "detect")
APP_USER, APP_PASSWORD = "bench-scale", "bench-scale-password-1"
_SUFFIX = {"k": 1_000, "m": 1_000_000}


def parse_sizes(text: str) -> list[int]:
    """Claim counts from ``1m,5m,15m`` (k and m suffixes, decimals allowed).

    >>> parse_sizes("1m, 250k,1.5m")
    [250000, 1000000, 1500000]
    >>> parse_sizes("5")
    Traceback (most recent call last):
    ...
    ValueError: size '5' is too small: a city needs at least 10k claims
    """
    out = []
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        m = re.fullmatch(r"(\d+(?:\.\d+)?)([km]?)", part)
        if not m:
            raise ValueError(f"size {part!r} is not a number of claims like 1m, 250k or 500000")
        n = int(round(float(m.group(1)) * _SUFFIX.get(m.group(2), 1)))
        if n < 10_000:
            raise ValueError(f"size {part!r} is too small: a city needs at least 10k claims")
        out.append(n)
    if not out:
        raise ValueError("no size given; use e.g. --sizes 1m,5m,15m")
    return sorted(set(out))


def size_label(n: int) -> str:
    """``1m``, ``15m``, ``250k``, ``1.5m``: the name of a city folder.

    >>> [size_label(n) for n in (1_000_000, 15_000_000, 250_000, 1_500_000)]
    ['1m', '15m', '250k', '1.5m']
    """
    if n >= 1_000_000:
        return f"{n / 1e6:g}m"
    return f"{n / 1e3:g}k"


def patients_for(claims: int, claims_per_patient: float) -> int:
    """People in a city of about ``claims`` claims (planted rings and groups add a few percent).

    >>> patients_for(15_000_000, 5)
    3000000
    """
    return max(1000, int(round(claims / claims_per_patient)))


def machine() -> dict:
    """Cores, memory, CPU model, Python and the load average now."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem_gib = float("nan")
    return {"cores": os.cpu_count(), "memory_gib": round(mem_gib, 1), "cpu": model,
            "python": platform.python_version(), "system": f"{platform.system()} {platform.release()}",
            "load_avg": [round(x, 2) for x in os.getloadavg()]}


def _tree_rss_gib(pid: int) -> float:
    """Resident memory of a process and its descendants now (Linux /proc), GiB."""
    total = 0
    for p in _tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    break
        except (OSError, ValueError):
            continue  # gone meanwhile
    return total / 2**20


# Linux folds the peak of the memory a process leaves at exec into its own peak, and a spawned
# child starts in its parent's memory: a child of a big process would report the parent's size.
# So each stage is spawned by this tiny helper, and the helper reports its child's figures.
_HELPER = (
    "import json, os, subprocess, sys\n"
    "p = subprocess.Popen(sys.argv[2:])\n"
    "_, st, ru = os.wait4(p.pid, 0)\n"
    "with open(sys.argv[1], 'w') as f:\n"
    "    json.dump([os.waitstatus_to_exitcode(st), ru.ru_maxrss, ru.ru_utime + ru.ru_stime], f)\n"
)


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue  # gone meanwhile
    return out


def _kill_tree(pid: int) -> None:
    for p in reversed(_tree(pid)):
        try:
            os.kill(p, 9)
        except OSError:
            pass


def run_stage(argv: list[str], log: Path, env: dict | None = None, limit_gib: float | None = None,
              limit_s: float | None = None) -> dict:
    """Run one stage as a child process; wall seconds, peak RSS (GiB), exit code, its output.

    Output goes to ``log`` (a pipe could fill and stall the child while we wait on it). The peak
    is the stage's own (its children's too, when larger), not this process's. With
    ``limit_gib`` the stage is stopped once it and its children hold more than that (on a shared
    machine a stage outgrowing memory should fail alone, not have the kernel kill a neighbour);
    ``stopped_over_gib`` then says so; likewise ``limit_s`` and ``stopped_after_s``.

    >>> import sys, tempfile, pathlib
    >>> r = run_stage([sys.executable, "-c", "x = bytearray(50 * 2**20); x[::4096] = b'1' * 12800; print('ok')"],
    ...               pathlib.Path(tempfile.mkdtemp()) / "log")
    >>> r["rc"], r["out"].strip(), r["peak_gib"] > 0.045
    (0, 'ok', True)
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    figures = log.with_name(log.name + ".rusage.json")
    figures.unlink(missing_ok=True)
    with open(log, "wb") as fh:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", _HELPER, str(figures), *argv], stdout=fh,
                                stderr=subprocess.STDOUT, env=env)
        done, stopped = threading.Event(), []

        def watch():
            while not done.wait(0.5):
                if limit_gib and _tree_rss_gib(proc.pid) > limit_gib:
                    stopped.append(("stopped_over_gib", limit_gib))
                elif limit_s and time.perf_counter() - t0 > limit_s:
                    stopped.append(("stopped_after_s", limit_s))
                if stopped:
                    _kill_tree(proc.pid)
                    return

        if limit_gib or limit_s:
            threading.Thread(target=watch, daemon=True).start()
        _, status, usage = os.wait4(proc.pid, 0)
        done.set()
        wall = time.perf_counter() - t0
    rc, maxrss_kib, cpu = os.waitstatus_to_exitcode(status), usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    if figures.exists():  # the helper finished: its child's own figures
        rc, maxrss_kib, cpu = json.loads(figures.read_text())
        figures.unlink()
    out = {"wall_s": round(wall, 2), "peak_gib": round(maxrss_kib / 2**20, 3),  # KiB on Linux
           "cpu_s": round(cpu, 1), "rc": rc, "out": log.read_text(encoding="utf-8", errors="replace")}
    if stopped:
        out[stopped[0][0]] = stopped[0][1]
    return out


def end_to_end(stages: dict) -> dict | None:
    """synth + ingest + detect: seconds summed, the largest peak; None if a stage is missing or failed.

    >>> end_to_end({"synth": {"wall_s": 10, "peak_gib": 1, "rc": 0}, "ingest": {"wall_s": 20, "peak_gib": 3, "rc": 0},
    ...             "detect": {"wall_s": 30, "peak_gib": 2, "rc": 0}})
    {'wall_s': 60, 'peak_gib': 3, 'within_budget': True}
    """
    if any(stages.get(s, {}).get("rc") != 0 for s in E2E_STAGES):
        return None
    wall = sum(stages[s]["wall_s"] for s in E2E_STAGES)
    peak = max(stages[s]["peak_gib"] for s in E2E_STAGES)
    return {"wall_s": round(wall, 2), "peak_gib": peak, "within_budget": wall <= BUDGET_S and peak <= BUDGET_GIB}


def next_day_file(city: Path, out: Path, nth: int = 1) -> tuple[Path, int]:
    """The city's last full settlement day again, ``nth`` days later, with new claim ids, as ``out/day-DATE.csv``.

    A full day holds more than half the median day's claims (the year's tail of late settlements
    does not count). Each later day (``nth`` 2, 3 ...) gets its own ids, so a workspace that has
    had its first day gets a second one, not the first again (which would add nothing).

    >>> import tempfile, pandas as pd
    >>> d = Path(tempfile.mkdtemp()); (d / "input").mkdir()
    >>> pd.DataFrame({"claim_id": ["C1", "C2", "C3", "C4", "C5"], "settled_at": ["2024-12-30 08:00:00",
    ...               "2024-12-30 10:00:00", "2024-12-31 09:30:00", "2024-12-31 23:59:59", "2025-01-01 00:10:00"],
    ...               "admitted_on": ["", "", "2024-12-29", "", ""]}).to_csv(d / "input" / "claims.csv", index=False)
    >>> path, n = next_day_file(d, d / "day")
    >>> path.name, n
    ('day-2025-01-01.csv', 2)
    >>> pd.read_csv(path, dtype=str, keep_default_na=False).values.tolist()
    [['DAYC3', '2025-01-01 09:30:00', '2024-12-30'], ['DAYC4', '2025-01-01 23:59:59', '']]
    >>> path, n = next_day_file(d, d / "day", nth=2)
    >>> path.name, pd.read_csv(path, dtype=str, keep_default_na=False).values.tolist()[0]
    ('day-2025-01-02.csv', ['DAY2-C3', '2025-01-02 09:30:00', '2024-12-31'])
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    src = next((city / "input").glob("claims.*"))
    if src.suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(src)
        text = pc.cast(table["settled_at"], pa.string())
    else:
        from pyarrow import csv as pacsv

        table = pacsv.read_csv(src, convert_options=pacsv.ConvertOptions(
            column_types={"settled_at": pa.string(), "claim_id": pa.string()}))
        text = table["settled_at"]
    # the last full day: a city's year ends with a few late settlements dated the next days (29
    # claims at 1M), which would time an increment's floor, not a morning's work
    dates = pc.utf8_slice_codeunits(text, 0, 10)
    per_day = pc.value_counts(dates)
    counts = per_day.field("counts").to_numpy()
    full = [d for d, c in zip(per_day.field("values").to_pylist(), counts) if d and c > statistics.median(counts) / 2]
    last = max(full)
    day = table.filter(pc.equal(dates, last)).to_pandas()
    for col in ("settled_at", "admitted_on", "discharged_on"):
        if col not in day:
            continue
        v = pd.to_datetime(day[col].replace("", None), errors="coerce") + pd.Timedelta(days=nth)  # a stay moves with it
        day[col] = v.dt.strftime("%Y-%m-%d %H:%M:%S" if col == "settled_at" else "%Y-%m-%d").fillna("")
    day["claim_id"] = ("DAY" if nth == 1 else f"DAY{nth}-") + day["claim_id"].astype(str)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"day-{(pd.Timestamp(last) + pd.Timedelta(days=nth)).date()}.csv"
    day.to_csv(path, index=False)
    return path, len(day)


def day_ratio(stages: dict) -> dict | None:
    """The next day's ingest + detect against the full ingest + detect (None if any is missing).

    >>> day_ratio({"ingest": {"wall_s": 100, "rc": 0}, "detect": {"wall_s": 100, "rc": 0},
    ...            "day.ingest": {"wall_s": 5, "rc": 0}, "day.detect": {"wall_s": 15, "rc": 0}})
    {'day_s': 20, 'full_s': 200, 'ratio': 0.1}
    """
    keys = ("ingest", "detect", "day.ingest", "day.detect")
    if any(stages.get(k, {}).get("rc") != 0 for k in keys):
        return None
    day = stages["day.ingest"]["wall_s"] + stages["day.detect"]["wall_s"]
    full = stages["ingest"]["wall_s"] + stages["detect"]["wall_s"]
    return {"day_s": round(day, 2), "full_s": round(full, 2), "ratio": round(day / full, 3)}


# --- the app stage (runs in its own process: --app-child) -------------------------------------
def _quiet_streamlit() -> None:
    import logging

    # outside a Streamlit server every st.cache call warns that there is no script context
    for name in ("streamlit", "streamlit.runtime.caching.cache_data_api",
                 "streamlit.runtime.scriptrunner_utils.script_run_context"):
        logging.getLogger(name).setLevel(logging.ERROR)


def app_child(ws_root: str, n_rings: int) -> dict:
    _quiet_streamlit()
    from access.guard import Guard
    from access.users import add_user
    from app import netview
    from app.views import data
    from app.views.storecache import opener
    from ringtrace.workspace import Workspace

    ws = Workspace(ws_root)
    user = add_user(ws, APP_USER, "investigator", APP_PASSWORD)
    guard = Guard(ws, user, store=opener(ws))
    t = time.perf_counter()
    data.warm(ws)  # the app starts this at the login page, while the password is typed
    warm_s = time.perf_counter() - t
    rings = data.rings(ws, guard, user.role)[:n_rings]

    def open_ring(ring_id: str) -> float:
        t = time.perf_counter()
        rv = data.ring_view(ws, guard, user.role, ring_id)
        netview.network_html(rv.subgraph, lang="zh", height_px=560)
        return time.perf_counter() - t

    first = [open_ring(r.ring_id) for r in rings]
    again = [open_ring(r.ring_id) for r in rings]
    hop2 = []
    for r in rings:
        member = next(((k, v[0]) for k, v in (("patient", r.members.get("patients") or []),
                                              ("institution", r.members.get("institutions") or [])) if v), None)
        if member:
            t = time.perf_counter()
            guard.neighbourhood(member[0], guard.ref(member[0], member[1]), hops=2, max_nodes=200)
            hop2.append(time.perf_counter() - t)
    guard.close()
    return {"warm_s": round(warm_s, 3), "rings": len(rings), "ring_first_s": [round(x, 3) for x in first],
            "ring_again_s": [round(x, 3) for x in again], "hop2_s": [round(x, 3) for x in hop2]}


def _browser_ready() -> bool:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return shutil.which("chromium") is not None


def _summary(xs: list[float]) -> dict | None:
    return {"p50_s": round(statistics.median(xs), 3), "max_s": round(max(xs), 3), "n": len(xs)} if xs else None


# --- one size ----------------------------------------------------------------------------------
def bench_size(claims: int, args, work: Path) -> dict:
    label = size_label(claims)
    env = dict(os.environ, CI="true")  # no progress bars in the logs
    # the installed command, as an operator runs it (pip install -e . puts it on PATH)
    rt = [shutil.which("ringtrace") or sys.exit("bench_scale: the ringtrace command is not on PATH; pip install -e . first")]
    stages: dict[str, dict] = {}
    logs = work / "logs"
    city = Path(args.reuse_cities) / f"city-{label}" if args.reuse_cities else work / f"city-{label}"
    if args.reuse_cities:
        if not (city / "truth.json").exists():
            raise SystemExit(f"--reuse-cities: {city} holds no truth.json; make it with ringtrace synth first")
        # the synth figures of a reused city, if whoever made it recorded them beside it
        side = city.with_name(city.name + ".synth.json")
        stages["synth"] = dict(json.loads(side.read_text(encoding="utf-8")), reused=str(city)) if side.exists() \
            else {"reused": str(city)}
    else:
        if city.exists():
            shutil.rmtree(city)
        print(f"[{label}] synth ...", flush=True)
        stages["synth"] = run_stage(rt + ["synth", str(city), "--patients", str(patients_for(claims, args.claims_per_patient)),
                                          "--claims-per-patient", str(args.claims_per_patient), "--seed", str(args.seed),
                                          "--format", args.format],
                                    logs / f"synth-{label}.log", env)
    truth = json.loads((city / "truth.json").read_text(encoding="utf-8"))
    n = int(truth["claims"])

    ws = work / f"ws-{label}"
    earlier = (args.earlier or {}).get(label)
    if args.skip_ingest and earlier and (ws / "claims" / "_batches.json").exists():
        # the workspace an earlier run of this size left: its ingest figures stand as they were
        for key in ("ingest", "ingest.analytic", "ingest.graph"):
            if key in earlier["stages"]:
                stages[key] = dict(earlier["stages"][key], earlier_run=True)
        r = stages.get("ingest", {"rc": None})
    else:
        if ws.exists():
            shutil.rmtree(ws)
        print(f"[{label}] ingest {n:,} claims ...", flush=True)
        r = run_stage(rt + ["--home", str(ws), "ingest", str(city / "input"), "--json", "--no-progress"],
                      logs / f"ingest-{label}.log", env, limit_gib=args.max_gib, limit_s=args.stage_timeout)
        stages["ingest"] = r
        m = re.search(r"analytic copy committed: [\d,]+ claims in ([\d.]+) s", r["out"])
        if m:  # said before the graph load began, so known even when that load failed
            stages["ingest.analytic"] = {"wall_s": float(m.group(1)), "rc": 0}
        if r["rc"] == 0:
            m = re.search(r"^\{.*\}\s*\Z", r["out"], re.S | re.M)
            doc = json.loads(m.group(0)) if m else {}
            secs = doc.get("seconds", {})
            if secs:  # the analytic copy and the graph load, as the command timed them
                stages["ingest.analytic"] = {"wall_s": secs["analytic"], "rc": 0}
                stages["ingest.graph"] = {"wall_s": secs["graph"], "rc": 0}
            stages["ingest"]["loaded"] = doc.get("loaded")
    # ingest commits the analytic copy before the graph load; detect reads that copy, so a graph
    # load that failed (e.g. stopped over --max-gib) still leaves detect something to measure
    if r["rc"] == 0 or (ws / "claims" / "_batches.json").exists():
        print(f"[{label}] detect ...", flush=True)
        stages["detect"] = run_stage(rt + ["--home", str(ws), "detect", "--top", "0"], logs / f"detect-{label}.log", env,
                                     limit_gib=args.max_gib, limit_s=args.stage_timeout)
    if stages.get("detect", {}).get("rc") == 0:
        print(f"[{label}] app queries ...", flush=True)
        r = run_stage([sys.executable, __file__, "--app-child", str(ws), "--rings", str(args.rings)],
                      logs / f"app-{label}.log", env)
        stages["app"] = r
        if r["rc"] == 0:
            a = json.loads(r["out"].strip().splitlines()[-1])
            r.update(warm_s=a["warm_s"], ring_first=_summary(a["ring_first_s"]), ring_again=_summary(a["ring_again_s"]),
                     hop2=_summary(a["hop2_s"]), rings_opened=a["rings"])
        if args.browser and _browser_ready():
            print(f"[{label}] browser ...", flush=True)
            r = run_stage([sys.executable, "-u", str(ROOT / "bench" / "bench_app.py"), "--reuse", str(ws),
                           "--rings", str(args.rings)], logs / f"browser-{label}.log", env)
            m = re.search(r"ring page ready: median ([\d.]+) s, max ([\d.]+) s", r["out"])
            if m:
                r["ring_ready"] = {"p50_s": float(m.group(1)), "max_s": float(m.group(2))}
            m = re.search(r"ring \S+: .*ready in ([\d.]+) s", r["out"])
            if m:
                r["first_ring_s"] = float(m.group(1))
            stages["browser"] = r
    if args.day and stages.get("detect", {}).get("rc") == 0:
        stages.update(day_stages(city, ws, work, label, rt, env))
    for s in stages.values():
        out = s.pop("out", None)
        if s.get("rc") not in (0, None) and out:
            s["error_tail"] = out[-2000:]
    result = {"size": label, "claims": n, "patients": int(truth["patients"]), "stages": stages,
              "end_to_end": end_to_end(stages), "next_day": day_ratio(stages)}
    if not args.keep:
        shutil.rmtree(ws, ignore_errors=True)
        if not args.reuse_cities:
            shutil.rmtree(city, ignore_errors=True)
    return result


def day_stages(city: Path, ws: Path, work: Path, label: str, rt: list[str], env: dict) -> dict:
    """The next day on ``ws`` (see :func:`next_day_file`): ``ringtrace ingest DAY.csv``, then ``detect``.

    The day after the workspace's last: a workspace of one batch (the city-year) gets day 1, one
    that has had n days gets day n + 1 (``--day-only`` on kept workspaces)."""
    logs = work / "logs"
    from ingest.analytic import batches
    from ringtrace.workspace import Workspace

    day, n_day = next_day_file(city, work / f"day-{label}", nth=max(1, len(batches(Workspace(ws)))))
    print(f"[{label}] next day: ingest {n_day:,} claims, detect ...", flush=True)
    out = {}
    r = run_stage(rt + ["--home", str(ws), "ingest", str(day), "--json", "--no-progress"],
                  logs / f"day-ingest-{label}.log", env)
    m = re.search(r"^\{.*\}\s*\Z", r["out"], re.S | re.M)
    if r["rc"] == 0 and m:
        r["seconds"] = json.loads(m.group(0)).get("seconds")
    r["claims"] = n_day
    out["day.ingest"] = r
    r = run_stage(rt + ["--home", str(ws), "detect", "--top", "0"], logs / f"day-detect-{label}.log", env)
    m = re.search(r"^(增量计算.*)$", r["out"], re.M)  # the line saying it ran as an increment, and on what
    r["increment"] = m.group(1) if m else None
    out["day.detect"] = r
    for s in out.values():
        text = s.pop("out", None)
        if s.get("rc") not in (0, None) and text:
            s["error_tail"] = text[-2000:]
    return out


# --- table and plot ---------------------------------------------------------------------------
_ROWS = [("synth", "synth"), ("ingest", "ingest (all)"), ("ingest.analytic", "  analytic copy"),
         ("ingest.graph", "  graph load"), ("detect", "detect")]


def format_table(doc: dict) -> str:
    """The table the README carries: stages × sizes, seconds / peak GiB / claims per second.

    >>> doc = {"machine": {"cores": 2, "memory_gib": 23.4, "cpu": "X", "python": "3.11.7",
    ...        "load_avg": [1, 1, 1]}, "load_avg_end": [2, 2, 2],
    ...        "runs": [{"size": "1m", "claims": 1_000_000, "patients": 200_000,
    ...                  "stages": {"detect": {"wall_s": 20.0, "cpu_s": 18.2, "peak_gib": 1.5, "rc": 0}},
    ...                  "end_to_end": None}]}
    >>> print(format_table(doc).splitlines()[-5])
    | detect | 20.0 s (18 s CPU), 1.50 GiB, 50,000/s |
    """
    m = doc["machine"]
    runs = doc["runs"]
    head = (f"machine: {m['cores']} cores, {m['memory_gib']} GiB, {m['cpu']}, Python {m['python']}; "
            f"load average {m['load_avg'][0]:.1f} at start, {doc.get('load_avg_end', [float('nan')])[0]:.1f} at end")
    lines = [head, "",
             "| stage | " + " | ".join(f"{r['size']}: {r['claims']:,} claims, {r['patients']:,} people" for r in runs) + " |",
             "|---|" + "---|" * len(runs)]

    def cell(s: dict | None, n: int) -> str:
        if not s:
            return "—"
        if s.get("reused") and "wall_s" not in s:
            return "reused (not timed)"
        if s.get("rc") not in (0, None):
            why = (f", stopped over {s['stopped_over_gib']:g} GiB" if s.get("stopped_over_gib") else
                   f", not done in {s['stopped_after_s']:g} s" if s.get("stopped_after_s") else "")
            when = " (earlier run)" if s.get("earlier_run") else ""
            return f"FAILED (exit {s['rc']}{why}) after {s['wall_s']:.0f} s, {s.get('peak_gib', 0):.2f} GiB{when}"
        txt = f"{s['wall_s']:.1f} s"
        if s.get("cpu_s"):  # on a shared machine CPU seconds say more than wall seconds
            txt += f" ({s['cpu_s']:.0f} s CPU)"
        if "peak_gib" in s:
            txt += f", {s['peak_gib']:.2f} GiB"
        txt += f", {n / max(s['wall_s'], 1e-9):,.0f}/s"
        return txt + (" (when the city was made)" if s.get("reused") else "") + \
            (" (earlier run)" if s.get("earlier_run") else "")

    for key, name in _ROWS:
        lines.append(f"| {name} | " + " | ".join(cell(r["stages"].get(key), r["claims"]) for r in runs) + " |")

    def e2e(r):
        e = r["end_to_end"]
        if not e:
            return "—"
        ok = "within" if e["within_budget"] else "OVER"
        return f"**{e['wall_s']:.0f} s, {e['peak_gib']:.2f} GiB** ({ok} {BUDGET_S // 60} min / {BUDGET_GIB:g} GiB)"

    lines.append("| synth+ingest+detect | " + " | ".join(e2e(r) for r in runs) + " |")

    def app(r):
        a = r["stages"].get("app")
        if not a or a.get("rc") != 0:
            return "—" if not a else f"FAILED (exit {a['rc']})"
        f, g, h = a.get("ring_first") or {}, a.get("ring_again") or {}, a.get("hop2") or {}
        return (f"warm-up {a['warm_s']:.1f} s; ring first open p50 {f.get('p50_s', 0):.2f} / max {f.get('max_s', 0):.2f} s, "
                f"again {g.get('p50_s', 0):.3f} s; 2-hop p50 {h.get('p50_s', 0):.2f} s; {a['peak_gib']:.2f} GiB")

    lines.append("| app (ring page data) | " + " | ".join(app(r) for r in runs) + " |")

    def browser(r):
        b = r["stages"].get("browser")
        if not b:
            return "—"
        if b.get("rc") != 0 or "ring_ready" not in b:
            return f"FAILED (exit {b.get('rc')})"
        return (f"first ring {b.get('first_ring_s', float('nan')):.2f} s; ring ready p50 {b['ring_ready']['p50_s']:.2f} / "
                f"max {b['ring_ready']['max_s']:.2f} s")

    lines.append("| browser (bench_app) | " + " | ".join(browser(r) for r in runs) + " |")

    def day(r, key):
        d = r["stages"].get(key)
        if not d:
            return "—"
        if d.get("rc") != 0:
            return f"FAILED (exit {d.get('rc')})"
        txt = f"{d['wall_s']:.1f} s, {d.get('peak_gib', 0):.2f} GiB"
        if key == "day.ingest":
            secs = d.get("seconds") or {}
            txt = f"{d.get('claims', 0):,} claims: " + txt + (
                f" (analytic {secs['analytic']:.1f} s, graph {secs['graph']:.1f} s)" if secs else "")
        elif not d.get("increment"):
            txt += " (ran in full)"
        return txt

    if any(r["stages"].get("day.ingest") for r in runs):
        lines.append("| next day: ingest | " + " | ".join(day(r, "day.ingest") for r in runs) + " |")
        lines.append("| next day: detect (increment) | " + " | ".join(day(r, "day.detect") for r in runs) + " |")
        lines.append("| next day / full ingest+detect | " + " | ".join(
            (f"**{r['next_day']['ratio']:.2f}** ({r['next_day']['day_s']:.0f} s / {r['next_day']['full_s']:.0f} s)"
             if r.get("next_day") else "—") for r in runs) + " |")
    lines.append("| load average after | " + " | ".join(
        f"{r['load_avg_after'][0]:.1f}" if r.get("load_avg_after") else "—" for r in runs) + " |")
    return "\n".join(lines)


def plot(doc: dict, path: Path) -> None:
    """Log-log: seconds against claims, one line per stage, the 15-minute budget marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = [r for r in doc["runs"]]
    fig, ax = plt.subplots(figsize=(10, 5.4), dpi=120)
    series = [(k, n) for k, n in _ROWS] + [("end_to_end", "synth+ingest+detect")]
    for key, name in series:
        pts = []
        for r in runs:
            s = r["end_to_end"] if key == "end_to_end" else r["stages"].get(key)
            if s and s.get("rc", 0) == 0 and "wall_s" in s:
                pts.append((r["claims"], s["wall_s"]))
        if pts:
            xs, ys = zip(*pts)
            style = dict(lw=2.6, color="black") if key == "end_to_end" else dict(lw=1.5)
            ax.plot(xs, ys, marker="o", label=name.strip(), **style)
    failed = [(r["claims"], s["wall_s"], name.strip(), s) for r in runs for key, name in _ROWS
              if (s := r["stages"].get(key)) and s.get("rc") not in (0, None) and "wall_s" in s]
    for x, y, name, s in failed:  # a stage that failed is drawn where it stopped, and says why
        ax.plot([x], [y], marker="x", ms=11, mew=2.5, color="crimson", ls="none")
        why = (f"stopped over {s['stopped_over_gib']:g} GiB" if s.get("stopped_over_gib") else
               f"not done in {s['stopped_after_s']:g} s" if s.get("stopped_after_s") else f"exit {s['rc']}")
        ax.annotate(f"{name} failed: {why}", (x, y), textcoords="offset points", xytext=(-10, -16), ha="right",
                    fontsize=7.5, color="crimson")
    app_pts = [(r["claims"], r["stages"]["app"]["ring_first"]["max_s"]) for r in runs
               if r["stages"].get("app", {}).get("ring_first")]
    if app_pts:
        xs, ys = zip(*app_pts)
        ax.plot(xs, ys, marker="s", ls="--", label="app: open a ring (max)")
    browser_pts = [(r["claims"], r["stages"]["browser"]["ring_ready"]["max_s"]) for r in runs
                   if r["stages"].get("browser", {}).get("ring_ready")]
    if browser_pts:
        xs, ys = zip(*browser_pts)
        ax.plot(xs, ys, marker="^", ls="--", label="browser: ring page ready (max)")
    left = min(r["claims"] for r in runs)
    ax.axhline(BUDGET_S, color="crimson", ls=":", lw=1.5)
    ax.text(left, BUDGET_S * 1.08, "15-minute budget (synth+ingest+detect)", color="crimson", fontsize=8)
    ax.axhline(APP_BUDGET_S, color="darkorange", ls=":", lw=1.2)
    ax.text(left, APP_BUDGET_S * 1.08, "2-second budget (open a ring)", color="darkorange", fontsize=8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("claims")
    ax.set_ylabel("wall seconds")
    m = doc["machine"]
    ax.set_title(f"ringtrace at scale — {m['cores']} cores, {m['memory_gib']} GiB, {m['cpu']}, Python {m['python']}\n"
                 f"load average {m['load_avg'][0]:.1f} at start (shared machine: wall times are upper bounds)", fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7.5, loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".tmp.png")
    fig.savefig(tmp)
    plt.close(fig)
    os.replace(tmp, path)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 epilog="See the module docstring for what each stage measures.")
    ap.add_argument("--sizes", default="1m,5m,15m", help="claims per city, comma-separated (default 1m,5m,15m)")
    ap.add_argument("--reuse-cities", metavar="DIR", help="use DIR/city-<size> (synth outputs) instead of synthesising")
    ap.add_argument("--keep", metavar="DIR", help="work folder to keep (cities, workspaces, logs); default a temporary one")
    ap.add_argument("--claims-per-patient", type=float, default=5.0, help="claims per person-year (default 5)")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--format", default="csv", choices=("csv", "parquet"),
                    help="the claims files synth writes and ingest reads (default csv; parquet as a data platform exports)")
    ap.add_argument("--rings", type=int, default=5, help="rings to open in the app stages (default 5)")
    ap.add_argument("--max-gib", type=float, default=14.0,
                    help="stop an ingest or detect stage holding more than this (default 14; the machine is shared)")
    ap.add_argument("--stage-timeout", type=float, default=None, metavar="S",
                    help="stop an ingest or detect stage still running after S seconds (recorded as not done)")
    ap.add_argument("--merge", action="store_true",
                    help="keep the other sizes already in OUT/scale.json (a size measured again replaces its row)")
    ap.add_argument("--skip-ingest", action="store_true",
                    help="with --keep and --merge: where KEEP/ws-<size> holds a committed analytic copy, keep the "
                         "ingest figures scale.json has for that size and measure detect and the app only")
    ap.add_argument("--no-browser", dest="browser", action="store_false", help="skip bench_app.py in Chromium")
    ap.add_argument("--no-day", dest="day", action="store_false",
                    help="skip the next day's ingest and detect (an increment) on each workspace")
    ap.add_argument("--day-only", action="store_true",
                    help="with --keep and --merge: only the next day on each KEEP/ws-<size> an earlier run left, "
                         "its figures put into that size's row of scale.json")
    ap.add_argument("--out", default=str(ROOT / "docs" / "bench"), help="where scale.json and scale.png go")
    ap.add_argument("--app-child", metavar="WS", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.app_child:
        print(json.dumps(app_child(args.app_child, args.rings)))
        return 0
    try:
        sizes = parse_sizes(args.sizes)
    except ValueError as e:
        ap.error(str(e))
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    doc = {"machine": machine(), "started": time.strftime("%Y-%m-%d %H:%M:%S %z"),
           "settings": {"claims_per_patient": args.claims_per_patient, "seed": args.seed, "rings": args.rings,
                        "format": "reused cities" if args.reuse_cities else args.format,
                        "store": "neo4j" if os.environ.get("NEO4J_URI") else "ladybug"},
           "budget": {"seconds": BUDGET_S, "peak_gib": BUDGET_GIB}, "runs": []}
    out = Path(args.out)
    kept = []
    args.earlier = {}
    if args.skip_ingest and not (args.keep and args.merge):
        ap.error("--skip-ingest needs --keep (where the workspaces are) and --merge (where their ingest figures are)")
    if args.merge and (out / "scale.json").exists():
        old = json.loads((out / "scale.json").read_text(encoding="utf-8"))
        args.earlier = {r["size"]: r for r in old.get("runs", [])}
        kept = [r for r in old.get("runs", []) if r["size"] not in {size_label(n) for n in sizes}]
        if old.get("machine"):
            doc["machine_earlier"] = old["machine"]  # the load may differ between the runs
    if args.day_only:
        if not (args.keep and args.merge):
            ap.error("--day-only needs --keep (where the workspaces are) and --merge (where their figures are)")
        rt = [shutil.which("ringtrace") or sys.exit("bench_scale: the ringtrace command is not on PATH")]
        for n in sizes:
            label = size_label(n)
            run, ws = args.earlier.get(label), work / f"ws-{label}"
            city = Path(args.reuse_cities) / f"city-{label}" if args.reuse_cities else work / f"city-{label}"
            if run is None or not ws.exists() or not city.exists():
                ap.error(f"--day-only: no earlier {label} run with its workspace and city under {work}")
            run["stages"].update(day_stages(city, ws, work, label, rt, dict(os.environ, CI="true")))
            run["next_day"] = day_ratio(run["stages"])
        # the earlier run's document, with the day's figures and when and where they were taken
        earlier = json.loads((out / "scale.json").read_text(encoding="utf-8"))
        earlier["runs"] = sorted(args.earlier.values(), key=lambda r: r["claims"])
        earlier["next_day_run"] = {"started": doc["started"], "machine": doc["machine"],
                                   "load_avg_end": [round(x, 2) for x in os.getloadavg()]}
        (out / "scale.json").write_text(json.dumps(earlier, ensure_ascii=False, indent=1), encoding="utf-8")
        print(format_table(earlier), flush=True)
        return 0
    try:
        for n in sizes:
            run = bench_size(n, args, work)
            run["load_avg_after"] = [round(x, 2) for x in os.getloadavg()]
            by_size = {r["size"]: r for r in kept + doc["runs"] + [run]}  # later wins
            doc["runs"] = sorted(by_size.values(), key=lambda r: r["claims"])
            doc["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
            out.mkdir(parents=True, exist_ok=True)  # written after each size: a long run shows progress
            (out / "scale.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
            print(format_table(doc), flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if doc["runs"]:
        plot(doc, out / "scale.png")
        print(f"\nwrote {out / 'scale.json'} and {out / 'scale.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
