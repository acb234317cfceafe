"""The pure parts of ``bench/bench_scale.py``: sizes, the table, the end-to-end verdict, the plot
file and the stage runner's peak memory (a real child process)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[2] / "bench" / "bench_scale.py"
_spec = importlib.util.spec_from_file_location("bench_scale", _PATH)
bs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bs)


def _doc(e2e_detect_s=30.0, detect_rc=0):
    def run(size, n, detect_s):
        stages = {"synth": {"wall_s": n / 1e5, "peak_gib": 0.5, "rc": 0},
                  "ingest": {"wall_s": n / 5e4, "peak_gib": 1.0, "rc": 0},
                  "ingest.analytic": {"wall_s": n / 1e5, "rc": 0}, "ingest.graph": {"wall_s": n / 1e5, "rc": 0},
                  "detect": {"wall_s": detect_s, "peak_gib": 2.0, "rc": detect_rc},
                  "app": {"wall_s": 5, "peak_gib": 1.2, "rc": 0, "warm_s": 2.0,
                          "ring_first": {"p50_s": 0.3, "max_s": 0.5, "n": 5},
                          "ring_again": {"p50_s": 0.01, "max_s": 0.02, "n": 5},
                          "hop2": {"p50_s": 0.2, "max_s": 0.3, "n": 5}}}
        return {"size": size, "claims": n, "patients": n // 5, "stages": stages, "end_to_end": bs.end_to_end(stages)}

    return {"machine": {"cores": 2, "memory_gib": 23.5, "cpu": "Test CPU", "python": "3.11.7", "load_avg": [1.0, 1, 1]},
            "load_avg_end": [2.0, 2, 2],
            "runs": [run("1m", 1_000_000, e2e_detect_s), run("5m", 5_000_000, e2e_detect_s * 5)]}


def test_sizes_parse_sort_and_refuse_nonsense():
    assert bs.parse_sizes("15m,1m,5m") == [1_000_000, 5_000_000, 15_000_000]
    assert bs.parse_sizes("1m,1000k") == [1_000_000]
    for bad in ("", "abc", "1g", "-1m", "9k"):
        with pytest.raises(ValueError):
            bs.parse_sizes(bad)
    assert [bs.size_label(n) for n in bs.parse_sizes("1m,5m,15m")] == ["1m", "5m", "15m"]


def test_end_to_end_against_the_budget():
    ok = _doc()["runs"][1]["end_to_end"]
    assert ok == {"wall_s": 50 + 100 + 150, "peak_gib": 2.0, "within_budget": True}
    slow = _doc(e2e_detect_s=200)["runs"][1]["end_to_end"]
    assert slow["wall_s"] > bs.BUDGET_S and not slow["within_budget"]
    heavy = {s: {"wall_s": 1, "peak_gib": 13.0, "rc": 0} for s in bs.E2E_STAGES}
    assert not bs.end_to_end(heavy)["within_budget"]
    # a failed stage leaves no end-to-end figure rather than a flattering one
    assert _doc(detect_rc=137)["runs"][0]["end_to_end"] is None


def test_table_names_the_machine_and_every_stage():
    text = bs.format_table(_doc())
    assert "2 cores, 23.5 GiB, Test CPU, Python 3.11.7" in text and "load average 1.0 at start, 2.0 at end" in text
    for name in ("synth", "analytic copy", "graph load", "detect", "synth+ingest+detect", "app (ring page data)"):
        assert name in text
    assert "1m: 1,000,000 claims, 200,000 people" in text
    assert "| detect | 30.0 s, 2.00 GiB, 33,333/s | 150.0 s, 2.00 GiB, 33,333/s |" in text
    failed = bs.format_table(_doc(detect_rc=137))
    assert "FAILED (exit 137)" in failed and "within" not in failed


def test_table_shows_the_next_day_against_the_full_run():
    doc = _doc()
    run = doc["runs"][0]
    run["stages"]["day.ingest"] = {"wall_s": 4.0, "peak_gib": 0.5, "rc": 0, "claims": 3_300,
                                   "seconds": {"analytic": 0.4, "graph": 2.5}}
    run["stages"]["day.detect"] = {"wall_s": 6.0, "peak_gib": 0.6, "rc": 0, "increment": "增量计算:…"}
    run["next_day"] = bs.day_ratio(run["stages"])
    doc["runs"][1]["stages"]["day.detect"] = {"wall_s": 50.0, "peak_gib": 2.0, "rc": 0, "increment": None}
    text = bs.format_table(doc)
    assert "| next day: ingest | 3,300 claims: 4.0 s, 0.50 GiB (analytic 0.4 s, graph 2.5 s) | — |" in text
    assert "| next day: detect (increment) | 6.0 s, 0.60 GiB | 50.0 s, 2.00 GiB (ran in full) |" in text
    assert "| next day / full ingest+detect | **0.20** (10 s / 50 s) | — |" in text
    assert "next day" not in bs.format_table(_doc())  # no rows when no run measured one


def test_plot_writes_a_png(tmp_path):
    out = tmp_path / "docs" / "scale.png"
    bs.plot(_doc(), out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(out.parent.glob("*.tmp.png"))


def _touch(mib: int) -> str:
    return f"x = bytearray({mib} * 2**20); x[::4096] = b'1' * len(x[::4096])"


def test_stage_runner_reports_failure_and_peak(tmp_path):
    # this test process is large (pytest, pandas): the children's peaks must not include it
    two = bs.run_stage([sys.executable, "-c", _touch(200)], tmp_path / "a.log")
    four = bs.run_stage([sys.executable, "-c", _touch(400)], tmp_path / "b.log")
    assert two["rc"] == four["rc"] == 0
    assert 0.19 <= two["peak_gib"] < 0.3 and four["peak_gib"] - two["peak_gib"] > 0.15  # 200 MiB = 0.195 GiB
    # a grandchild's peak counts: the stage's memory includes what it spawned
    nested = bs.run_stage([sys.executable, "-c", "import subprocess, sys; subprocess.run([sys.executable, '-c', "
                           f"{_touch(400)!r}])"], tmp_path / "c.log")
    assert nested["peak_gib"] - two["peak_gib"] > 0.15
    bad = bs.run_stage([sys.executable, "-c", "import sys; print('boom'); sys.exit(3)"], tmp_path / "d.log")
    assert bad["rc"] == 3 and "boom" in bad["out"]


def test_stage_over_its_memory_limit_is_stopped(tmp_path):
    grow = ("import time\nparts = []\nfor _ in range(60):\n    b = bytearray(20 * 2**20); b[::4096] = b'1' * len(b[::4096])\n"
            "    parts.append(b); time.sleep(0.1)\nprint('survived')")
    r = bs.run_stage([sys.executable, "-c", grow], tmp_path / "g.log", limit_gib=0.3)
    assert r["rc"] != 0 and r["stopped_over_gib"] == 0.3 and "survived" not in r["out"]
    assert "FAILED" in bs.format_table({"machine": {"cores": 1, "memory_gib": 1, "cpu": "c", "python": "3",
                                                     "load_avg": [0, 0, 0]},
                                        "runs": [{"size": "1m", "claims": 10**6, "patients": 1, "end_to_end": None,
                                                  "stages": {"detect": r}}]})


def test_stage_over_its_time_limit_is_stopped(tmp_path):
    r = bs.run_stage([sys.executable, "-c", "import time; time.sleep(30); print('survived')"], tmp_path / "t.log",
                     limit_s=1.5)
    assert r["rc"] != 0 and r["stopped_after_s"] == 1.5 and r["wall_s"] < 20 and "survived" not in r["out"]
