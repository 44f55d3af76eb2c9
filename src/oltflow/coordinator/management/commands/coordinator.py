"""``oltflow coordinator``: Celery beat and a worker for the ``coordinator`` queue (the tick)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from oltflow.coordinator.management.commands.worker import require_broker


class Command(BaseCommand):
    help = (
        "Run Celery beat, which sends the coordinator tick every OLTFLOW_BEAT_SECONDS, embedded "
        "in a worker that consumes the coordinator queue. Several may run: a database lock lets "
        "one tick run at a time and claims are safe across processes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loglevel", default="INFO")
        parser.add_argument("--hostname", default=None, help="Celery node name.")

    def handle(self, *args: Any, **options: Any) -> None:
        require_broker()
        from oltflow.celery_app import COORDINATOR_QUEUE, app

        argv = [
            "worker",
            "--beat",
            "--schedule",
            str(settings.HOME / "celerybeat-schedule"),
            "--queues",
            COORDINATOR_QUEUE,
            "--concurrency",
            "1",
            "--loglevel",
            options["loglevel"],
        ]
        if options["hostname"]:
            argv += ["--hostname", options["hostname"]]
        app.worker_main(argv)
