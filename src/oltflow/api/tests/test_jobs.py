"""Executions and job hosts: read-only lists with filters."""

from __future__ import annotations

from datetime import timedelta

from rest_framework.test import APIClient

from oltflow.jobs.choices import ExecutionStatus
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
