"""A real Bolt server for tests and benchmarks: ArcadeDB with its Bolt plugin, in a child process.

ArcadeDB (``arcadedb-embedded`` on PyPI) bundles a Java runtime and speaks Bolt + Cypher, so the
Bolt store and its contract tests run against a real server without installing Neo4j. The JVM
runs in a child process so it never shares the test process (and its signals, memory and
threads); both ports bind to 127.0.0.1 and are picked free at run time.

Use::

    with ArcadeBoltServer(tmp_dir) as srv:
        store = BoltStore(srv.uri, auth=srv.auth, database=srv.database)

Running this module starts one server in the foreground until SIGTERM (the child's entry point).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["ArcadeBoltServer", "free_port"]

DATABASE = "ringtrace"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


class ArcadeBoltServer:
    """Start ArcadeDB with Bolt on loopback in a child process; stop it on exit.

    Parameters
    ----------
    root : folder for the server's databases (created if missing).
    startup_timeout : seconds to wait for the Bolt port before giving up.
    """

    def __init__(self, root: str | os.PathLike, startup_timeout: float = 120.0):
        self.root = Path(root)
        self.startup_timeout = startup_timeout
        self.password = secrets.token_urlsafe(12)  # ArcadeDB wants >= 8 characters
        self.http_port = free_port()
        self.bolt_port = free_port()
        self.database = DATABASE
        self.proc: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def auth(self) -> tuple[str, str]:
        return ("root", self.password)

    def start(self) -> "ArcadeBoltServer":
        self.root.mkdir(parents=True, exist_ok=True)
        spec = json.dumps({"root": str(self.root), "password": self.password,
                           "http_port": self.http_port, "bolt_port": self.bolt_port})
        log = open(self.root / "server.log", "ab")
        # The spec (with the password) goes through the environment, not argv, so `ps` does not show it.
        env = dict(os.environ, RINGTRACE_ARCADE_SPEC=spec)
        self.proc = subprocess.Popen([sys.executable, "-m", "graph.store.arcadedb_server"], env=env,
                                     stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + self.startup_timeout
        ready = self.root / "ready"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"ArcadeDB exited with {self.proc.returncode}; see {self.root / 'server.log'}")
            if ready.exists() and _port_open(self.bolt_port):
                return self
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"ArcadeDB did not open Bolt port {self.bolt_port} in {self.startup_timeout:.0f} s; "
                           f"see {self.root / 'server.log'}")

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def __enter__(self) -> "ArcadeBoltServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _serve(spec: dict) -> None:
    """The child: start the server, create the database, wait for SIGTERM."""
    import arcadedb_embedded as arcade

    server = arcade.ArcadeDBServer(
        root_path=spec["root"] + "/databases",
        root_password=spec["password"],
        config={
            "host": "127.0.0.1",
            "http_port": spec["http_port"],
            "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "bolt_port": spec["bolt_port"],
        },
    )
    stopping = False

    def on_term(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    server.start()
    try:
        server.create_database(DATABASE)
    except Exception:  # already there from an earlier run on the same root
        pass
    Path(spec["root"], "ready").write_text("ok")
    while not stopping:
        time.sleep(0.2)
    server.stop()


if __name__ == "__main__":
    _serve(json.loads(os.environ["RINGTRACE_ARCADE_SPEC"]))
