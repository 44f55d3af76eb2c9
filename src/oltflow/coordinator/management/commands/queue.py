"""``oltflow queue [OLT]``: what each OLT runs now and what waits, in claim order."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from oltflow.coordinator.queue import OltQueue, queue_snapshot
from oltflow.inventory.models import Olt


class Command(BaseCommand):
    help = "Show the coordinator queue: per OLT its current execution and its waiting jobs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("olt", nargs="?", help="OLT name or id (default: every busy OLT).")

    def handle(self, *args: Any, **options: Any) -> None:
        olt_ids = None
        if options["olt"]:
            olt_ids = [self._olt_id(options["olt"])]
        now = timezone.now()
        snapshot = queue_snapshot(olt_ids=olt_ids, now=now)

        loads = ", ".join(f"{load.kind} {load.pending}/{load.limit}" for load in snapshot.loads)
        self.stdout.write(f"PENDING per kind (limit): {loads}")
        if not snapshot.olts:
            self.stdout.write("No OLT runs or waits.")
        for olt in snapshot.olts:
            self.stdout.write("")
            self._print_olt(olt, now)

    def _olt_id(self, value: str) -> int:
        olt = Olt.objects.filter(name=value).values_list("id", flat=True).first()
        if olt is None and value.isdigit():
            olt = Olt.objects.filter(pk=int(value)).values_list("id", flat=True).first()
        if olt is None:
            raise CommandError(f"No OLT is named or numbered {value!r}")
        return olt

    def _print_olt(self, olt: OltQueue, now: datetime) -> None:
        current = olt.current
        if current is None:
            state = "idle"
        else:
            job = current.job_host.job.name if current.job_host else "(removed job)"
            since = current.started_at or current.created_at
            state = (
                f"{current.status} execution {current.pk} {job} "
                f"(attempt {current.attempt}, {_age(since, now)})"
            )
        self.stdout.write(f"OLT {olt.olt_name} (id {olt.olt_id}): {state}")
        if not olt.entries:
            return
        rows = [("#", "job host", "job", "kind", "prio", "due", "waiting", "reason")]
        for number, entry in enumerate(olt.entries, start=1):
            rows.append(
                (
                    str(number),
                    str(entry.job_host_id),
                    entry.job_name,
                    entry.kind,
                    str(entry.priority),
                    timezone.localtime(entry.due_at).strftime("%H:%M:%S"),
                    _age(entry.waiting_since, now),
                    entry.reason,
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write(
                "  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
            )


def _age(moment: datetime, now: datetime) -> str:
    seconds = (now - moment).total_seconds()
    if seconds < 0:
        return f"in {-seconds:.0f} s"
    if seconds < 120:
        return f"{seconds:.1f} s"
    return f"{seconds / 60:.0f} min"
