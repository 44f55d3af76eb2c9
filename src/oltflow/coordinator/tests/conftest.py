"""Fixtures of the coordinator tests: a catalog, an executor that records, settings overrides."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection

from oltflow.coordinator.tests.factories import Catalog, RecordingExecutor, make_catalog


@pytest.fixture
def catalog(db: None) -> Catalog:
    return make_catalog()


@pytest.fixture
def recorder() -> RecordingExecutor:
    return RecordingExecutor()


@pytest.fixture
def options(settings: Any) -> Callable[..., None]:
    """Override keys of ``settings.OLTFLOW`` for one test: ``options(MIN_GAP_SECONDS=0)``."""

    def override(**values: Any) -> None:
        settings.OLTFLOW = {**settings.OLTFLOW, **values}

    return override


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Call a function as if its transaction committed: its on-commit dispatches run at once.

    Tests run inside a transaction that never commits; this stands in for the commit.
    """

    def call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return call


@pytest.fixture
def broker_url() -> str:
    """A Redis database (14 by default), emptied, as the broker of the Celery tests."""
    from conftest import flushed_redis

    return flushed_redis(os.environ.get("OLTFLOW_TEST_BROKER_URL", "redis://127.0.0.1:6379/14"))


def test_database_url() -> str:
    """The URL of the database this test runs on, for subprocesses to share it."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


test_database_url.__test__ = False  # not a test, despite its name


@pytest.fixture
def spawn(tmp_path: Any) -> Iterator[Callable[..., subprocess.Popen]]:
    """Start ``oltflow <args>`` on the test database, its output in ``process.log_path``.

    Every process still alive is killed at teardown (its process group, when it has one).
    """
    started: list[subprocess.Popen] = []

    def start(*args: str, env: dict[str, str] | None = None, **popen: Any) -> subprocess.Popen:
        environment = {
            **os.environ,
            "OLTFLOW_DATABASE_URL": test_database_url(),
            "OLTFLOW_LOG_LEVEL": "INFO",
            **(env or {}),
        }
        log_path = tmp_path / f"{args[0]}-{len(started)}.log"
        with open(log_path, "w") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "oltflow", *args],
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
                **popen,
            )
        process.log_path = log_path  # type: ignore[attr-defined]
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            if process.pid == os.getpgid(process.pid):
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
        process.wait(10)


def output(process: subprocess.Popen) -> str:
    return process.log_path.read_text()  # type: ignore[attr-defined]
