"""``oltflow worker``: a Celery worker for the execution queues."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from oltflow.coordinator.policy import EXECUTION_QUEUES


def require_broker() -> None:
    if not settings.OLTFLOW["BROKER_URL"]:
        raise CommandError(
            "OLTFLOW_BROKER_URL is not set: Celery needs a broker (e.g. redis://127.0.0.1:6379/0)."
            " Without one, `oltflow run` runs the coordinator and its workers in one process."
        )


class Command(BaseCommand):
    help = (
        "Run a Celery worker for execution queues (default: all four). Run one worker per queue "
        "to give each queue its own concurrency (default: OLTFLOW_CONCURRENCY_<QUEUE>, summed "
        "over the queues served)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--queues",
            default=",".join(EXECUTION_QUEUES),
            help=f"Comma-separated, among {', '.join(EXECUTION_QUEUES)}.",
        )
        parser.add_argument("--concurrency", type=int, default=None)
        parser.add_argument("--pool", default="prefork", help="Celery pool (prefork, threads).")
        parser.add_argument("--loglevel", default="INFO")
        parser.add_argument("--hostname", default=None, help="Celery node name.")

    def handle(self, *args: Any, **options: Any) -> None:
        require_broker()
        queues = [name.strip() for name in options["queues"].split(",") if name.strip()]
        unknown = sorted(set(queues) - set(EXECUTION_QUEUES))
        if not queues or unknown:
            raise CommandError(
                f"Unknown queues {', '.join(unknown) or '(none given)'}; "
                f"choose among {', '.join(EXECUTION_QUEUES)}"
            )
        concurrency = options["concurrency"] or sum(
            settings.OLTFLOW["CONCURRENCY"].get(name, 1) for name in queues
        )
        argv = [
            "worker",
            "--queues",
            ",".join(queues),
            "--concurrency",
            str(concurrency),
            "--pool",
            options["pool"],
            "--loglevel",
            options["loglevel"],
        ]
        if options["hostname"]:
            argv += ["--hostname", options["hostname"]]

        from oltflow.celery_app import app

        app.worker_main(argv)
