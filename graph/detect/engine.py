"""Which engine computes the co-occurrence projection: pandas in this process, or Apache Spark.

One code path, chosen by configuration. The workspace's ``ringtrace.toml`` says::

    [detect]
    projection_engine = "spark"      # "pandas" (default) or "spark"

    [spark]                          # only read when the engine is "spark"
    master = "local[2]"              # or spark://host:7077, yarn, k8s://...
    driver_memory = "4g"
    shuffle_partitions = 8
    conf = { "spark.executor.memory" = "8g" }   # any other Spark setting, passed through

and the environment variable ``RINGTRACE_PROJECTION_ENGINE`` overrides the file (a one-off run
on Spark without editing the workspace). :func:`graph.detect.projections.cooccurrence` asks
:func:`current` which engine to use, so no detector takes an engine argument: a run sets the
workspace's choice with ``with engine.use(engine.settings(ws)):`` and code outside such a block
falls back to the environment and the default workspace (``RINGTRACE_HOME``), read lazily.

>>> settings(config={}, environ={}).name
'pandas'
>>> settings(config={"detect": {"projection_engine": "spark"}}, environ={}).name
'spark'
>>> settings(config={"detect": {"projection_engine": "spark"}}, environ={ENV: "pandas"}).name
'pandas'
>>> with use("spark"):
...     current().name
'spark'
"""

from __future__ import annotations

import contextvars
import os
from contextlib import contextmanager
from dataclasses import dataclass, field

from ringtrace.errors import RingtraceError, WorkspaceError

__all__ = ["ENGINES", "ENV", "EngineSettings", "EngineUnavailable", "settings", "use", "current"]

ENGINES = ("pandas", "spark")
ENV = "RINGTRACE_PROJECTION_ENGINE"


class EngineUnavailable(RingtraceError):
    """The configured projection engine cannot start here (pyspark or Java missing)."""


@dataclass(frozen=True)
class EngineSettings:
    """The engine's name and, for Spark, the ``[spark]`` table of ``ringtrace.toml``."""

    name: str = "pandas"
    spark: dict = field(default_factory=dict, compare=False)


_current: contextvars.ContextVar[EngineSettings | None] = contextvars.ContextVar("projection_engine", default=None)


def settings(ws=None, config: dict | None = None, environ=None) -> EngineSettings:
    """The engine settings of workspace ``ws`` (default: ``RINGTRACE_HOME``), the environment
    variable overriding the file. ``config``/``environ`` stand in for the file and the environment.

    Raises :class:`~ringtrace.errors.WorkspaceError` naming the file or variable when the
    engine name or the ``[spark]`` table is not usable.
    """
    environ = os.environ if environ is None else environ
    if config is None:
        from ringtrace.workspace import Workspace

        ws = ws if ws is not None else Workspace()
        config = ws.config()
        source = f"the settings file {ws.config_path}"
    else:
        source = "the settings"
    detect = config.get("detect", {})
    spark = config.get("spark", {})
    if not isinstance(detect, dict) or not isinstance(spark, dict):
        raise WorkspaceError(f"In {source}, [detect] and [spark] must be tables. Fix the file and run again.")
    name = detect.get("projection_engine", "pandas")
    if environ.get(ENV):
        name, source = environ[ENV], f"the environment variable {ENV}"
    if not isinstance(name, str) or name.strip().lower() not in ENGINES:
        raise WorkspaceError(
            f"{source[0].upper()}{source[1:]} asks for the projection engine {name!r}, which ringtrace does not "
            f"know; use one of {', '.join(repr(e) for e in ENGINES)} (\"pandas\" runs in this process, "
            f"\"spark\" on Apache Spark as set in the [spark] table)."
        )
    return EngineSettings(name.strip().lower(), dict(spark))


@contextmanager
def use(engine: str | EngineSettings):
    """Run the block with this projection engine (a name or :func:`settings`' result)."""
    if isinstance(engine, str):
        engine = settings(config={"detect": {"projection_engine": engine}}, environ={})
    token = _current.set(engine)
    try:
        yield engine
    finally:
        _current.reset(token)


def current() -> EngineSettings:
    """The engine for this block (:func:`use`), else from the environment and default workspace."""
    chosen = _current.get()
    return chosen if chosen is not None else settings()
