"""Time one coordinator tick over a large fleet on PostgreSQL.

    .venv/bin/python bench/coordinator.py [--olts 2000] [--jobs 12] [--runs 7]

Creates its own database (``oltflow_bench_<pid>``) next to the one ``--admin-url`` names,
builds the fleet with bulk inserts, and prints the median wall time and SQL query count of:

- a full tick: every OLT free and every job due (the claim is capped by CAPACITY per kind,
  25 by default; ``--capacity`` raises it to measure a tick that claims every OLT);
- a busy tick: every job due but every OLT already running something (the usual steady state
  of a loaded fleet: the reaper and the claim read everything and start nothing);
- an idle tick: nothing due.

The database is dropped at the end, also after a failure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scratch_db import add_admin_url, scratch_database

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--olts", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=12, help="job hosts per OLT")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--capacity", type=int, default=None, help="PENDING limit per kind")
    add_admin_url(parser)
    args = parser.parse_args()

    with scratch_database(args.admin_url, "oltflow_bench") as url:
        run(args, url)


def run(args: argparse.Namespace, database_url: str) -> None:
    os.environ["OLTFLOW_DATABASE_URL"] = database_url
    os.environ.setdefault("OLTFLOW_HOME", tempfile.mkdtemp(prefix="oltflow-bench-"))
    os.environ["OLTFLOW_LOG_LEVEL"] = "ERROR"
    if args.capacity:
        for kind in ("DISCOVERY", "GET", "WALK"):
            os.environ[f"OLTFLOW_CAPACITY_{kind}"] = str(args.capacity)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oltflow.settings")
    sys.path.insert(0, str(ROOT / "src"))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from oltflow.coordinator.tests.factories import make_catalog, make_fleet
    from oltflow.coordinator.tick import tick
    from oltflow.jobs.models import Execution, SnmpJobHost

    class Discard:
        def dispatch(self, claimed: object) -> None:
            pass

        def is_accepting(self) -> bool:
            return True

        def free_slots(self) -> None:
            return None

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    catalog = make_catalog()
    due = datetime(2026, 12, 3, 10, 0, 0, tzinfo=UTC)
    make_fleet(catalog, args.olts, args.jobs, next_run_at=due)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"fleet: {args.olts} OLTs x {args.jobs} job hosts = {args.olts * args.jobs} rows, "
        f"built in {time.perf_counter() - started:.1f} s"
    )

    def measure(label: str, prepare, now: datetime) -> None:
        times, counts, claimed = [], [], []
        for _ in range(args.runs):
            prepare()
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                result = tick(executor=Discard(), now=now)
                times.append(time.perf_counter() - began)
            counts.append(len(queries))
            claimed.append(len(result.claimed))
        print(
            f"{label:>10} tick: median {statistics.median(times) * 1000:7.1f} ms "
            f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}), "
            f"{statistics.median(counts):.0f} queries, {statistics.median(claimed):.0f} claimed"
        )

    now = due + timedelta(seconds=5)

    def everything_due() -> None:
        Execution.objects.all().delete()
        SnmpJobHost.objects.update(next_run_at=due, last_claimed_at=None)

    def everything_due_and_busy() -> None:
        everything_due()
        hosts = SnmpJobHost.objects.order_by("olt_id", "id").distinct("olt_id")
        Execution.objects.bulk_create(
            Execution(
                job_host_id=host.pk,
                olt_id=host.olt_id,
                kind="get",
                status="RUNNING",
                queue="get_main",
                due_at=due,
                created_at=now,
                started_at=now,
                heartbeat_at=now,
            )
            for host in hosts
        )

    def nothing_due() -> None:
        Execution.objects.all().delete()
        SnmpJobHost.objects.update(next_run_at=due + timedelta(hours=1))

    measure("full", everything_due, now)
    measure("busy", everything_due_and_busy, now)
    measure("idle", nothing_due, now)


if __name__ == "__main__":
    main()
