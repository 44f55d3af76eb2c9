"""The embedded runtime: thread pools per queue, hand-over speed, stopping, SQLite under load.

These run real threads on the real clock, on SQLite as well as on PostgreSQL.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict

import pytest
from django.db import connection
from django.utils import timezone

from conftest import require_postgresql
from oltflow.coordinator import executors
from oltflow.coordinator.claim import claim_due
from oltflow.coordinator.executors.local import LocalExecutor
from oltflow.coordinator.runtime import start_local
from oltflow.coordinator.tests.factories import make_job, make_olt
from oltflow.jobs.choices import ACTIVE_STATUSES, ExecutionStatus
from oltflow.jobs.models import Execution, SnmpJobHost

pytestmark = pytest.mark.django_db(transaction=True)

POOLS = {"discovery_main": 2, "discovery_retry": 1, "get_main": 2, "get_retry": 1}


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def assert_one_at_a_time_per_olt(executions):
    """No execution of an OLT started before the previous one of that OLT had finished."""
    by_olt = defaultdict(list)
    for execution in executions:
        by_olt[execution.olt_id].append(execution)
    for runs in by_olt.values():
        runs.sort(key=lambda e: e.started_at)
        for earlier, later in zip(runs, runs[1:], strict=False):
            assert later.started_at >= earlier.finished_at, (earlier.pk, later.pk)


def test_hand_over_starts_the_next_job_within_100_ms(catalog):
    # Given an OLT with five due jobs of 50 ms each, and a tick far slower than that
    olt = make_olt(catalog, "back-to-back")
    quick = {"duration_min": 0.05, "duration_max": 0.05}
    for n in range(5):
        make_job(catalog, olt, f"job {n}", "get", next_run_at=timezone.now(), parameters=quick)

    # When the local runtime runs them
    runtime = start_local(concurrency=POOLS, tick_seconds=30)
    try:
        wait_for(
            lambda: Execution.objects.filter(status=ExecutionStatus.SUCCESS).count() == 5,
            20,
            "five executions",
        )
    finally:
        runtime.stop()

    # Then they ran back to back: one tick, then each hand-over within 100 ms of the finish
    runs = list(Execution.objects.order_by("started_at"))
    assert [r.job_host.job.name for r in runs] == [f"job {n}" for n in range(5)]
    gaps = [
        (later.started_at - earlier.finished_at).total_seconds()
        for earlier, later in zip(runs, runs[1:], strict=False)
    ]
    assert max(gaps) < 0.1, gaps
    assert runtime.ticks <= 2


def test_many_olts_under_the_pools_concurrency_all_run_one_at_a_time_per_olt(
    catalog, options, caplog
):
    # Given 20 OLTs with three jobs each every 2 s (the embedded database under the same
    # concurrency as the local executor: ticks, claims, heartbeats, outcomes at once)
    options(HEARTBEAT_SECONDS=0.05, MIN_GAP_SECONDS=0)
    short = {"duration_min": 0.005, "duration_max": 0.03}
    now = timezone.now()
    for n in range(20):
        olt = make_olt(catalog, f"olt-{n:02d}")
        make_job(catalog, olt, "disc", "discovery", next_run_at=now, interval_seconds=2)
        make_job(
            catalog, olt, "get a", "get", next_run_at=now, interval_seconds=2, parameters=short
        )
        make_job(
            catalog, olt, "get b", "get", next_run_at=now, interval_seconds=2, parameters=short
        )

    # When the runtime runs for 4 seconds
    with caplog.at_level(logging.WARNING):
        runtime = start_local(
            concurrency={"discovery_main": 4, "discovery_retry": 1, "get_main": 4, "get_retry": 1},
            tick_seconds=0.2,
        )
        try:
            time.sleep(4)
        finally:
            runtime.stop(timeout=10)

    # Then nothing failed or was left active (what had been handed to a thread but not
    # started when the runtime stopped was released), every job ran, never two at once per OLT
    executions = list(Execution.objects.all())
    assert not Execution.objects.filter(status__in=ACTIVE_STATUSES).exists()
    ran = [e for e in executions if e.status == ExecutionStatus.SUCCESS]
    released = [e for e in executions if e.status != ExecutionStatus.SUCCESS]
    assert all(e.error == "the local runtime stopped before it started" for e in released)
    assert len(released) <= 4
    assert len({e.job_host_id for e in ran}) == 60
    assert len(ran) >= 120
    assert_one_at_a_time_per_olt(ran)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def slow_gets(catalog, count, seconds=0.5):
    now = timezone.now()
    return [
        make_job(
            catalog,
            make_olt(catalog, f"q{n}"),
            "slow get",
            "get",
            next_run_at=now,
            interval_seconds=3600,
            parameters={"duration_min": seconds, "duration_max": seconds},
        )
        for n in range(count)
    ]


ONE_THREAD = {"discovery_main": 1, "discovery_retry": 1, "get_main": 1, "get_retry": 1}


def test_a_tick_claims_no_more_than_idle_threads_and_stop_lets_running_work_finish(catalog):
    # Given three OLTs with a 0.5 s get each, and one get thread
    hosts = slow_gets(catalog, 3)
    runtime = start_local(concurrency=ONE_THREAD, tick_seconds=30)
    assert executors.current() is runtime.executor
    wait_for(
        lambda: Execution.objects.filter(status=ExecutionStatus.RUNNING).exists(),
        10,
        "one execution to start",
    )

    # Then only one was claimed: the others stay due, for this or another process
    assert Execution.objects.count() == 1

    # When the runtime stops gracefully, the running one finishes
    assert runtime.stop(graceful=True, timeout=5) == []
    assert list(Execution.objects.values_list("status", flat=True)) == [ExecutionStatus.SUCCESS]
    assert (
        SnmpJobHost.objects.filter(
            pk__in=[h.pk for h in hosts], next_run_at__lte=timezone.now()
        ).count()
        == 2
    )
    assert executors.current() is None


def test_stop_releases_work_queued_but_not_started(catalog):
    # Given a local executor with one get thread, and two claimed executions sent to it
    slow_gets(catalog, 2)
    executor = LocalExecutor(ONE_THREAD)
    executor.start()
    claimed = claim_due(timezone.now())
    for item in claimed:
        executor.dispatch(item)
    wait_for(
        lambda: Execution.objects.filter(status=ExecutionStatus.RUNNING).exists(),
        10,
        "one execution to start",
    )

    # When it stops gracefully
    assert executor.stop(graceful=True, timeout=5) == []

    # Then the running one finished, and the queued one was released, due again, no failure
    assert sorted(Execution.objects.values_list("status", flat=True)) == [
        ExecutionStatus.INTERRUPTED,
        ExecutionStatus.SUCCESS,
    ]
    released = Execution.objects.get(status=ExecutionStatus.INTERRUPTED)
    assert released.error == "the local runtime stopped before it started"
    assert released.job_host.next_run_at == released.due_at
    assert released.job_host.consecutive_failures == 0
    # And what arrives after the stop is released at once
    assert not executor.is_accepting()


def test_running_executions_are_not_limited_by_database_connections(catalog, settings):
    require_postgresql()
    pool_size = settings.DATABASES["default"]["OPTIONS"]["pool"]["max_size"]
    running = pool_size + 14
    # Given more OLTs than the connection pool holds, each with a due job of 1.5 s, and as
    # many get threads
    slow = {"duration_min": 1.5, "duration_max": 1.5}
    for n in range(running):
        olt = make_olt(catalog, f"conn-{n}")
        make_job(catalog, olt, "slow", "get", next_run_at=timezone.now(), parameters=slow)
    settings.OLTFLOW = {**settings.OLTFLOW, "CAPACITY": {"discovery": 1, "get": running, "walk": 1}}

    def connections():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            )
            return cursor.fetchone()[0]

    before = connections()

    # When they all run at once
    pools = {"discovery_main": 1, "discovery_retry": 1, "get_main": running, "get_retry": 1}
    runtime = start_local(concurrency=pools, tick_seconds=30)
    try:
        wait_for(
            lambda: Execution.objects.filter(status=ExecutionStatus.RUNNING).count() == running,
            10,
            f"{running} running executions",
        )
        during = connections()
        wait_for(
            lambda: Execution.objects.filter(status=ExecutionStatus.SUCCESS).count() == running,
            20,
            f"{running} finished executions",
        )
    finally:
        runtime.stop()

    # Then the process never opened more connections than its pool holds: a runner waiting
    # on its work holds none
    assert during - before <= pool_size
