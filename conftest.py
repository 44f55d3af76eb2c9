"""Test-wide set-up: which database runs the suite, and access to the real services.

Tests use real services. Outside CI a missing service skips the tests that need it; under
``CI=true`` it fails them, so a broken CI machine never passes by skipping.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.db import connections

pytest_plugins = ["oltflow.simulator.pytest_plugin"]

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_report_header(config: pytest.Config) -> str:
    db, vendor = settings.DATABASES["default"], connections["default"].vendor
    where = db["NAME"] if vendor == "sqlite" else f"{db.get('HOST')}:{db.get('PORT')}"
    return f"oltflow database: {vendor} {where}"


def require_service(name: str, reason: str) -> None:
    """Fail under CI, skip elsewhere: the test cannot run without this service."""
    message = f"{name} is not available: {reason}"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def require_postgresql() -> None:
    if connections["default"].vendor != "postgresql":
        require_service("PostgreSQL", "set OLTFLOW_DATABASE_URL (./dev test does when it runs)")


def flushed_redis(url: str) -> str:
    """Empty the Redis database at ``url`` for a test; fail or skip when Redis is down."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.flushdb()
    except redis.RedisError as exc:
        require_service("Redis", f"{url}: {exc}")
    finally:
        client.close()
    return url
