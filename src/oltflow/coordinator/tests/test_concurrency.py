"""Several coordinator processes at once over one database (PostgreSQL)."""

from __future__ import annotations

import signal
import time
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import require_postgresql
from oltflow.coordinator.policy import first_run_at, next_run_after
from oltflow.coordinator.tests.conftest import output
from oltflow.coordinator.tests.factories import make_fleet
from oltflow.jobs.choices import ACTIVE_STATUSES, ExecutionStatus
from oltflow.jobs.models import Execution, SnmpJobHost

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PROCESSES = 4
OLTS = 200
INTERVAL = 20
OFFSETS = {"discovery": 0, "get": 10}
RUN_SECONDS = 20
# The last wave may still be running when the processes stop: what it had not started is
# released (INTERRUPTED, due again). Waves due at least this long before the stop are complete.
SETTLE = timedelta(seconds=8)


def test_four_coordinators_over_200_olts_never_overlap_and_run_every_due_job(catalog, spawn):
    require_postgresql()

    # Given 200 OLTs with a discovery (at :00 and :20 ...) and a get (at :10 and :30 ...)
    # every 20 s, each taking 10-50 ms: a wave of 200 executions every 10 s
    make_fleet(
        catalog,
        OLTS,
        2,
        next_run_at=None,
        interval_seconds=INTERVAL,
        parameters={"duration_min": 0.01, "duration_max": 0.05},
    )
    begin = timezone.now() + timedelta(seconds=3)
    first_due = {kind: first_run_at(begin, INTERVAL, OFFSETS[kind]) for kind in OFFSETS}
    for kind, moment in first_due.items():
        SnmpJobHost.objects.filter(job__kind=kind).update(next_run_at=moment)

    # When four `oltflow run` processes tick every 0.5 s and execute for about 20-30 s, stopped
    # 8 s after a wave came due
    env = {f"OLTFLOW_CAPACITY_{kind}": "200" for kind in ("DISCOVERY", "GET", "WALK")}
    processes = [
        spawn("run", "--tick-seconds", "0.5", "--stop-timeout", "10", env=env)
        for _ in range(PROCESSES)
    ]
    last_wave = next_run_after(begin + timedelta(seconds=RUN_SECONDS - 10), 10, 0)
    time.sleep(max(0.0, (last_wave + SETTLE - timezone.now()).total_seconds()))
    stopped_at = timezone.now()
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        assert process.wait(30) == 0, output(process)[-3000:]
    assert "Traceback" not in "".join(output(process) for process in processes)

    # Then nothing is left active and nothing failed; only the unstarted tail of a wave that
    # was still running at the stop was released
    executions = list(Execution.objects.all())
    assert not any(e.status in ACTIVE_STATUSES for e in executions)
    complete_before = stopped_at - SETTLE
    for execution in executions:
        if execution.status != ExecutionStatus.SUCCESS:
            assert execution.error == "the local runtime stopped before it started"
            assert execution.due_at > complete_before

    # And no OLT ever ran two executions at once
    by_olt = defaultdict(list)
    for execution in executions:
        if execution.started_at is not None:
            by_olt[execution.olt_id].append(execution)
    for runs in by_olt.values():
        runs.sort(key=lambda e: e.started_at)
        for earlier, later in zip(runs, runs[1:], strict=False):
            assert later.started_at >= earlier.finished_at, (earlier.pk, later.pk)

    # And every job host ran exactly once for every grid point due before the last wave
    done = defaultdict(list)
    for execution in executions:
        if execution.status == ExecutionStatus.SUCCESS:
            done[execution.job_host_id].append(execution.due_at)
    hosts = list(SnmpJobHost.objects.values_list("id", "job__kind", "missed_runs"))
    assert len(hosts) == OLTS * 2
    for host_id, kind, missed in hosts:
        expected, moment = [], first_due[kind]
        while moment <= complete_before:
            expected.append(moment)
            moment = next_run_after(moment, INTERVAL, OFFSETS[kind])
        assert len(expected) >= 1
        assert len(done[host_id]) == len(set(done[host_id]))
        assert set(expected) <= set(done[host_id]), host_id
        assert missed == 0
    waves = Counter(e.due_at for e in executions if e.status == ExecutionStatus.SUCCESS)
    assert len(waves) >= 2 and sum(waves.values()) >= OLTS * 2

    # And all four processes took part
    assert len({e.worker.split(":")[1] for e in executions if e.worker}) == PROCESSES
