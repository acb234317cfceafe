"""One local Spark session for every Spark test (a JVM start costs seconds), stopped at the end.

Outside CI, a machine without pyspark or Java skips these tests with the reason; in CI (``CI=true``,
where the ``test`` extra installs pyspark and ``.ci/run`` a Java runtime) that is a failure.
"""

from __future__ import annotations

import os

import pytest


def _unavailable(message: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def spark():
    try:
        import pyspark  # noqa: F401
    except ImportError:
        _unavailable("pyspark is not installed (pip install -e '.[test]')")
    from graph.detect.engine import EngineUnavailable
    from graph.detect.spark import session

    try:
        # two cores and two shuffle partitions: small data, where Spark's per-task cost dominates
        s = session.get_session({"master": "local[2]", "shuffle_partitions": 2, "driver_memory": "1g"})
    except EngineUnavailable as e:
        _unavailable(str(e))
    yield s
    session.stop()
