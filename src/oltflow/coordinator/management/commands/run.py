"""``oltflow run``: the embedded coordinator and its workers in the foreground, no web server."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from oltflow.coordinator.runtime import start_local


class Command(BaseCommand):
    help = (
        "Run the coordinator loop and the local worker pools until SIGINT or SIGTERM. Running "
        "executions get --stop-timeout seconds to finish (a second signal stops waiting); those "
        "still running then are marked INTERRUPTED."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--tick-seconds", type=float, default=None, help="Default: OLTFLOW_TICK_SECONDS."
        )
        parser.add_argument(
            "--stop-timeout",
            type=float,
            default=None,
            help="Default: OLTFLOW_STOP_TIMEOUT_SECONDS.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop_timeout = options["stop_timeout"]
        if stop_timeout is None:
            stop_timeout = settings.OLTFLOW["STOP_TIMEOUT_SECONDS"]
        stop = threading.Event()
        runtime = None

        def on_signal(signum: int, frame: object) -> None:
            if stop.is_set() and runtime is not None:
                runtime.abort()
            stop.set()

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)

        runtime = start_local(tick_seconds=options["tick_seconds"])
        self.stdout.write("oltflow coordinator running (Ctrl-C stops it)")
        self.stdout.flush()
        while not stop.wait(0.5):
            if not runtime.running:
                self.stderr.write("The tick loop ended unexpectedly; stopping")
                break

        self.stdout.write(f"Stopping: waiting up to {stop_timeout:.0f} s for running executions")
        self.stdout.flush()
        interrupted = runtime.stop(graceful=True, timeout=stop_timeout)
        if interrupted:
            ids = ", ".join(map(str, interrupted))
            self.stdout.write(f"Marked INTERRUPTED (still running at stop): {ids}")
        self.stdout.write("Stopped")
