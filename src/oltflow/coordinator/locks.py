"""Database locks shared by every coordinator process.

PostgreSQL advisory locks live in the database, so they hold across processes and hosts and
vanish with the session or transaction that took them: a killed process never leaves one
behind. On SQLite the embedded mode needs none: its connections open IMMEDIATE transactions,
which take the database's single write lock at BEGIN.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


def _key(name: str) -> int:
    return zlib.crc32(f"oltflow.{name}".encode())


CLAIM_LOCK = _key("claim")
TICK_LOCK = _key("tick")


def uses_advisory_locks() -> bool:
    return connection.vendor == "postgresql"


def lock_claims() -> None:
    """Serialize claims until the current transaction ends (call inside ``atomic``).

    Claims are short (a fixed number of statements), and serializing them is what keeps the
    per-kind capacity exact when several coordinators claim at once.
    """
    if uses_advisory_locks():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CLAIM_LOCK])


@contextmanager
def tick_lock() -> Iterator[bool]:
    """Try to become the one tick running now; yields False when another tick holds the lock."""
    if not uses_advisory_locks():
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [TICK_LOCK])
        acquired = bool(cursor.fetchone()[0])
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [TICK_LOCK])
