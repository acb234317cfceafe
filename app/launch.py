"""``ringtrace app [--port N] [--host H]``: start the Streamlit app on a workspace.

Streamlit runs in a child process (``streamlit run``) with the workspace passed through the
``RINGTRACE_HOME`` environment variable. It binds to 127.0.0.1 unless ``--host`` says
otherwise, runs headless (no browser opened on a server) and never sends usage statistics:
bureau networks are isolated and the tool must not try to reach the internet.

>>> from ringtrace.workspace import Workspace
>>> cmd = streamlit_command(Workspace("/tmp/ws"), port=8600)
>>> cmd[1:4] == ["-m", "streamlit", "run"]
True
>>> cmd[cmd.index("--server.address") + 1], cmd[cmd.index("--server.port") + 1]
('127.0.0.1', '8600')
>>> cmd[cmd.index("--browser.gatherUsageStats") + 1]
'false'
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from ringtrace.errors import WorkspaceError
from ringtrace.workspace import Workspace

__all__ = ["APP_SCRIPT", "configure", "run", "streamlit_command", "app_env", "start", "launch", "free_port", "serving"]

APP_SCRIPT = Path(__file__).with_name("streamlit_app.py")


def configure(p) -> None:
    p.add_argument("--port", type=int, default=8501, help="port to listen on (default 8501)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1: this machine only; 0.0.0.0 opens it to the network)",
    )


def streamlit_command(ws: Workspace, port: int = 8501, host: str = "127.0.0.1") -> list[str]:
    """The ``streamlit run`` command line for the app (the workspace travels in the env)."""
    if not 0 < int(port) < 65536:
        raise WorkspaceError(f"Port {port} is not a valid TCP port; choose one between 1 and 65535.")
    return [
        sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT),
        "--server.port", str(int(port)),
        "--server.address", str(host),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--browser.serverAddress", "localhost" if host in ("127.0.0.1", "localhost") else str(host),
        # No file watcher: the app code does not change under a running bureau install, and
        # watching costs CPU on small machines.
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        "--global.developmentMode", "false",
        "--client.toolbarMode", "minimal",
        "--client.showErrorDetails", "none",
        "--theme.base", "light",
        # Uploads are not used by the app; keep the limit small so nothing large is accepted.
        "--server.maxUploadSize", "20",
    ]


def app_env(ws: Workspace) -> dict[str, str]:
    env = dict(os.environ)
    env["RINGTRACE_HOME"] = str(Path(ws.root).resolve())
    # Belt and braces with the flag above: some Streamlit versions read this variable first.
    env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    return env


def start(ws: Workspace, port: int = 8501, host: str = "127.0.0.1", quiet: bool = False,
          own_group: bool = True) -> subprocess.Popen:
    """Start the app in the background and return its process (tests and benchmarks use this).

    With ``own_group`` the server runs in its own process group, so a Ctrl-C meant for a test
    run does not reach it; the caller stops it with ``terminate()``.
    """
    if not Path(ws.root).is_dir():
        raise WorkspaceError(
            f"The workspace {ws.root} does not exist. Run ringtrace ingest and ringtrace detect "
            f"(or ringtrace demo) first, or point --home / RINGTRACE_HOME at an existing workspace."
        )
    out = subprocess.DEVNULL if quiet else None
    return subprocess.Popen(
        streamlit_command(ws, port, host), env=app_env(ws), stdout=out, stderr=out, start_new_session=own_group
    )


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(ws: Workspace, port: int | None = None, quiet: bool = True, timeout: float = 60.0):
    """The app in the background on 127.0.0.1 until the block ends; yields its base URL.

    Waits for Streamlit's health endpoint (failing at once if the server exits first) and
    always stops the server, killing it if it ignores ``terminate()``. Tests and benchmarks
    use this, so both start the app exactly as ``ringtrace app`` does.
    """
    port = port or free_port()
    proc = start(ws, port=port, host="127.0.0.1", quiet=quiet)
    try:
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{port}/_stcore/health"
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the app exited with status {proc.returncode} before answering")
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the app did not answer on port {port} within {timeout:.0f} s")
            time.sleep(0.3)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def launch(ws: Workspace, port: int = 8501, host: str = "127.0.0.1") -> int:
    """Run the app in the foreground until Ctrl-C or SIGTERM; returns its exit status.

    The server shares the terminal's process group (Ctrl-C reaches it directly), and a
    SIGTERM sent to ``ringtrace`` alone is passed on, so the server is never left behind.
    """
    proc = start(ws, port, host, own_group=False)

    def _stop(signum, _frame):
        proc.send_signal(signal.SIGTERM)

    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)


def run(args, ws: Workspace) -> int:
    print(f"ringtrace app: http://{args.host}:{args.port}/  (workspace {Path(ws.root).resolve()}; Ctrl-C stops)", flush=True)
    return launch(ws, port=args.port, host=args.host)
