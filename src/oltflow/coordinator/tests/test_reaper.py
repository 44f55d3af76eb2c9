"""The reaper: executions whose worker vanished end, and their OLT is free again."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oltflow.catalog.models import TaskTemplate
from oltflow.coordinator.claim import claim_due
from oltflow.coordinator.reaper import Reaped, reap
from oltflow.coordinator.tests.factories import NOW, make_fleet, make_job, make_olt
from oltflow.jobs.choices import ExecutionStatus
from oltflow.jobs.models import Execution, SnmpJobHost

pytestmark = pytest.mark.django_db

ON_GRID = NOW.replace(second=10)


@pytest.fixture
def running(catalog):
    """A job claimed and started on ON_GRID by a worker that will go silent."""
    olt = make_olt(catalog, "victim")
    host = make_job(catalog, olt, "victim", next_run_at=ON_GRID, interval_seconds=3600)
    [claimed] = claim_due(ON_GRID)
    execution = Execution.objects.get(pk=claimed.execution_id)
    execution.start("killed-worker", ON_GRID)
    return host, execution


def test_healthy_executions_are_left_alone(running):
    host, execution = running
    execution.beat(ON_GRID + timedelta(seconds=25))
    result = reap(ON_GRID + timedelta(seconds=40))
    assert result.interrupted == [] and result.redispatched == [] and result.released == []
    execution.refresh_from_db()
    assert execution.status == ExecutionStatus.RUNNING


def test_silent_worker_is_interrupted_and_its_job_retried(running, caplog):
    # Given a RUNNING execution whose last heartbeat is 31 s old
    host, execution = running
    now = ON_GRID + timedelta(seconds=31)

    # When the reaper runs
    with caplog.at_level(logging.WARNING, logger="oltflow.coordinator.reaper"):
        result = reap(now)

    # Then the execution is INTERRUPTED with the reason, the OLT is free, a retry is scheduled
    assert result.interrupted == [execution.pk]
    execution.refresh_from_db()
    assert execution.status == ExecutionStatus.INTERRUPTED
    assert execution.error == "no heartbeat for 31 s (killed-worker)"
    assert f"Reaping execution {execution.pk} on OLT {host.olt_id}" in caplog.text
    host.refresh_from_db()
    assert (host.retry_at, host.retry_attempt) == (now + timedelta(seconds=30), 2)
    [again] = claim_due(host.retry_at)
    assert (again.job_host_id, again.queue, again.attempt) == (host.pk, "get_retry", 2)


def test_a_silent_worker_sends_the_pending_messages_again_at_once(
    catalog, running, options, caplog
):
    # Given a worker silent since ON_GRID, and two PENDING executions sent 20 s later: one on
    # its first dispatch (its message may be in the silent worker's hands), one already sent
    # twice
    options(HEARTBEAT_TIMEOUT_SECONDS=30, DISPATCH_TIMEOUT_SECONDS=60, REDISPATCHES=1)
    host, execution = running
    sent_at = ON_GRID + timedelta(seconds=20)
    for name in ("first dispatch", "sent twice"):
        make_job(catalog, make_olt(catalog, name), name, next_run_at=sent_at)
    first, twice = sorted(claim_due(sent_at), key=lambda c: c.job_name)
    assert Execution.objects.get(pk=twice.execution_id).redispatch(sent_at)

    # While the worker is within its heartbeat timeout, the young PENDING rows wait
    assert reap(ON_GRID + timedelta(seconds=29)) == Reaped()

    # When the reaper finds the worker silent
    with caplog.at_level(logging.WARNING, logger="oltflow.coordinator.reaper"):
        result = reap(ON_GRID + timedelta(seconds=31))

    # Then it sends again the one with a dispatch left, at once, and leaves the other to its
    # dispatch timeout
    assert result.interrupted == [execution.pk]
    assert [c.execution_id for c in result.redispatched] == [first.execution_id]
    assert result.released == []
    assert f"Execution {first.execution_id} on OLT {first.olt_id} possibly lost" in caplog.text
    states = Execution.objects.filter(pk__in=[first.execution_id, twice.execution_id])
    assert sorted(states.values_list("status", "dispatch_count")) == [
        (ExecutionStatus.PENDING, 2),
        (ExecutionStatus.PENDING, 2),
    ]
    # And the next pass, with no silent worker left, sends nothing again
    assert reap(ON_GRID + timedelta(seconds=32)) == Reaped()


def test_an_execution_past_its_deadline_sends_no_pending_message_again(catalog, options):
    # Given an execution past its deadline whose worker still beats, and a young PENDING one
    options(HEARTBEAT_TIMEOUT_SECONDS=30, DISPATCH_TIMEOUT_SECONDS=60)
    TaskTemplate.objects.filter(pk=catalog.task_templates["get"].pk).update(time_limit_seconds=10)
    make_job(catalog, make_olt(catalog, "slow"), "slow", next_run_at=ON_GRID)
    [slow] = claim_due(ON_GRID)
    execution = Execution.objects.get(pk=slow.execution_id)
    execution.start("slow-worker", ON_GRID, grace_seconds=0)
    make_job(catalog, make_olt(catalog, "young"), "young", next_run_at=ON_GRID)
    claim_due(ON_GRID + timedelta(seconds=10))
    execution.beat(ON_GRID + timedelta(seconds=10))

    # When the reaper ends the slow one, the worker is alive: nothing is sent again
    result = reap(ON_GRID + timedelta(seconds=12))
    assert result.interrupted == [execution.pk]
    assert result.redispatched == []


def test_execution_past_its_deadline_is_interrupted(catalog):
    # Given a job with a 60 s time limit, started with a 15 s grace, still beating
    TaskTemplate.objects.filter(pk=catalog.task_templates["get"].pk).update(time_limit_seconds=60)
    make_job(catalog, make_olt(catalog, "slow"), "slow", next_run_at=ON_GRID)
    [claimed] = claim_due(ON_GRID)
    execution = Execution.objects.get(pk=claimed.execution_id)
    execution.start("slow-worker", ON_GRID, grace_seconds=15)
    execution.beat(ON_GRID + timedelta(seconds=70))

    # Then it is left alone until its deadline, and interrupted after it
    assert reap(ON_GRID + timedelta(seconds=74)).interrupted == []
    assert reap(ON_GRID + timedelta(seconds=76)).interrupted == [execution.pk]
    execution.refresh_from_db()
    assert execution.error == "outlived its time limit of 60 s"


def test_pending_never_picked_up_is_sent_again_then_released(catalog, options):
    # Given a PENDING execution that no worker takes
    options(DISPATCH_TIMEOUT_SECONDS=60, REDISPATCHES=1)
    olt = make_olt(catalog, "lost")
    host = make_job(catalog, olt, "lost", next_run_at=ON_GRID)
    [claimed] = claim_due(ON_GRID)

    # When the dispatch timeout passes, it is sent again once
    assert reap(ON_GRID + timedelta(seconds=60)).redispatched == []
    result = reap(ON_GRID + timedelta(seconds=61))
    assert [c.execution_id for c in result.redispatched] == [claimed.execution_id]
    assert result.redispatched[0].queue == "get_main"
    execution = Execution.objects.get(pk=claimed.execution_id)
    assert (execution.status, execution.dispatch_count) == (ExecutionStatus.PENDING, 2)

    # When it is still not picked up a timeout later, it is released
    assert reap(ON_GRID + timedelta(seconds=120)).released == []
    result = reap(ON_GRID + timedelta(seconds=122))
    assert result.released == [claimed.execution_id]
    execution.refresh_from_db()
    assert execution.status == ExecutionStatus.INTERRUPTED
    assert execution.error == "not picked up after 2 dispatches"

    # Then its job host is due as before the claim, and no failure is counted
    host.refresh_from_db()
    assert host.next_run_at == ON_GRID
    assert host.consecutive_failures == 0
    [again] = claim_due(ON_GRID + timedelta(seconds=125))
    assert (again.job_host_id, again.attempt, again.queue) == (host.pk, 1, "get_main")


def test_released_retry_keeps_its_attempt(catalog, options):
    options(DISPATCH_TIMEOUT_SECONDS=1, REDISPATCHES=0)
    olt = make_olt(catalog, "lost-retry")
    host = make_job(catalog, olt, "r", next_run_at=ON_GRID + timedelta(hours=1), retry_at=ON_GRID)
    SnmpJobHost.objects.filter(pk=host.pk).update(retry_attempt=3)
    [claimed] = claim_due(ON_GRID)
    assert claimed.attempt == 3
    assert reap(ON_GRID + timedelta(seconds=2)).released == [claimed.execution_id]
    host.refresh_from_db()
    assert (host.retry_at, host.retry_attempt) == (ON_GRID, 3)


def test_reaper_reads_only_suspects_whatever_the_number_of_healthy_rows(catalog, options):
    options(CAPACITY={"discovery": 100, "get": 100, "walk": 100})
    olts = make_fleet(catalog, 40, 1)
    claim_due(NOW)
    for execution in Execution.objects.all():
        execution.start("w", NOW)
    with CaptureQueriesContext(connection) as queries:
        result = reap(NOW + timedelta(seconds=10))
    assert result.interrupted == []
    assert len(queries) == 1
    assert len(olts) == Execution.objects.filter(status=ExecutionStatus.RUNNING).count()
