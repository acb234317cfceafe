"""One shared SparkSession, built from the ``[spark]`` table of ``ringtrace.toml``.

Starting a JVM costs seconds, so every projection in a run shares one session; :func:`stop` ends
it (and it is stopped at interpreter exit). Defaults suit local mode on a small machine: two
cores, no web UI, the driver bound to 127.0.0.1 (bureau networks are isolated, and nothing
should listen beyond loopback), Arrow for the hand-over. A cluster run sets ``master`` (the
driver then binds where Spark chooses, since executors must reach it) and whatever Spark
settings the cluster needs under ``conf``.

>>> conf = spark_conf({"master": "local[4]", "shuffle_partitions": 4, "conf": {"spark.local.dir": "/scratch"}})
>>> conf["spark.master"], conf["spark.sql.shuffle.partitions"], conf["spark.ui.enabled"], conf["spark.local.dir"]
('local[4]', '4', 'false', '/scratch')
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

from graph.detect.engine import EngineUnavailable

__all__ = ["MIN_JAVA", "spark_conf", "find_java", "check_java", "get_session", "stop"]

MIN_JAVA = 17  # Spark 4 runs on Java 17 or newer
_INSTALL = ("install a Java runtime 17 or newer (Debian/Ubuntu: `apt-get install openjdk-17-jre-headless`) "
            "and put `java` on PATH or set JAVA_HOME, or set projection_engine = \"pandas\" under [detect] "
            "in ringtrace.toml")

# setting name in [spark] -> Spark configuration key
_KEYS = {
    "master": "spark.master",
    "driver_memory": "spark.driver.memory",
    "executor_memory": "spark.executor.memory",
    "shuffle_partitions": "spark.sql.shuffle.partitions",
    "local_dir": "spark.local.dir",
    "app_name": "spark.app.name",
}

_DEFAULTS = {
    "spark.master": "local[2]",
    "spark.app.name": "ringtrace-projection",
    "spark.driver.memory": "2g",
    "spark.sql.shuffle.partitions": "8",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.execution.arrow.pyspark.fallback.enabled": "false",
    "spark.sql.session.timeZone": "UTC",
}

_lock = threading.Lock()
_session = None


def spark_conf(spark: dict | None = None) -> dict[str, str]:
    """Spark configuration from a ``[spark]`` table: named settings, then ``conf`` passed through."""
    spark = dict(spark or {})
    extra = spark.pop("conf", {}) or {}
    unknown = sorted(set(spark) - set(_KEYS))
    if unknown or not isinstance(extra, dict):
        raise EngineUnavailable(
            f"The [spark] settings {', '.join(unknown) or 'conf'} are not understood; use "
            f"{', '.join(sorted(_KEYS))}, and put any other Spark setting in conf = {{ \"spark.key\" = \"value\" }}."
        )
    conf = dict(_DEFAULTS)
    conf.update({_KEYS[k]: str(v) for k, v in spark.items()})
    if not conf["spark.master"].startswith("local"):
        # executors on other machines connect back to the driver: loopback would shut them out;
        # Spark then picks the host's address, or the operator names one under conf
        for key in ("spark.driver.host", "spark.driver.bindAddress"):
            del conf[key]
    conf.update({str(k): str(v) for k, v in extra.items()})
    return conf


def find_java() -> str | None:
    """The java that pyspark will start: ``$JAVA_HOME/bin/java`` when JAVA_HOME is set, else PATH."""
    home = os.environ.get("JAVA_HOME")
    if home:
        exe = Path(home) / "bin" / "java"
        return str(exe) if exe.is_file() and os.access(exe, os.X_OK) else None
    return shutil.which("java")


def check_java() -> int:
    """The Java major version, or :class:`EngineUnavailable` saying what to install."""
    exe = find_java()
    if exe is None:
        where = f"JAVA_HOME={os.environ['JAVA_HOME']} has no bin/java" if os.environ.get("JAVA_HOME") else "no `java` on PATH"
        raise EngineUnavailable(f"The Spark projection engine needs Java, and there is none here ({where}): {_INSTALL}.")
    try:
        out = subprocess.run([exe, "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise EngineUnavailable(f"The Spark projection engine could not run {exe} -version ({e}): {_INSTALL}.") from e
    # `java -version` prints e.g. `openjdk version "17.0.15"` or `java version "1.8.0_392"` on stderr
    found = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    major = (int(found.group(2) or 0) if found.group(1) == "1" else int(found.group(1))) if found else 0
    if major < MIN_JAVA:
        raise EngineUnavailable(
            f"The Spark projection engine needs Java {MIN_JAVA} or newer, and {exe} is "
            f"{'version ' + str(major) if major else 'of unknown version'}: {_INSTALL}."
        )
    return major


def get_session(spark: dict | None = None):
    """The shared SparkSession, started on first use from the ``[spark]`` settings."""
    global _session
    with _lock:
        if _session is not None and _session.sparkContext._jsc is not None:
            return _session
        try:
            from pyspark.sql import SparkSession
        except ImportError as e:
            raise EngineUnavailable(
                "The Spark projection engine needs pyspark: `pip install 'ringtrace[spark]'` (and Java "
                f"{MIN_JAVA} or newer), or set projection_engine = \"pandas\" under [detect] in ringtrace.toml."
            ) from e
        conf = spark_conf(spark)
        check_java()
        if conf["spark.master"].startswith("local"):
            # else Spark looks the host name up and may serve its block manager on another interface
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = SparkSession.builder
        for k, v in conf.items():
            builder = builder.config(k, v)
        _session = builder.getOrCreate()
        _session.sparkContext.setLogLevel("ERROR")
        return _session


def stop() -> None:
    """Stop the shared session (the next :func:`get_session` starts a new one)."""
    global _session
    with _lock:
        if _session is not None:
            _session.stop()
            _session = None


atexit.register(stop)
