"""Starting Spark: settings, and clear errors when Java or pyspark is missing (no JVM started)."""

from __future__ import annotations

import sys

import pytest

from graph.detect.engine import EngineUnavailable
from graph.detect.spark import session


def test_settings_map_to_spark_conf():
    conf = session.spark_conf({"master": "spark://m:7077", "driver_memory": "8g", "conf": {"spark.executor.cores": 4}})
    assert conf["spark.master"] == "spark://m:7077" and conf["spark.driver.memory"] == "8g"
    assert conf["spark.executor.cores"] == "4" and conf["spark.ui.enabled"] == "false"
    assert conf["spark.sql.execution.arrow.pyspark.enabled"] == "true"
    assert "spark.driver.bindAddress" not in conf  # a cluster's executors must reach the driver
    local = session.spark_conf({})
    assert local["spark.master"] == "local[2]" and local["spark.driver.bindAddress"] == "127.0.0.1"
    assert local["spark.driver.host"] == "127.0.0.1"


def test_unknown_setting_is_named():
    with pytest.raises(EngineUnavailable, match="drivr_memory"):
        session.spark_conf({"drivr_memory": "8g"})


def test_java_missing_names_what_to_install(monkeypatch, tmp_path):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no java on PATH
    with pytest.raises(EngineUnavailable) as e:
        session.check_java()
    msg = str(e.value)
    assert "no `java` on PATH" in msg and "openjdk-17-jre-headless" in msg and "JAVA_HOME" in msg


def test_java_home_without_java(monkeypatch, tmp_path):
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    with pytest.raises(EngineUnavailable, match="has no bin/java"):
        session.check_java()


def test_old_java_is_refused(monkeypatch, tmp_path):
    java = tmp_path / "bin" / "java"
    java.parent.mkdir()
    java.write_text('#!/bin/sh\necho \'java version "1.8.0_392"\' >&2\n')
    java.chmod(0o755)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    with pytest.raises(EngineUnavailable, match="Java 17 or newer.*version 8"):
        session.check_java()


def test_get_session_checks_java_before_starting(monkeypatch, tmp_path):
    pytest.importorskip("pyspark")
    monkeypatch.setattr(session, "_session", None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(EngineUnavailable, match="needs Java"):
        session.get_session()


def test_pyspark_missing_names_the_extra(monkeypatch):
    monkeypatch.setattr(session, "_session", None)
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark now raises ImportError
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(EngineUnavailable, match=r"ringtrace\[spark\]"):
        session.get_session()
