"""``oltflow up``: the whole product in one process on the embedded defaults.

It migrates, loads the built-in catalog, then runs the web server, the coordinator's tick loop
and the local worker pools (``start_local()``) in this process; ``--demo`` adds a simulated
OLT fleet (child processes) that is registered and polled at once. SIGINT or SIGTERM stops
everything in reverse order: the workers get OLTFLOW_STOP_TIMEOUT_SECONDS to finish (a second
signal stops waiting), then the fleet's processes and the web server stop.
"""

from __future__ import annotations

import time
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from oltflow.coordinator.runtime import LocalRuntime, start_local
from oltflow.web.server import (
    StopSignals,
    WebServer,
    add_server_arguments,
    interrupt_on_sigterm,
    server_address,
)

if TYPE_CHECKING:
    from oltflow.web.demo import Demo

SCALED_OUT = (
    "oltflow up runs its workers in this process and does not use OLTFLOW_BROKER_URL: with a "
    "broker, run `oltflow web`, `oltflow coordinator` and `oltflow worker` instead."
)


class Command(BaseCommand):
    help = (
        "Migrate, load the built-in catalog and run the web server, the coordinator and the "
        "local workers in one process; --demo also starts and registers a simulated OLT fleet."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_server_arguments(parser)
        parser.add_argument(
            "--demo",
            action="store_true",
            help="start simulated OLTs on loopback, register them and poll them",
        )
        parser.add_argument(
            "--demo-olts", type=int, default=8, help="how many simulated OLTs (default 8)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.OLTFLOW["BROKER_URL"]:
            self.stderr.write(SCALED_OUT)
            raise SystemExit(2)
        began = time.monotonic()
        interrupt_on_sigterm()
        try:
            with ExitStack() as running:
                runtime = self._start(options, running, began)
                self._stop_when_asked(runtime)
        except KeyboardInterrupt:
            self.say("Interrupted while starting; stopped what had started")
            return
        self.say("Stopped")

    def say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def _start(self, options: dict[str, Any], running: ExitStack, began: float) -> LocalRuntime:
        # The database and the catalog.
        self.say("Preparing the database ...")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_catalog", verbosity=1, stdout=self.stdout)

        # The web server, bound first so that a busy port stops us before anything starts.
        server = WebServer(*server_address(options))
        running.callback(server.stop)

        # The simulated fleet.
        demo = None
        if options["demo"]:
            from oltflow.web.demo import start_demo

            self.say(f"Starting {options['demo_olts']} simulated OLTs ...")
            demo = start_demo(options["demo_olts"], progress=self.say)
            running.callback(self._stop_demo, demo)

        # The coordinator and the workers.
        runtime = start_local()
        running.callback(self._stop_runtime, runtime)
        pools = ", ".join(f"{k}={v}" for k, v in runtime.executor.pool_sizes().items())
        self.say(f"Coordinator running, worker pools {pools}")

        server.start()
        self.say(f"oltflow is ready in {time.monotonic() - began:.1f} s at {server.url}")
        if demo is not None:
            self.say(f"  sign in as {demo.username} / {demo.password}")
        self.say(f"  configuration: {server.url}admin/  API: {server.url}api/v1/")
        self.say(f"  metrics: {server.url}metrics  (Ctrl-C stops everything)")
        return runtime

    def _stop_when_asked(self, runtime: LocalRuntime) -> None:
        signals = StopSignals().install()
        signals.on_second = runtime.abort
        signals.wait(alive=lambda: runtime.running)
        if not runtime.running:
            self.stderr.write("The coordinator's loop ended unexpectedly; stopping")

    def _stop_runtime(self, runtime: LocalRuntime) -> None:
        timeout = settings.OLTFLOW["STOP_TIMEOUT_SECONDS"]
        self.say(f"Stopping: waiting up to {timeout:.0f} s for running executions")
        interrupted = runtime.stop(graceful=True, timeout=timeout)
        if interrupted:
            ids = ", ".join(map(str, interrupted))
            self.say(f"Marked INTERRUPTED (still running at stop): {ids}")

    def _stop_demo(self, demo: Demo) -> None:
        self.say("Stopping the simulated OLTs")
        demo.stop()
