"""``oltflow web``: the dashboard, the REST API and /metrics, without coordinator or workers."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from oltflow.web.server import (
    StopSignals,
    WebServer,
    add_server_arguments,
    interrupt_on_sigterm,
    server_address,
)


class Command(BaseCommand):
    help = (
        "Serve the dashboard, the REST API and /metrics with a threaded WSGI server (static "
        "files included) until SIGINT or SIGTERM. Run the coordinator and the workers apart "
        "(oltflow coordinator, oltflow worker) or use oltflow up."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_server_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        interrupt_on_sigterm()
        server = WebServer(*server_address(options)).start()
        self.stdout.write(f"oltflow web is at {server.url} (Ctrl-C stops it)")
        self.stdout.flush()
        try:
            StopSignals().install().wait()
        finally:
            server.stop()
        self.stdout.write("Stopped")
