"""execute(): start once, run the runner, record the outcome, retry, hand the OLT over."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oltflow.coordinator import execute as execute_module
from oltflow.coordinator.claim import claim_due
from oltflow.coordinator.execute import execute
from oltflow.coordinator.tests.factories import NOW, make_job, make_olt
from oltflow.jobs.choices import ExecutionStatus
from oltflow.jobs.models import Execution, SnmpJobHost
from oltflow.polling.registry import RunnerInterrupted

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        self.now += timedelta(seconds=1)
        return self.now


class Failure(Exception):
    def __init__(self, retryable):
        super().__init__("boom")
        self.retryable = retryable


def use_runner(monkeypatch, runner):
    monkeypatch.setattr(execute_module, "runner_for", lambda name: runner)


def claim_one(now=NOW):
    [claimed] = claim_due(now)
    return claimed


def test_success_is_recorded_and_the_olt_goes_to_its_next_job(catalog, recorder, committed):
    # Given an OLT with two due jobs, the first claimed
    olt = make_olt(catalog, "ok")
    first = make_job(catalog, olt, "first", "discovery")
    second = make_job(catalog, olt, "second", "get")
    claimed = claim_one()

    # When the first runs
    execution = committed(execute, claimed.execution_id, "w1", executor=recorder, clock=Clock(NOW))

    # Then it succeeded with its duration and summary, and the second was claimed at once
    execution.refresh_from_db()
    assert execution.status == ExecutionStatus.SUCCESS
    assert execution.worker == "w1"
    assert execution.duration_seconds == 1.0
    assert "simulated_seconds" in execution.summary
    first.refresh_from_db()
    assert first.last_success_at == execution.finished_at
    assert first.last_run_at == execution.started_at
    assert first.consecutive_failures == 0
    assert [c.job_host_id for c in recorder.dispatched] == [second.pk]


def test_duplicate_delivery_runs_nothing(catalog, recorder, monkeypatch):
    calls = []
    use_runner(monkeypatch, lambda execution: calls.append(execution.pk) or {})
    make_job(catalog, make_olt(catalog, "dup"), "job")
    claimed = claim_one()

    assert execute(claimed.execution_id, "w1", executor=recorder) is not None
    assert execute(claimed.execution_id, "w2", executor=recorder) is None
    assert calls == [claimed.execution_id]
    assert Execution.objects.get(pk=claimed.execution_id).worker == "w1"


def test_retryable_failure_schedules_retries_with_backoff_then_stops(
    catalog, recorder, monkeypatch, options
):
    # Given a job whose runner always times out, 2 retries 30 s apart
    options(MIN_GAP_SECONDS=0)

    def timeout(execution):
        raise Failure(retryable=True)

    use_runner(monkeypatch, timeout)
    olt = make_olt(catalog, "flaky")
    on_grid = NOW.replace(second=10)
    host = make_job(catalog, olt, "flaky", next_run_at=on_grid, interval_seconds=3600)
    clock = Clock(on_grid)

    # When the first attempt fails
    execute(claim_one(on_grid).execution_id, "w", executor=recorder, clock=clock)

    # Then a retry on the retry queue is due 30 s later
    host.refresh_from_db()
    failed_at = host.last_failure_at
    assert (host.retry_at - failed_at, host.retry_attempt, host.consecutive_failures) == (
        timedelta(seconds=30),
        2,
        1,
    )
    execution = Execution.objects.get(job_host=host)
    assert execution.status == ExecutionStatus.FAILED
    assert execution.error == "Failure: boom"

    # When the retry runs and fails too, the next waits twice as long
    [retry] = claim_due(host.retry_at)
    assert (retry.queue, retry.attempt) == ("get_retry", 2)
    clock.now = host.retry_at
    execute(retry.execution_id, "w", executor=recorder, clock=clock)
    host.refresh_from_db()
    assert host.retry_at - host.last_failure_at == timedelta(seconds=60)
    assert host.retry_attempt == 3

    # When the last attempt fails, no more retries
    [last] = claim_due(host.retry_at)
    assert last.attempt == 3
    clock.now = host.retry_at
    execute(last.execution_id, "w", executor=recorder, clock=clock)
    host.refresh_from_db()
    assert (host.retry_at, host.retry_attempt, host.consecutive_failures) == (None, 0, 3)
    assert Execution.objects.get(pk=last.execution_id).attempt == 3


def test_non_retryable_failure_and_interruption_are_not_retried(catalog, recorder, monkeypatch):
    olt = make_olt(catalog, "hard")
    host = make_job(catalog, olt, "hard")

    def broken(execution):
        raise Failure(retryable=False)

    use_runner(monkeypatch, broken)
    execute(claim_one().execution_id, "w", executor=recorder, clock=Clock(NOW))
    host.refresh_from_db()
    assert host.retry_at is None and host.consecutive_failures == 1

    def interrupted(execution):
        raise RunnerInterrupted("stopped")

    use_runner(monkeypatch, interrupted)
    SnmpJobHost.objects.filter(pk=host.pk).update(next_run_at=NOW, last_claimed_at=None)
    execution = execute(claim_one().execution_id, "w", executor=recorder, clock=Clock(NOW))
    execution.refresh_from_db()
    assert (execution.status, execution.error) == (ExecutionStatus.INTERRUPTED, "stopped")
    host.refresh_from_db()
    assert host.retry_at is None


def test_time_limit_exception_interrupts_and_retries(catalog, recorder, monkeypatch):
    class TimeLimit(Exception):
        pass

    def slow(execution):
        raise TimeLimit()

    use_runner(monkeypatch, slow)
    on_grid = NOW.replace(second=10)
    host = make_job(
        catalog, make_olt(catalog, "slow"), "slow", next_run_at=on_grid, interval_seconds=3600
    )
    execution = execute(
        claim_one(on_grid).execution_id,
        "w",
        executor=recorder,
        clock=Clock(on_grid),
        interrupted_by=(TimeLimit,),
    )
    execution.refresh_from_db()
    assert execution.status == ExecutionStatus.INTERRUPTED
    assert "time limit" in execution.error
    host.refresh_from_db()
    assert host.retry_attempt == 2


def test_master_success_makes_chained_jobs_due_and_hands_over_to_them(catalog, recorder, committed):
    # Given a discovery with a get chained after it, and an unrelated later job
    olt = make_olt(catalog, "chain")
    master = make_job(catalog, olt, "discover", "discovery")
    chained = make_job(catalog, olt, "read after", "get", run_after=master)
    make_job(catalog, olt, "later", "get", next_run_at=NOW + timedelta(hours=1))
    claimed = claim_one()
    assert claimed.job_host_id == master.pk

    # When the master succeeds
    clock = Clock(NOW)
    committed(execute, claimed.execution_id, "w", executor=recorder, clock=clock)

    # Then the chained job became due and was handed the OLT at once
    assert [c.job_host_id for c in recorder.dispatched] == [chained.pk]
    chained.refresh_from_db()
    assert chained.next_run_at is None  # claimed: waits for the master again


def test_failed_master_does_not_release_its_chain(catalog, recorder, monkeypatch):
    def broken(execution):
        raise Failure(retryable=False)

    use_runner(monkeypatch, broken)
    olt = make_olt(catalog, "chain")
    master = make_job(catalog, olt, "discover", "discovery")
    chained = make_job(catalog, olt, "read after", "get", run_after=master)
    execute(claim_one().execution_id, "w", executor=recorder, clock=Clock(NOW))
    chained.refresh_from_db()
    assert chained.next_run_at is None
    assert recorder.dispatched == []


def test_removed_job_host_interrupts_its_pending_execution(catalog, recorder):
    host = make_job(catalog, make_olt(catalog, "gone"), "gone")
    claimed = claim_one()
    host.delete()
    execution = execute(claimed.execution_id, "w", executor=recorder)
    execution.refresh_from_db()
    assert (execution.status, execution.error) == (ExecutionStatus.INTERRUPTED, "job host removed")


def test_no_hand_over_when_the_executor_stops_accepting(catalog, recorder, committed):
    olt = make_olt(catalog, "stopping")
    make_job(catalog, olt, "first", "discovery")
    make_job(catalog, olt, "second", "get")
    recorder.accepting = False
    committed(execute, claim_one().execution_id, "w", executor=recorder)
    assert recorder.dispatched == []
    assert Execution.objects.filter(olt=olt).count() == 1


def test_a_successful_execution_costs_its_worker_a_fixed_set_of_statements(
    catalog, recorder, monkeypatch
):
    # Given an OLT with one due job and nothing after it
    use_runner(monkeypatch, lambda execution: {})
    make_job(catalog, make_olt(catalog, "lean"), "only")
    claimed = claim_one()

    # When it runs
    with CaptureQueriesContext(connection) as queries:
        execute(claimed.execution_id, "w", executor=recorder, clock=Clock(NOW))

    # Then the worker ran one statement per step (savepoints are the test's transaction)
    statements = [
        " ".join(query["sql"].split()[:2])
        for query in queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]
    table = connection.ops.quote_name
    expected = [
        "SELECT t0.",  # the execution with its OLT, job, node and function
        f"UPDATE {table('jobs_execution')}",  # started
        f"UPDATE {table('jobs_snmpjobhost')}",  # the job host's last run
        f"UPDATE {table('jobs_execution')}",  # succeeded
        f"UPDATE {table('jobs_snmpjobhost')}",  # the job host's last success
        f"UPDATE {table('jobs_snmpjobhost')}",  # chained jobs made due: none
        *(["SELECT pg_advisory_xact_lock("] if connection.vendor == "postgresql" else []),
        "SELECT kind,",  # the hand-over's claim: pending per kind
        "WITH due",  # the OLT's next due job: none
    ]
    assert [s[: len(e)] for s, e in zip(statements, expected, strict=False)] == expected
    assert len(statements) == len(expected)
    assert recorder.dispatched == []
