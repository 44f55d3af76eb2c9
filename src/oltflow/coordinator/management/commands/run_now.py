"""``oltflow run_now <job host id>``: run one job host as soon as its OLT is free."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oltflow.coordinator.services import run_now
from oltflow.jobs.models import SnmpJobHost


class Command(BaseCommand):
    help = (
        "Make a job host due now and first on its OLT. It starts at once when the OLT is free, "
        "else right after the OLT's current execution."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("job_host_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            claimed = run_now(options["job_host_id"])
        except SnmpJobHost.DoesNotExist as exc:
            raise CommandError(str(exc)) from None
        if claimed is None:
            self.stdout.write(
                f"Job host {options['job_host_id']} is requested: it starts when its OLT is free "
                "(see `oltflow queue`)."
            )
        else:
            self.stdout.write(
                f"Job host {claimed.job_host_id} claimed: execution {claimed.execution_id} on "
                f"queue {claimed.queue}."
            )
