"""What one execution costs the worker and PostgreSQL, outside the runner's own work.

    .venv/bin/python bench/execution_cost.py [--olts 500]

Creates its own database (``oltflow_cost_<pid>``) next to the one ``--admin-url`` names, builds
``--olts`` OLTs with three due jobs each, claims one execution per OLT, then runs every one of
them in this thread with ``execute()`` and a runner that returns at once: start, heartbeat
registration, outcome, and the hand-over that claims the OLT's next job. Prints the wall time
and this process's CPU per execution, and the time spent in each SQL statement (the wall time
of the call as the worker sees it: PostgreSQL's work plus the round trip).

Run it twice to compare connection settings, for example with
``OLTFLOW_DATABASE_POOL_SIZE=0`` (no pool, no prepared statements) and without. The database is
dropped at the end, also after a failure.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from scratch_db import add_admin_url, scratch_database

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--olts", type=int, default=500)
    add_admin_url(parser)
    args = parser.parse_args()
    with scratch_database(args.admin_url, "oltflow_cost") as url:
        run(args.olts, url)


def run(olts: int, database_url: str) -> None:
    os.environ.update(
        OLTFLOW_DATABASE_URL=database_url,
        OLTFLOW_LOG_LEVEL="WARNING",
        OLTFLOW_MIN_GAP_SECONDS="0",
        OLTFLOW_CAPACITY_DISCOVERY=str(olts),
        OLTFLOW_CAPACITY_GET=str(olts),
        DJANGO_SETTINGS_MODULE="oltflow.settings",
    )
    os.environ.pop("OLTFLOW_BROKER_URL", None)
    os.environ.setdefault("OLTFLOW_HOME", tempfile.mkdtemp(prefix="oltflow-cost-"))
    sys.path.insert(0, str(ROOT / "src"))

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from oltflow.coordinator import execute as execute_module
    from oltflow.coordinator.claim import claim_due
    from oltflow.coordinator.tests.factories import (
        FAST,
        RecordingExecutor,
        make_catalog,
        make_fleet,
    )

    call_command("migrate", verbosity=0)
    make_fleet(make_catalog(), olts, 3, next_run_at=timezone.now(), parameters=FAST)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    execution_ids = [claimed.execution_id for claimed in claim_due(timezone.now())]
    execute_module.runner_for = lambda name: lambda execution: {}

    statements: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])

    def timed(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            entry = statements[" ".join(sql.split()[:5])[:72]]
            entry[0] += 1
            entry[1] += time.perf_counter() - began

    recorder = RecordingExecutor()
    options = settings.DATABASES["default"].get("OPTIONS", {})
    wall, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(timed):
        for execution_id in execution_ids:
            execute_module.execute(execution_id, "bench", executor=recorder)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu

    count = len(execution_ids)
    print(
        f"{count} executions, pool {'on' if 'pool' in options else 'off'}, prepared statements "
        f"{'on' if options.get('server_side_binding') else 'off'}: "
        f"{wall * 1000 / count:.2f} ms wall, {cpu * 1000 / count:.2f} ms CPU per execution; "
        f"{len(recorder.dispatched)} handed over"
    )
    in_sql = sum(seconds for _, seconds in statements.values())
    print(f"in SQL statements: {in_sql * 1000 / count:.2f} ms per execution")
    for text, (calls, seconds) in sorted(statements.items(), key=lambda item: -item[1][1]):
        print(f"  {seconds * 1000 / count:6.2f} ms  {calls / count:4.1f} x  {text}")


if __name__ == "__main__":
    main()
