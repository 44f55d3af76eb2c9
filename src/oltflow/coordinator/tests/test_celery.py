"""The Celery back end against a real Redis and real `oltflow worker` processes.

The test process plays the coordinator (it ticks with the Celery executor); workers are
subprocesses on the same test database.
"""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from conftest import require_postgresql
from oltflow.catalog.models import TaskTemplate
from oltflow.celery_app import app
from oltflow.coordinator.executors.celery import CeleryExecutor
from oltflow.coordinator.tests.conftest import output
from oltflow.coordinator.tests.factories import make_job, make_olt
from oltflow.coordinator.tick import tick
from oltflow.jobs.choices import ACTIVE_STATUSES, ExecutionStatus
from oltflow.jobs.models import Execution

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Short thresholds, for the workers (environment) and for this process (settings).
THRESHOLDS = {
    "HEARTBEAT_SECONDS": 0.2,
    "HEARTBEAT_TIMEOUT_SECONDS": 2.0,
    "DISPATCH_TIMEOUT_SECONDS": 3.0,
    "MIN_GAP_SECONDS": 0.0,
}


@pytest.fixture
def celery(broker_url, options):
    require_postgresql()
    options(BROKER_URL=broker_url, **THRESHOLDS)
    # The app read an empty OLTFLOW_BROKER_URL at import; it connects lazily, on first send.
    app.conf.broker_url = broker_url
    return {
        "OLTFLOW_BROKER_URL": broker_url,
        **{f"OLTFLOW_{name}": str(value) for name, value in THRESHOLDS.items()},
    }


def start_worker(spawn, env, name):
    # Its own session, so that killing the group kills the pool processes too.
    return spawn(
        "worker",
        "--concurrency",
        "2",
        "--hostname",
        f"{name}@%h",
        env=env,
        start_new_session=True,
    )


def tick_until(predicate, timeout, what, worker=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        tick(executor=CeleryExecutor())
        if predicate():
            return time.monotonic()
        time.sleep(0.2)
    log = output(worker) if worker is not None else ""
    raise AssertionError(f"timed out waiting for {what}\n{log[-4000:]}")


def job_due_now(catalog, name, kind="get", **fields):
    """An hourly job on an OLT of its own, both called ``name``, due now."""
    return make_job(
        catalog,
        make_olt(catalog, name),
        name,
        kind,
        next_run_at=timezone.now(),
        interval_seconds=3600,
        **fields,
    )


def run_victim(catalog, spawn, env, seconds):
    """A job of ``seconds`` on its own OLT, RUNNING on a worker named "first"."""
    victim = job_due_now(
        catalog, "victim", parameters={"duration_min": seconds, "duration_max": seconds}
    )
    first = start_worker(spawn, env, "first")
    tick_until(
        lambda: Execution.objects.filter(job_host=victim, status="RUNNING").exists(),
        60,
        "the victim to run",
        first,
    )
    return victim, first


def kill_and_replace(first, spawn, env):
    """SIGKILL the worker's whole process group, then start a worker named "second"."""
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(10)
    killed_at = time.monotonic()
    return killed_at, start_worker(spawn, env, "second")


def test_a_celery_worker_runs_executions_and_hands_over(catalog, spawn, celery):
    # Given an OLT with three quick jobs, and a worker on all execution queues
    olt = make_olt(catalog, "celery")
    now = timezone.now()
    for n, kind in enumerate(["discovery", "get", "get"]):
        make_job(catalog, olt, f"job {n}", kind, next_run_at=now, interval_seconds=3600)
    worker = start_worker(spawn, celery, "w1")

    # When the coordinator ticks
    tick_until(
        lambda: Execution.objects.filter(status=ExecutionStatus.SUCCESS).count() == 3,
        60,
        "three executions",
        worker,
    )

    # Then the worker ran all three, each with the worker's name and on its kind's queue
    runs = list(Execution.objects.order_by("started_at"))
    assert [r.queue for r in runs] == ["discovery_main", "get_main", "get_main"]
    assert all(r.worker.startswith("w1@") for r in runs)


def test_killed_worker_frees_its_olt_and_the_job_runs_again(catalog, spawn, celery):
    # Given an OLT whose 3 s job will be running when its worker is killed (1 s retry delay),
    # and another OLT with quick jobs every 2 s
    TaskTemplate.objects.filter(pk=catalog.task_templates["get"].pk).update(retry_delay_seconds=1)
    bystander_olt = make_olt(catalog, "bystander")
    for n in range(3):
        make_job(
            catalog, bystander_olt, f"quick {n}", next_run_at=timezone.now(), interval_seconds=2
        )
    victim, first = run_victim(catalog, spawn, celery, 3.0)

    # When the worker's whole process group is killed in the middle of the execution
    killed_at, second = kill_and_replace(first, spawn, celery)

    # Then the reaper frees the OLT within the heartbeat timeout plus a tick
    freed_at = tick_until(
        lambda: (
            not Execution.objects.filter(
                olt=victim.olt, status__in=ACTIVE_STATUSES, attempt=1
            ).exists()
        ),
        30,
        "the victim's OLT to be freed",
        second,
    )
    assert freed_at - killed_at < THRESHOLDS["HEARTBEAT_TIMEOUT_SECONDS"] + 1.5
    reaped = Execution.objects.get(job_host=victim, attempt=1)
    assert reaped.status == ExecutionStatus.INTERRUPTED
    assert reaped.error.startswith("no heartbeat for")

    # And the job runs again, as a retry on the retry queue, on the second worker
    tick_until(
        lambda: Execution.objects.filter(job_host=victim, attempt=2, status="SUCCESS").exists(),
        60,
        "the retry to succeed",
        second,
    )
    retry = Execution.objects.get(job_host=victim, attempt=2)
    assert retry.queue == "get_retry"
    assert retry.worker.startswith("second@")

    # And the other OLT was never blocked: it kept running on the second worker
    assert Execution.objects.filter(
        olt=bystander_olt, status="SUCCESS", worker__startswith="second@"
    ).exists()
    stuck = Execution.objects.filter(status__in=ACTIVE_STATUSES, created_at__lt=timezone.now())
    assert all(e.worker.startswith("second@") or e.status == "PENDING" for e in stuck)


def test_a_message_held_by_a_killed_worker_is_sent_again_when_it_is_found_dead(
    catalog, spawn, celery, options, broker_url
):
    # Given a worker running a 5 s job, frozen while it waits for its next message, and a
    # dispatch timeout far beyond this test
    options(DISPATCH_TIMEOUT_SECONDS=60.0)
    _, first = run_victim(catalog, spawn, celery, 5.0)
    os.killpg(first.pid, signal.SIGSTOP)

    # When a job comes due and the frozen worker takes its message from the queue
    late = job_due_now(catalog, "late")
    tick(executor=CeleryExecutor())
    queue = redis.Redis.from_url(broker_url)
    deadline = time.monotonic() + 5
    while queue.llen("get_main") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert queue.llen("get_main") == 0, "the frozen worker did not take the message"

    # And the worker is killed, then another one starts
    killed_at, second = kill_and_replace(first, spawn, celery)

    # Then the reaper, finding the first worker silent, sends the message again, and the job
    # runs on the second worker long before the dispatch timeout
    ran_at = tick_until(
        lambda: Execution.objects.filter(job_host=late, status="SUCCESS").exists(),
        30,
        "the late job to run",
        second,
    )
    assert ran_at - killed_at < 20
    run = Execution.objects.get(job_host=late)
    assert (run.attempt, run.dispatch_count) == (1, 2)
    assert run.worker.startswith("second@")


def test_the_task_template_time_limit_interrupts_a_celery_execution(catalog, spawn, celery):
    # Given a job that sleeps 5 s under a task template limit of 1 s
    TaskTemplate.objects.filter(pk=catalog.task_templates["discovery"].pk).update(
        time_limit_seconds=1, max_retries=0
    )
    host = job_due_now(
        catalog, "too slow", "discovery", parameters={"duration_min": 5.0, "duration_max": 5.0}
    )
    worker = start_worker(spawn, celery, "limits")

    # When it runs on a Celery worker
    tick_until(
        lambda: Execution.objects.filter(job_host=host, status="INTERRUPTED").exists(),
        30,
        "the soft time limit",
        worker,
    )

    # Then Celery's soft limit, sent with the task, ended it after about one second
    execution = Execution.objects.get(job_host=host)
    assert execution.error == "time limit reached (SoftTimeLimitExceeded)"
    assert 0.9 < execution.duration_seconds < 3


def test_coordinator_command_starts_a_job_on_its_due_second(catalog, spawn, celery):
    # Given a job due 4 s from now, a worker, and `oltflow coordinator` ticking at least every
    # 30 s only
    due = timezone.now() + timedelta(seconds=4)
    host = make_job(catalog, make_olt(catalog, "loop"), "loop", next_run_at=due)
    worker = start_worker(spawn, celery, "loop-worker")
    coordinator = spawn("coordinator", "--tick-seconds", "30", env=celery, start_new_session=True)

    # When the job runs
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        # The first execution: with no minimum gap in these tests, the off-grid due time is
        # followed by the job's next grid point, which may be a fraction of a second later.
        started = Execution.objects.filter(job_host=host, started_at__isnull=False)
        execution = started.order_by("created_at", "id").first()
        if execution is not None:
            break
        time.sleep(0.2)
    else:
        raise AssertionError(
            f"the job never ran\n{output(coordinator)[-3000:]}\n{output(worker)[-3000:]}"
        )

    # Then it was claimed on its due second: the loop slept until the due time, not 30 s
    assert execution.due_at == due
    assert execution.created_at - due < timedelta(seconds=0.5)


def test_a_message_sent_to_one_queue_reaches_only_that_queue():
    # Given the application's queues
    queues = list(app.amqp.queues.values())

    # When the router picks where an execution for get_main goes
    route = app.amqp.router.route({"queue": "get_main"}, "oltflow.execute")["queue"]

    # Then its exchange and routing key bind that queue alone
    bound = [
        q.name
        for q in queues
        if (q.exchange.name, q.routing_key) == (route.exchange.name, route.routing_key)
    ]
    assert bound == ["get_main"]
