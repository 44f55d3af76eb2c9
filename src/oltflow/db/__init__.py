"""Database connection handling shared by the workers and the runners."""

from __future__ import annotations

from django.db import connection


def release_connection() -> None:
    """Give back this thread's database connection before a long wait that needs none.

    With PostgreSQL's pool (``OLTFLOW_DATABASE_POOL_SIZE`` above 0) the connection returns
    to the pool; otherwise it is closed, and the next query opens one. Inside a transaction
    the connection stays: closing it would end the caller's transaction.
    """
    if not connection.in_atomic_block:
        connection.close()
