"""Settings read from OLTFLOW_* variables: the database, its connection pool, bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from oltflow import config

URL = "postgres://oltflow@db.example:5432/oltflow"


def test_postgresql_connections_come_from_a_pool_of_ten_by_default(monkeypatch, tmp_path):
    monkeypatch.setenv("OLTFLOW_DATABASE_URL", URL)
    monkeypatch.delenv("OLTFLOW_DATABASE_POOL_SIZE", raising=False)

    database = config.database(tmp_path)

    assert database["ENGINE"] == "oltflow.db.postgresql"
    assert database["OPTIONS"]["pool"]["max_size"] == 10
    # statements are bound and prepared on the server, which only pays off with a pool
    assert database["OPTIONS"]["server_side_binding"] is True
    assert database["OPTIONS"]["prepare_threshold"] == 5
    # Django's pool refuses persistent connections
    assert database["CONN_MAX_AGE"] == 0


def test_pool_size_zero_keeps_a_persistent_connection_per_thread(monkeypatch, tmp_path):
    monkeypatch.setenv("OLTFLOW_DATABASE_URL", URL)
    monkeypatch.setenv("OLTFLOW_DATABASE_POOL_SIZE", "0")

    database = config.database(tmp_path)

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert "pool" not in database.get("OPTIONS", {})
    assert "server_side_binding" not in database.get("OPTIONS", {})
    assert database["CONN_MAX_AGE"] == 60


@pytest.mark.parametrize(
    ("value", "problem"),
    [("ten", "'ten' is not a whole number"), ("-1", "-1 is below the minimum of 0")],
)
def test_a_bad_pool_size_names_the_variable(monkeypatch, tmp_path, value, problem):
    monkeypatch.setenv("OLTFLOW_DATABASE_URL", URL)
    monkeypatch.setenv("OLTFLOW_DATABASE_POOL_SIZE", value)

    with pytest.raises(config.ConfigError, match=f"^OLTFLOW_DATABASE_POOL_SIZE={problem}$"):
        config.database(tmp_path)


def test_sqlite_is_the_embedded_default_and_has_no_pool(monkeypatch, tmp_path: Path):
    monkeypatch.delenv("OLTFLOW_DATABASE_URL", raising=False)
    monkeypatch.setenv("OLTFLOW_DATABASE_POOL_SIZE", "5")

    database = config.database(tmp_path)

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path / "oltflow.sqlite3")
    assert "pool" not in database["OPTIONS"]
