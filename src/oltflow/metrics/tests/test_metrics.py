"""``/metrics`` parses as Prometheus text and its numbers come from the database."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from oltflow.jobs.choices import TERMINAL_STATUSES, ExecutionStatus
from oltflow.jobs.models import Execution
from oltflow.web.tests.fixtures import World, add_execution, add_olt

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(client: Client) -> Samples:
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/plain")
    samples: Samples = {}
    for family in text_string_to_metric_families(answer.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_need_no_sign_in_and_parse(client: Client, world: World) -> None:
    samples = scrape(client)

    names = {name for name, _ in samples}
    assert {
        "oltflow_pending_executions",
        "oltflow_pending_limit",
        "oltflow_olt_onus_present",
        "oltflow_olt_onus",
        "oltflow_missed_runs_total",
    } <= names
    assert value(samples, "oltflow_olt_onus_present", olt="olt-a") == 40
    assert value(samples, "oltflow_pending_limit", kind="discovery") == 25


def test_counters_move_when_executions_run(client: Client, world: World) -> None:
    olt_a, olt_b = world.olts[:2]
    before = scrape(client)

    add_execution(
        world,
        olt_a,
        "discovery",
        ExecutionStatus.SUCCESS,
        duration=3.0,
        late=0.4,
        summary={"snmp_requests": 12, "errors": 0},
    )
    add_execution(
        world,
        olt_b,
        "get",
        ExecutionStatus.FAILED,
        duration=30.0,
        late=7.0,
        summary={"snmp_requests": 5, "errors": 2},
        error="timeout",
    )
    add_execution(world, olt_a, "get", ExecutionStatus.PENDING, ago=timedelta(seconds=1))
    after = scrape(client)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("oltflow_executions_total", kind="discovery", status="SUCCESS") == 1
    assert moved("oltflow_executions_total", kind="get", status="FAILED") == 1
    assert moved("oltflow_snmp_requests_total", kind="discovery") == 12
    assert moved("oltflow_snmp_requests_total", kind="get") == 5
    assert moved("oltflow_snmp_errors_total", kind="get") == 2
    assert moved("oltflow_pending_executions", kind="get") == 1

    # Histograms: cumulative buckets, a count and a sum per kind.
    assert moved("oltflow_execution_duration_seconds_count", kind="get") == 1
    assert moved("oltflow_execution_duration_seconds_sum", kind="get") == 30.0
    assert moved("oltflow_execution_duration_seconds_bucket", kind="get", le="20.0") == 0
    assert moved("oltflow_execution_duration_seconds_bucket", kind="get", le="30.0") == 1
    assert moved("oltflow_execution_duration_seconds_bucket", kind="get", le="+Inf") == 1
    assert moved("oltflow_execution_start_lateness_seconds_bucket", kind="get", le="5.0") == 0
    assert moved("oltflow_execution_start_lateness_seconds_bucket", kind="get", le="10.0") == 1
    assert moved("oltflow_execution_start_lateness_seconds_bucket", kind="discovery", le="0.5") == 1
    assert abs(moved("oltflow_execution_start_lateness_seconds_sum", kind="get") - 7.0) < 1e-6


def test_a_scrape_costs_the_same_queries_for_any_fleet_size(
    client: Client, world: World, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(12):
        scrape(client)
    for n in range(15):
        add_olt(world, f"olt-extra-{n}", onus=1, index=20 + n)
    with django_assert_max_num_queries(12):
        scrape(client)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_counters_move_when_the_coordinator_runs_a_job(client: Client, world: World) -> None:
    from oltflow.coordinator.runtime import start_local
    from oltflow.coordinator.services import run_now

    host = world.host(world.olts[2], "discovery")
    before = scrape(client)

    runtime = start_local(tick_seconds=0.2)
    try:
        run_now(host)
        deadline = time.monotonic() + 30
        while not Execution.objects.filter(job_host=host, status__in=TERMINAL_STATUSES).exists():
            assert time.monotonic() < deadline, "the simulated job did not end in 30 s"
            time.sleep(0.2)
    finally:
        runtime.stop(graceful=True, timeout=10)
    after = scrape(client)

    execution = Execution.objects.get(job_host=host)
    labels = {"kind": "discovery", "status": execution.status}
    assert value(after, "oltflow_executions_total", **labels) == 1 + value(
        before, "oltflow_executions_total", **labels
    )
    assert value(after, "oltflow_execution_duration_seconds_count", kind="discovery") == 1
