from __future__ import annotations

import argparse

import pytest

from app.launch import APP_SCRIPT, app_env, configure, start, streamlit_command
from ringtrace.errors import WorkspaceError
from ringtrace.workspace import Workspace


def _opt(cmd, name):
    return cmd[cmd.index(name) + 1]


def test_command_binds_loopback_headless_without_usage_stats(tmp_path):
    cmd = streamlit_command(Workspace(tmp_path), port=8765)
    assert cmd[4] == str(APP_SCRIPT) and APP_SCRIPT.exists()
    assert _opt(cmd, "--server.address") == "127.0.0.1"
    assert _opt(cmd, "--server.port") == "8765"
    assert _opt(cmd, "--server.headless") == "true"
    assert _opt(cmd, "--browser.gatherUsageStats") == "false"


def test_host_is_passed_when_asked(tmp_path):
    assert _opt(streamlit_command(Workspace(tmp_path), host="0.0.0.0"), "--server.address") == "0.0.0.0"


def test_bad_port_is_a_clear_error(tmp_path):
    with pytest.raises(WorkspaceError, match="not a valid TCP port"):
        streamlit_command(Workspace(tmp_path), port=70000)


def test_workspace_travels_in_the_environment(tmp_path):
    env = app_env(Workspace(tmp_path / "ws"))
    assert env["RINGTRACE_HOME"] == str((tmp_path / "ws").resolve())
    assert env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] == "false"


def test_missing_workspace_is_refused_before_starting(tmp_path):
    with pytest.raises(WorkspaceError, match="does not exist"):
        start(Workspace(tmp_path / "nope"))


def test_cli_defaults():
    p = argparse.ArgumentParser()
    configure(p)
    args = p.parse_args([])
    assert (args.port, args.host) == (8501, "127.0.0.1")
    assert p.parse_args(["--port", "9000", "--host", "0.0.0.0"]).port == 9000


@pytest.mark.slow
def test_ringtrace_app_serves_on_loopback_and_stops_with_its_parent(tmp_path):
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from app.launch import free_port

    ws = Workspace(tmp_path / "ws").ensure()
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "ringtrace.cli", "--home", str(ws.root), "app", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "the app did not start"
                time.sleep(0.3)
        proc.send_signal(signal.SIGTERM)  # to ringtrace only, not its process group
        proc.wait(timeout=20)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) != 0:
                    break
            time.sleep(0.3)
        else:
            pytest.fail("the Streamlit server outlived ringtrace app")
    finally:
        if proc.poll() is None:
            proc.kill()
