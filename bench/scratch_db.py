"""A PostgreSQL database that exists only for one benchmark run."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql


def add_admin_url(parser: argparse.ArgumentParser) -> None:
    """The ``--admin-url`` option: where the scratch database is created and dropped."""
    parser.add_argument(
        "--admin-url",
        default=os.environ.get(
            "OLTFLOW_BENCH_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"
        ),
    )


@contextmanager
def scratch_database(admin_url: str, prefix: str) -> Iterator[str]:
    """Create ``<prefix>_<pid>`` through ``admin_url``, yield its URL, then drop it."""
    name = f"{prefix}_{os.getpid()}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
