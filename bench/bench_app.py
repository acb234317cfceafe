"""How fast the app answers in a real browser: ring page ready, and one neighbourhood expansion.

Builds a synthetic workspace through the public APIs (synth → ingest → graph sync → detect),
starts the app as ``ringtrace app`` does, drives Debian's chromium with Playwright (offline:
only loopback requests are let through) and prints the figures. Nothing is asserted.

    python bench/bench_app.py --patients 40000          # about 1M claims
    python bench/bench_app.py --reuse /tmp/ws            # time an existing workspace
    python bench/bench_app.py --patients 42000 --keep /tmp/app2ws   # build once, keep it

"ring page ready" is measured from clicking a ring's link in the queue to the network canvas
drawn and frozen with the page idle (first view of each ring, so nothing is cached for it);
"expansion" from choosing 2 hops on an entity page to the new network drawn.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ringtrace.workspace import Workspace  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
USER, PASSWORD = "bench", "bench-password-1"


def build(root: Path, patients: int, seed: int) -> Workspace:
    from access.users import add_user
    from graph.detect import pipeline
    from graph.store.sync import sync_graph
    from ingest.api import ingest_paths
    from ingest.synth import generate

    ws = Workspace(root / "ws").ensure()
    steps = []
    t = time.perf_counter()
    generate(root / "city", patients=patients, seed=seed)
    steps.append(("synth", time.perf_counter() - t))
    t = time.perf_counter()
    ingest_paths(ws, [root / "city" / "input"], progress=False)
    steps.append(("ingest", time.perf_counter() - t))
    t = time.perf_counter()
    sync_graph(ws)
    steps.append(("graph sync", time.perf_counter() - t))
    t = time.perf_counter()
    pipeline.run(ws)
    steps.append(("detect", time.perf_counter() - t))
    add_user(ws, USER, "investigator", PASSWORD)
    print("build: " + ", ".join(f"{name} {s:.1f} s" for name, s in steps))
    return ws


def _idle(page) -> None:
    page.wait_for_timeout(150)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="detached", timeout=120_000)


def _net_body(page):
    # frame_locator, not page.frames: srcdoc frames are not always listed there
    return page.frame_locator("iframe[data-testid='stIFrame']").first.locator("body")


def _drawn_new(page, old_graph: str | None, timeout_s: float = 180.0) -> str:
    """Wait until the network frame shows a settled drawing other than ``old_graph``; its id."""
    deadline = time.monotonic() + timeout_s
    last_error = None
    while time.monotonic() < deadline:
        try:
            graph = _net_body(page).evaluate(
                "b => (b.querySelector('#mynetwork canvas') && b.dataset.stabilized === '1') ? b.dataset.graph : null",
                timeout=2000,
            )
        except Exception as e:  # the frame is being replaced
            last_error, graph = e, None
        if graph and graph != old_graph:
            return graph
        time.sleep(0.02)
    page.screenshot(path="/tmp/bench_fail.png", full_page=True)
    raise TimeoutError(f"the network did not draw in time (last error: {last_error})")


def measure(base: str, ws: Workspace, rings: int) -> dict:
    from graph.detect.ring import read_rings_json
    from playwright.sync_api import sync_playwright

    all_rings = read_rings_json(ws.rings_json)
    chosen = all_rings[:rings]
    blocked: list[str] = []
    out: dict[str, list[float]] = {"ring": [], "expand": [], "login": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=ARGS)
        ctx = browser.new_context(viewport={"width": 1400, "height": 960}, locale="zh-CN")

        def route(r):
            u = urlparse(r.request.url)
            if u.scheme in ("data", "blob", "about") or u.hostname in ("127.0.0.1", "localhost"):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        ctx.route("**/*", route)
        page = ctx.new_page()
        page.set_default_timeout(120_000)
        t = time.perf_counter()
        page.goto(base + "/")
        page.get_by_label("用户名").fill(USER)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.get_by_role("heading", name="疑似团伙队列").wait_for()
        _idle(page)
        out["login"].append(time.perf_counter() - t)

        for i, ring in enumerate(chosen):
            page.get_by_role("link", name=ring.ring_id, exact=True).first.click()
            t = time.perf_counter()
            page.get_by_role("heading", name=re.compile(f"团伙 {ring.ring_id}")).wait_for()
            t_head = time.perf_counter() - t
            ring_graph = _drawn_new(page, None)
            t_drawn = time.perf_counter() - t
            _idle(page)
            out["ring"].append(time.perf_counter() - t)
            print(f"  ring {ring.ring_id}: {len(ring.claim_ids):,} claims, "
                  f"{sum(len(v) for v in ring.members.values())} members: ready in {out['ring'][-1]:.2f} s"
                  f" (title {t_head:.2f} s, network drawn {t_drawn:.2f} s)")

            # one expansion: open a member person's page (a hub with more neighbours than the node
            # cap would look the same at 2 hops), then ask for 2 hops
            person = page.locator("a[href*='entity?type=patient'], a[href*='entity?type=card']")
            (person if person.count() else page.locator("a[href*='entity?type=']")).first.click()
            page.get_by_role("heading", name=re.compile("定点机构|参保人|医保卡|医师")).wait_for()
            one_hop = _drawn_new(page, ring_graph)  # not the ring's drawing still on screen
            _idle(page)
            page.locator("button").filter(has_text=re.compile(r"^\s*2\s*$")).first.click()
            t = time.perf_counter()
            _drawn_new(page, one_hop)
            t_drawn = time.perf_counter() - t
            _idle(page)
            out["expand"].append(time.perf_counter() - t)
            print(f"    expansion to 2 hops: {out['expand'][-1]:.2f} s (network drawn {t_drawn:.2f} s)")
            page.get_by_role("link", name="团伙队列").first.click()
            page.get_by_role("heading", name="疑似团伙队列").wait_for()
            _idle(page)
        browser.close()
    if blocked:
        print(f"WARNING: requests left the machine: {blocked[:5]}")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--patients", type=int, default=5000, help="synthetic city size (40000 ≈ 1M claims)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--rings", type=int, default=5, help="how many rings to open (default 5)")
    ap.add_argument("--reuse", metavar="WS", help="time an existing workspace instead of building one")
    ap.add_argument("--keep", metavar="DIR", help="build into DIR and keep it (then time it with --reuse DIR/ws)")
    ap.add_argument("--build-only", action="store_true", help="with --keep: build the workspace, time nothing")
    args = ap.parse_args(argv)

    from app.launch import serving
    from ingest.analytic import counts

    tmp = None
    if args.reuse:
        ws = Workspace(args.reuse)
        from access.users import add_user

        add_user(ws, USER, "investigator", PASSWORD)
    elif args.keep:
        keep = Path(args.keep)
        if keep.exists() and any(keep.iterdir()):
            ap.error(f"--keep {keep}: the folder is not empty; time what is there with --reuse {keep / 'ws'}")
        keep.mkdir(parents=True, exist_ok=True)
        ws = build(keep, args.patients, args.seed)
        print(f"kept: time it again with --reuse {ws.root}")
        if args.build_only:
            return 0
    else:
        tmp = Path(tempfile.mkdtemp(prefix="bench-app-"))
        ws = build(tmp, args.patients, args.seed)
    c = counts(ws)
    print(f"workspace: {c['claims']:,} claims, {c['patients']:,} patients, {c['institutions']:,} institutions")

    try:
        with serving(ws) as url:
            out = measure(url, ws, args.rings)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)

    def fmt(xs):
        return f"median {statistics.median(xs):.2f} s, max {max(xs):.2f} s (n={len(xs)})" if xs else "n/a"

    print(f"login to queue: {fmt(out['login'])}")
    print(f"ring page ready: {fmt(out['ring'])}")
    print(f"one expansion (1 → 2 hops): {fmt(out['expand'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
