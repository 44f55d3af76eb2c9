"""Django's PostgreSQL backend, with a pool that says why it cannot connect.

psycopg's pool retries a refused connection in the background and, once its timeout has passed,
reports only "couldn't get a connection after 30.00 sec". A process therefore makes its first
connection directly, before it opens the pool: a wrong address, a missing database or a stopped
server fails at once, with the server's own words.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql import base

# Only for the first, direct connection: a host that drops packets fails within this time
# instead of the operating system's TCP timeout.
FIRST_CONNECT_TIMEOUT = 10


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        pool = self.pool
        if pool is not None and pool.closed:
            first = {"connect_timeout": FIRST_CONNECT_TIMEOUT, **conn_params}
            self.Database.connect(**first).close()
        return super().get_new_connection(conn_params)
