"""Runner failures: typed SNMP errors in bounded time, walk guards, configuration errors."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from oltflow.catalog.models import TaskTemplate
from oltflow.inventory.models import Onu
from oltflow.inventory.services import ListedOnu, record_discovery
from oltflow.jobs.choices import ExecutionStatus
from oltflow.jobs.models import SnmpJobHost
from oltflow.polling import discovery, get
from oltflow.polling.context import PollingConfigError
from oltflow.polling.tests.helpers import call_runner, job_host, make_olt, run_job, set_parameters
from oltflow.snmp.errors import (
    SnmpDeadlineError,
    SnmpRowLimitError,
    SnmpTimeoutError,
    SnmpUnreachableError,
)

pytestmark = pytest.mark.django_db

#: (node key, runner, node parameters): discovery, and get by walk and by GET.
RUNS = {
    "discovery": ("discovery.onus", discovery.run, {}),
    "get-walk": ("optical.rx", get.run, {"walk_ratio": 0}),
    "get-get": ("optical.rx", get.run, {"walk_ratio": 2}),
}


def with_onus(olt) -> None:
    """Give ``olt`` four present ONUs, as a discovery would have."""
    listed = [ListedOnu(f"4194312192.{n}") for n in range(4)]
    record_discovery(olt.pk, listed, now=timezone.now(), absent_after=3)


@pytest.mark.parametrize("run", RUNS)
def test_a_silent_olt_raises_a_retryable_timeout_quickly(catalog, snmp_simulator, run):
    # Given an OLT that never answers, polled with a short timeout and no retries
    key, runner, parameters = RUNS[run]
    olt = make_olt(snmp_simulator, "silent-1", timeout_seconds=0.2, retries=0)
    with_onus(olt)
    if parameters:
        set_parameters(olt, key, **parameters)

    # When the runner runs
    started = time.monotonic()
    with pytest.raises(SnmpTimeoutError) as caught:
        call_runner(job_host(olt, key), runner)

    # Then it fails with the typed, retryable error, in bounded time, writing nothing
    assert caught.value.retryable
    assert time.monotonic() - started < 2.0
    assert Onu.objects.filter(olt=olt).count() == 4


@pytest.mark.parametrize("run", RUNS)
def test_a_closed_port_raises_unreachable_at_once(catalog, snmp_simulator, run):
    key, runner, parameters = RUNS[run]
    olt = make_olt(snmp_simulator, "huawei-1", snmp_port=snmp_simulator.closed_port)
    with_onus(olt)
    if parameters:
        set_parameters(olt, key, **parameters)

    started = time.monotonic()
    with pytest.raises(SnmpUnreachableError) as caught:
        call_runner(job_host(olt, key), runner)

    assert caught.value.retryable
    assert time.monotonic() - started < 1.0


def test_the_coordinator_retries_an_execution_that_timed_out(catalog, snmp_simulator):
    # Given a silent OLT whose discovery is next due in an hour (a retry comes sooner)
    olt = make_olt(snmp_simulator, "silent-1", timeout_seconds=0.2, retries=0)
    host = job_host(olt, "discovery.onus")
    SnmpJobHost.objects.filter(pk=host.pk).update(next_run_at=timezone.now() + timedelta(hours=1))

    # When it runs, then it fails and the retryable error schedules the second attempt
    execution = run_job(host)

    assert execution.status == ExecutionStatus.FAILED
    assert execution.error.startswith("SnmpTimeoutError: no answer within 0.2 s")
    host = SnmpJobHost.objects.get(pk=host.pk)
    assert host.retry_at is not None and host.retry_attempt == 2


def test_the_row_cap_fails_the_walk_and_writes_nothing(catalog, snmp_simulator):
    olt = make_olt(snmp_simulator, "huawei-1")
    set_parameters(olt, "discovery.onus", max_rows=10)

    with pytest.raises(SnmpRowLimitError) as caught:
        call_runner(job_host(olt, "discovery.onus"), discovery.run)

    assert not caught.value.retryable
    assert len(caught.value.partial) == 10
    assert not Onu.objects.filter(olt=olt).exists()


def test_the_walk_deadline_comes_from_the_task_template_time_limit(catalog, snmp_simulator):
    # Given a one-second time limit and an OLT answering in 0.4 s, one row per request
    TaskTemplate.objects.filter(name="Discovery").update(time_limit_seconds=1)
    olt = make_olt(snmp_simulator, "slow-1", max_repetitions=1)

    started = time.monotonic()
    with pytest.raises(SnmpDeadlineError):
        call_runner(job_host(olt, "discovery.onus"), discovery.run)

    # Then the walk stopped at its deadline (0.8 of the limit, at least 1 s) plus one request
    assert 1.0 <= time.monotonic() - started < 2.5
    assert not Onu.objects.filter(olt=olt).exists()


@pytest.mark.parametrize(
    ("key", "parameters"),
    [
        ("discovery.onus", {"absent_after_misses": 0}),
        ("discovery.onus", {"absent_after_misses": "three"}),
        ("discovery.onus", {"max_rows": 2.5}),
        ("optical.rx", {"walk_ratio": -1}),
    ],
)
def test_a_bad_node_parameter_fails_without_retry(catalog, snmp_simulator, key, parameters):
    olt = make_olt(snmp_simulator, "huawei-1")
    with_onus(olt)
    set_parameters(olt, key, **parameters)
    host = job_host(olt, key)

    execution = run_job(host)

    assert execution.status == ExecutionStatus.FAILED
    assert execution.error.startswith(PollingConfigError.__name__)
    assert f"of node {key!r}" in execution.error
    assert SnmpJobHost.objects.get(pk=host.pk).retry_at is None
