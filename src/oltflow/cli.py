"""The ``oltflow`` console command: Django's management commands with oltflow's settings."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["simulate"]:
        # The simulator needs no database: it runs without loading Django.
        from oltflow.simulator.cli import main as simulate

        raise SystemExit(simulate(args[1:]))

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oltflow.settings")
    from django.db import OperationalError

    from oltflow.config import ConfigError

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["oltflow", *args])
    except ConfigError as exc:
        print(f"oltflow: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    except OperationalError as exc:
        if not is_connection_failure(exc):
            raise
        reason = " ".join(str(exc).split())
        print(f"oltflow: cannot connect to the database: {reason}", file=sys.stderr)
        raise SystemExit(1) from None


def is_connection_failure(exc: Exception) -> bool:
    """True when PostgreSQL could not be reached at all, as opposed to a failed statement.

    psycopg gives every error the server sent about a statement an SQLSTATE; a connection that
    was refused, timed out or never came from the pool has none.
    """
    import psycopg

    cause = exc.__cause__
    return isinstance(cause, psycopg.OperationalError) and cause.sqlstate is None


if __name__ == "__main__":
    main()
