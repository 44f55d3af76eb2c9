"""``oltflow up``: prepare the embedded database and run the product in one process."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Migrate, load the built-in catalog and serve oltflow on the embedded defaults."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--bind", default="127.0.0.1")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("Preparing the database ...")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_catalog", verbosity=1)
        address = f"{options['bind']}:{options['port']}"
        self.stdout.write(f"oltflow is at http://{address}/admin/ (Ctrl-C stops it)")
        call_command("runserver", address, use_reloader=False)
