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
    from oltflow.config import ConfigError

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["oltflow", *args])
    except ConfigError as exc:
        print(f"oltflow: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
