"""The schedule over many runs, on an injected clock: order, offsets, no drift, no catch-up."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from oltflow.coordinator.execute import execute
from oltflow.coordinator.tests.factories import NOW, make_job, make_olt
from oltflow.coordinator.tick import tick
from oltflow.jobs.choices import ExecutionStatus
from oltflow.jobs.models import Execution, SnmpJobHost

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def drain(committed, recorder, clock, seconds_per_run):
    """Run what was dispatched, and what each hand-over dispatches, on the fake clock."""
    while recorder.dispatched:
        item = recorder.dispatched.pop(0)
        clock.now += timedelta(seconds=seconds_per_run)
        committed(execute, item.execution_id, "test", executor=recorder, clock=clock)


def test_seed_example_runs_in_order_through_tick_and_hand_over(catalog, recorder, committed):
    # Given the seed's four jobs due at once on one OLT
    olt = make_olt(catalog, "SMP-10")
    for name, kind in [
        ("GET Estado ONU-2", "get"),
        ("Discovery Puertos", "discovery"),
        ("GET Estado ONU-1", "get"),
        ("Discovery ONUs", "discovery"),
    ]:
        make_job(catalog, olt, name, kind)
    clock = Clock(NOW)

    # When one tick starts the first and every hand-over starts the next
    committed(tick, executor=recorder, now=clock.now)
    drain(committed, recorder, clock, seconds_per_run=1)

    # Then they ran in exactly this order, back to back, all successful
    runs = Execution.objects.order_by("created_at", "id")
    assert [e.job_host.job.name for e in runs] == [
        "Discovery ONUs",
        "Discovery Puertos",
        "GET Estado ONU-1",
        "GET Estado ONU-2",
    ]
    assert {e.status for e in runs} == {ExecutionStatus.SUCCESS}


def test_discovery_on_00_and_get_on_10_for_100_runs_without_drift(catalog, recorder, committed):
    # Given a 60 s discovery (offset :00) and a 60 s get (offset :10) on one OLT, starting on
    # their first grid points
    olt = make_olt(catalog, "grid")
    discovery = make_job(
        catalog, olt, "disc", "discovery", next_run_at=NOW.replace(minute=1, second=0)
    )
    get = make_job(catalog, olt, "get", "get", next_run_at=NOW.replace(second=10))
    clock = Clock(NOW)
    jitter = random.Random(7)

    # When ticks come late by up to 4.9 s and each run takes up to 3 s, for 100 minutes
    while Execution.objects.filter(job_host=discovery).count() < 100:
        due = min(SnmpJobHost.objects.values_list("next_run_at", flat=True))
        clock.now = max(clock.now, due) + timedelta(seconds=jitter.uniform(0, 4.9))
        committed(tick, executor=recorder, now=clock.now)
        drain(committed, recorder, clock, seconds_per_run=jitter.uniform(0, 3))

    # Then every run was due on its kind's second, exactly one interval after the previous one
    for host, second in [(discovery, 0), (get, 10)]:
        due_times = list(
            Execution.objects.filter(job_host=host)
            .order_by("due_at")
            .values_list("due_at", flat=True)[:100]
        )
        assert len(due_times) == 100
        assert {(moment.second, moment.microsecond) for moment in due_times} == {(second, 0)}
        gaps = {later - earlier for earlier, later in zip(due_times, due_times[1:], strict=False)}
        assert gaps == {timedelta(seconds=60)}
        host.refresh_from_db()
        assert host.missed_runs == 0


def test_after_a_two_hour_outage_a_60s_job_runs_once(catalog, recorder, committed):
    # Given a 60 s job due at 10:00:10, and a coordinator that comes back two hours later
    olt = make_olt(catalog, "outage")
    host = make_job(catalog, olt, "minutely", "get", next_run_at=NOW.replace(second=10))
    clock = Clock(NOW + timedelta(hours=2, seconds=6))

    # When ticks run every second for half a minute
    for _ in range(30):
        committed(tick, executor=recorder, now=clock.now)
        drain(committed, recorder, clock, seconds_per_run=0.5)
        clock.now += timedelta(seconds=1)

    # Then the job ran once, not 120 times, and the missed periods are counted
    assert Execution.objects.filter(job_host=host).count() == 1
    host.refresh_from_db()
    assert host.missed_runs == 120
    assert host.next_run_at == NOW.replace(second=10) + timedelta(hours=2, minutes=1)
