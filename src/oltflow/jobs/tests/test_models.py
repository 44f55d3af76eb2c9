"""Execution and job host transitions: conditional updates that only one party can win."""

from __future__ import annotations

from datetime import timedelta

import pytest

from oltflow.coordinator.tests.factories import NOW, make_catalog, make_job, make_olt
from oltflow.jobs.choices import ACTIVE_STATUSES, TERMINAL_STATUSES, ExecutionStatus
from oltflow.jobs.models import Execution

pytestmark = pytest.mark.django_db


@pytest.fixture
def execution():
    catalog = make_catalog()
    host = make_job(catalog, make_olt(catalog, "olt"), "job")
    return Execution.objects.create(
        job_host=host,
        olt=host.olt,
        kind="get",
        queue="get_main",
        due_at=NOW,
        created_at=NOW,
        time_limit_seconds=60,
        dispatched_at=NOW,
        dispatch_count=1,
    )


def fresh(execution):
    return Execution.objects.get(pk=execution.pk)


def test_status_groups():
    assert set(ACTIVE_STATUSES) | set(TERMINAL_STATUSES) == set(ExecutionStatus)
    assert not set(ACTIVE_STATUSES) & set(TERMINAL_STATUSES)


def test_start_happens_once_and_sets_the_deadline(execution):
    assert execution.start("w1", NOW, grace_seconds=15)
    assert (execution.status, execution.worker) == (ExecutionStatus.RUNNING, "w1")
    row = fresh(execution)
    assert row.deadline_at == NOW + timedelta(seconds=75)
    assert row.heartbeat_at == row.started_at == NOW
    assert not fresh(execution).start("w2", NOW + timedelta(seconds=1))
    assert fresh(execution).worker == "w1"


def test_beat_only_while_running(execution):
    assert not execution.beat(NOW)
    execution.start("w", NOW)
    assert execution.beat(NOW + timedelta(seconds=5))
    assert fresh(execution).heartbeat_at == NOW + timedelta(seconds=5)
    execution.finish(ExecutionStatus.SUCCESS, NOW + timedelta(seconds=6))
    assert not execution.beat(NOW + timedelta(seconds=7))


def test_finish_records_the_outcome_once(execution):
    execution.start("w", NOW)
    later = NOW + timedelta(seconds=2.5)
    assert execution.finish(ExecutionStatus.FAILED, later, error="timeout", summary={"rows": 1})
    row = fresh(execution)
    assert (row.status, row.finished_at, row.duration_seconds) == ("FAILED", later, 2.5)
    assert (row.error, row.summary) == ("timeout", {"rows": 1})
    # The reaper arriving second changes nothing.
    assert not fresh(execution).finish(ExecutionStatus.INTERRUPTED, later, error="reaped")
    assert fresh(execution).status == ExecutionStatus.FAILED


def test_finish_needs_a_terminal_status_and_works_on_pending_rows(execution):
    with pytest.raises(ValueError):
        execution.finish(ExecutionStatus.RUNNING, NOW)
    assert execution.finish(ExecutionStatus.INTERRUPTED, NOW, error="released")
    assert fresh(execution).duration_seconds is None


def test_redispatch_counts_only_while_pending(execution):
    assert execution.redispatch(NOW + timedelta(seconds=60))
    row = fresh(execution)
    assert (row.dispatch_count, row.dispatched_at) == (2, NOW + timedelta(seconds=60))
    execution.start("w", NOW)
    assert not execution.redispatch(NOW + timedelta(seconds=120))


def test_job_host_outcomes(execution):
    host = execution.job_host
    host.record_failure(NOW, retry_at=NOW + timedelta(seconds=30), attempt=2)
    host.record_failure(NOW, retry_at=None, attempt=3)
    host.refresh_from_db()
    assert (host.consecutive_failures, host.retry_at, host.retry_attempt) == (2, None, 0)
    host.record_failure(NOW, retry_at=NOW + timedelta(seconds=30), attempt=2)
    host.record_success(NOW + timedelta(seconds=40))
    host.refresh_from_db()
    assert (host.consecutive_failures, host.retry_at, host.retry_attempt) == (0, None, 0)
    assert host.last_success_at == NOW + timedelta(seconds=40)
