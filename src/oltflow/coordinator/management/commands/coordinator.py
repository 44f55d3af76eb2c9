"""``oltflow coordinator``: the tick loop of the Celery back end, in the foreground."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from oltflow.coordinator.management.commands.worker import require_broker


class Command(BaseCommand):
    help = (
        "Run the coordinator tick loop, which sends claimed executions to the Celery workers. It "
        "ticks when the earliest job comes due, and at least every OLTFLOW_TICK_SECONDS. Several "
        "may run: a database lock lets one tick run at a time and claims are safe across "
        "processes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--tick-seconds", type=float, default=None, help="Default: OLTFLOW_TICK_SECONDS."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        require_broker()
        from oltflow.coordinator.executors.celery import CeleryExecutor
        from oltflow.coordinator.runtime import TickLoop

        stop = threading.Event()
        signal.signal(signal.SIGINT, lambda signum, frame: stop.set())
        signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())

        # Sleeping until the earliest due time starts a job on its second; Celery beat's fixed
        # period made it up to one period late. Hand-over needs no tick: workers do it.
        tick_seconds = options["tick_seconds"] or settings.OLTFLOW["TICK_SECONDS"]
        loop = TickLoop(CeleryExecutor(), tick_seconds=tick_seconds, exclusive=True).start()
        self.stdout.write(f"oltflow coordinator ticking (at least every {tick_seconds:.2f} s)")
        self.stdout.flush()
        while not stop.wait(0.5):
            if not loop.running:
                self.stderr.write("The tick loop ended unexpectedly; stopping")
                break
        loop.stop()
        self.stdout.write(f"Stopped after {loop.ticks} ticks")
