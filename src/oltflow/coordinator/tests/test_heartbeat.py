"""The process's heartbeat thread: it stamps every running execution and drops ended ones."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from oltflow.coordinator.claim import claim_due
from oltflow.coordinator.heartbeat import Heartbeat, beater
from oltflow.coordinator.tests.factories import NOW, make_job, make_olt
from oltflow.jobs.choices import ExecutionStatus
from oltflow.jobs.models import Execution

pytestmark = pytest.mark.django_db(transaction=True)

LONG_AGO = NOW - timedelta(days=3650)


def running_executions(catalog, count):
    for n in range(count):
        make_job(catalog, make_olt(catalog, f"beat-{n}"), "beat")
    executions = [Execution.objects.get(pk=c.execution_id) for c in claim_due(NOW)]
    for execution in executions:
        execution.start("w", LONG_AGO)
    return executions


def wait_until(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_one_thread_beats_every_running_execution(catalog):
    # Given three RUNNING executions with a heartbeat from long ago
    executions = running_executions(catalog, 3)

    # When all three beat for a while
    beats = [Heartbeat(execution, interval=0.02) for execution in executions]
    for beat in beats:
        beat.__enter__()
    try:
        wait_until(
            lambda: not Execution.objects.filter(heartbeat_at__lte=LONG_AGO).exists(),
        )
    finally:
        for beat in beats:
            beat.__exit__(None, None, None)

    # Then each heartbeat moved to the real clock, and the beater's thread exits when idle
    assert all(not beat.beating for beat in beats)
    wait_until(lambda: beater._thread is None)


def test_an_ended_execution_stops_beating_and_the_others_go_on(catalog):
    # Given two RUNNING executions, one of which the reaper ends
    ended, alive = running_executions(catalog, 2)
    ended.finish(ExecutionStatus.INTERRUPTED, NOW, error="reaped")

    # When both beat
    with Heartbeat(ended, interval=0.02) as ended_beat, Heartbeat(alive, interval=0.02) as beat:
        wait_until(lambda: not ended_beat.beating)
        alive.refresh_from_db()
        first = alive.heartbeat_at
        wait_until(lambda: Execution.objects.get(pk=alive.pk).heartbeat_at > first)
        # Then the ended one is no longer beaten and keeps its row as the reaper left it,
        # while the other still beats
        assert beat.beating

    ended.refresh_from_db()
    assert ended.status == ExecutionStatus.INTERRUPTED
    assert ended.heartbeat_at == LONG_AGO
