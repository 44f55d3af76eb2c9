"""The ``oltflow`` command's answer when PostgreSQL cannot be used: one line with the reason."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import OperationalError, connection, transaction

from conftest import require_postgresql
from oltflow.cli import is_connection_failure


def missing_database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/oltflow_missing_database"


@pytest.mark.parametrize("pool_size", ["10", "0"])
def test_a_missing_database_is_named_in_one_line(tmp_path, pool_size):
    require_postgresql()
    env = {
        **os.environ,
        "OLTFLOW_HOME": str(tmp_path),
        "OLTFLOW_DATABASE_URL": missing_database_url(),
        "OLTFLOW_DATABASE_POOL_SIZE": pool_size,
    }

    done = subprocess.run(
        [sys.executable, "-m", "oltflow", "queue"],
        env=env,
        capture_output=True,
        text=True,
        timeout=25,  # below the pool's 30 s: the answer must not wait for the pool to give up
    )

    assert done.returncode == 1
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("oltflow: cannot connect to the database: ")
    assert 'database "oltflow_missing_database" does not exist' in done.stderr


@pytest.mark.django_db
def test_a_failed_statement_is_not_a_connection_failure():
    require_postgresql()

    with pytest.raises(OperationalError) as caught, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 1")
            cursor.execute("SELECT pg_sleep(1)")

    assert not is_connection_failure(caught.value)
