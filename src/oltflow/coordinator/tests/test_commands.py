"""Commands: queue, run_now, worker without a broker, and `oltflow run` stopping cleanly."""

from __future__ import annotations

import io
import signal
import time
from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from oltflow.coordinator.claim import claim_due
from oltflow.coordinator.tests.conftest import output
from oltflow.coordinator.tests.factories import NOW, make_job, make_olt
from oltflow.jobs.choices import ExecutionStatus
from oltflow.jobs.models import Execution, SnmpJobHost


def run_command(*args, **options):
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_queue_command_prints_each_olt_with_its_waiting_jobs(catalog):
    olt = make_olt(catalog, "SMP-10")
    make_job(catalog, olt, "Discovery ONUs", "discovery", next_run_at=NOW)
    make_job(catalog, olt, "GET Estado ONU-1", "get", next_run_at=NOW)
    [claimed] = claim_due(NOW)

    out = run_command("queue")
    assert "PENDING per kind (limit): discovery 1/25, get 0/25, walk 0/25" in out
    assert f"OLT SMP-10 (id {olt.pk}): PENDING execution {claimed.execution_id} Discovery" in out
    assert "GET Estado ONU-1" in out and "olt_busy" in out

    assert run_command("queue", "SMP-10") == out
    assert run_command("queue", str(olt.pk)) == out
    with pytest.raises(CommandError, match="No OLT is named or numbered 'nope'"):
        run_command("queue", "nope")


@pytest.mark.django_db
def test_run_now_command_requests_the_job_host(catalog):
    host = make_job(catalog, make_olt(catalog, "cli"), "manual", next_run_at=NOW)
    out = run_command("run_now", str(host.pk))
    assert f"Job host {host.pk} is requested" in out
    assert SnmpJobHost.objects.get(pk=host.pk).run_requested_at is not None
    with pytest.raises(CommandError, match="job host 999999 does not exist"):
        run_command("run_now", "999999")


def test_worker_and_coordinator_need_a_broker(settings):
    settings.OLTFLOW = {**settings.OLTFLOW, "BROKER_URL": ""}
    for command in ("worker", "coordinator"):
        with pytest.raises(CommandError, match="OLTFLOW_BROKER_URL is not set"):
            run_command(command)


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_run_command_runs_jobs_and_stops_cleanly_on_sigterm(catalog, spawn):
    # Given an OLT with two quick jobs and one that takes 1 s, due now
    olt = make_olt(catalog, "foreground")
    now = timezone.now()
    make_job(catalog, olt, "a", "discovery", next_run_at=now)
    make_job(catalog, olt, "b", "get", next_run_at=now)
    slow = make_job(
        catalog,
        olt,
        "c",
        "get",
        next_run_at=now,
        parameters={"duration_min": 1.0, "duration_max": 1.0},
    )

    # When `oltflow run` works until the slow one starts, then gets SIGTERM
    process = spawn("run", "--tick-seconds", "0.2", "--stop-timeout", "10")
    wait_for(
        lambda: Execution.objects.filter(job_host=slow, status="RUNNING").exists(),
        30,
        "the slow job to start",
    )
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    out = output(process)

    # Then it let the running execution finish, and exited cleanly
    assert process.returncode == 0, out
    assert "Stopped" in out
    assert (
        list(Execution.objects.order_by("id").values_list("status", flat=True))
        == [ExecutionStatus.SUCCESS] * 3
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_run_command_interrupts_what_outlives_the_stop_timeout(catalog, spawn):
    # Given a job that takes 30 s
    olt = make_olt(catalog, "long")
    host = make_job(
        catalog,
        olt,
        "long",
        next_run_at=timezone.now(),
        interval_seconds=3600,
        parameters={"duration_min": 30.0, "duration_max": 30.0},
    )

    # When `oltflow run` is stopped while it runs, with 0.5 s to finish
    process = spawn("run", "--tick-seconds", "0.2", "--stop-timeout", "0.5")
    wait_for(
        lambda: Execution.objects.filter(job_host=host, status="RUNNING").exists(),
        30,
        "the long job to start",
    )
    process.send_signal(signal.SIGINT)
    process.wait(timeout=30)
    out = output(process)

    # Then the execution is INTERRUPTED with the reason, and a retry is scheduled
    assert process.returncode == 0, out
    execution = Execution.objects.get(job_host=host)
    assert execution.status == ExecutionStatus.INTERRUPTED
    assert execution.error == "the local runtime stopped while it ran"
    host.refresh_from_db()
    assert host.retry_at is not None
    assert host.retry_at - execution.finished_at == timedelta(seconds=30)
