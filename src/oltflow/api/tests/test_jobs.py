"""Executions and job hosts: read-only lists with filters."""

from __future__ import annotations

from datetime import timedelta

from rest_framework.test import APIClient

from oltflow.jobs.choices import ExecutionStatus
from oltflow.jobs.models import SnmpJobHost
from oltflow.web.tests.fixtures import World, add_execution


def test_executions_list_with_filters(api: APIClient, world: World) -> None:
    olt_a, olt_b = world.olts[:2]
    add_execution(world, olt_a, "discovery", ExecutionStatus.SUCCESS, summary={"rows": 40})
    failed = add_execution(
        world, olt_a, "get", ExecutionStatus.FAILED, error="timeout after 5 s", summary={}
    )
    add_execution(world, olt_b, "get", ExecutionStatus.RUNNING, ago=timedelta(seconds=3))

    every = api.get("/api/v1/executions/").json()
    failures = api.get("/api/v1/executions/", {"olt": olt_a.pk, "status": "FAILED"}).json()
    gets = api.get("/api/v1/executions/", {"kind": "get"}).json()

    assert every["count"] == 3
    assert [row["id"] for row in failures["results"]] == [failed.pk]
    assert failures["results"][0]["error"] == "timeout after 5 s"
    assert failures["results"][0]["job_name"] == "RX power"
    assert failures["results"][0]["olt_name"] == "olt-a"
    assert gets["count"] == 2


def test_executions_reject_bad_filters_naming_the_field(api: APIClient, world: World) -> None:
    answer = api.get("/api/v1/executions/", {"status": "LOST"})

    assert answer.status_code == 400
    assert "status" in answer.json()


def test_executions_are_read_only(api: APIClient, world: World) -> None:
    execution = add_execution(world, world.olts[0], "get", ExecutionStatus.SUCCESS)

    assert api.post("/api/v1/executions/", {}, format="json").status_code == 405
    assert api.delete(f"/api/v1/executions/{execution.pk}/").status_code == 405


def test_job_hosts_list_with_filters(api: APIClient, world: World) -> None:
    olt = world.olts[0]

    answer = api.get("/api/v1/job-hosts/", {"olt": olt.pk, "kind": "discovery"}).json()

    assert answer["count"] == 1
    row = answer["results"][0]
    assert (row["job_name"], row["kind"], row["priority"]) == ("ONU discovery", "discovery", 90)
    assert api.get("/api/v1/job-hosts/", {"kind": "nap"}).status_code == 400


def test_run_now_claims_the_job_or_says_it_waits(api: APIClient, world: World) -> None:
    olt = world.olts[2]
    host = world.host(olt, "discovery")

    answer = api.post(f"/api/v1/job-hosts/{host.pk}/run-now/")

    assert answer.status_code == 202, answer.json()
    body = answer.json()
    assert body["job_host"] == host.pk
    host.refresh_from_db()
    assert host.run_requested_at is not None or body["started"]


def test_run_now_of_an_unknown_job_host_is_404(api: APIClient, world: World) -> None:
    assert api.post("/api/v1/job-hosts/987654/run-now/").status_code == 404


def test_olt_queue_lists_due_jobs_with_their_reason(api: APIClient, world: World) -> None:
    olt = world.olts[0]
    add_execution(world, olt, "discovery", ExecutionStatus.RUNNING, ago=timedelta(seconds=5))
    SnmpJobHost.objects.filter(olt=olt, job__kind="discovery").update(
        next_run_at=world.now - timedelta(seconds=30)
    )

    answer = api.get(f"/api/v1/olts/{olt.pk}/queue/")

    assert answer.status_code == 200
    body = answer.json()
    assert body["olt_name"] == "olt-a"
    assert body["current"]["status"] == "RUNNING"
    assert [(e["job_name"], e["reason"]) for e in body["entries"]] == [
        ("ONU discovery", "olt_busy"),
        ("RX power", "chained"),
    ]


def test_olt_queue_of_an_idle_olt_is_empty(api: APIClient, world: World) -> None:
    answer = api.get(f"/api/v1/olts/{world.olts[2].pk}/queue/")

    assert answer.json()["entries"] == [] and answer.json()["current"] is None
    assert api.get("/api/v1/olts/987654/queue/").status_code == 404
