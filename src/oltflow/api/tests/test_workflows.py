"""Applying and removing templates through the API, and configuration edits reaching jobs."""

from __future__ import annotations

from rest_framework.test import APIClient

from oltflow.catalog.models import Brand, OltModel
from oltflow.inventory.models import Olt
from oltflow.jobs.models import SnmpJob, SnmpJobHost
from oltflow.web.tests.fixtures import World


def _new_olt(world: World, name: str) -> Olt:
    return Olt.objects.create(
        name=name, brand=world.brand, model=world.model, host="198.51.100.20", community="c"
    )


def test_apply_reports_per_olt_and_schedules_jobs(api: APIClient, world: World) -> None:
    olt = _new_olt(world, "olt-fresh")

    answer = api.post(
        f"/api/v1/workflow-templates/{world.template.pk}/apply/",
        {"olts": [olt.pk]},
        format="json",
    )

    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert (body["template_name"], body["dry_run"], body["created"]) == ("Huawei basic", False, 2)
    assert body["olts"][0]["olt_name"] == "olt-fresh"
    assert sorted(body["olts"][0]["created"]) == ["discovery.onus", "get.rx_power"]
    assert SnmpJobHost.objects.filter(olt=olt).count() == 2


def test_apply_dry_run_writes_nothing(api: APIClient, world: World) -> None:
    olt = _new_olt(world, "olt-dry")

    answer = api.post(
        f"/api/v1/workflow-templates/{world.template.pk}/apply/",
        {"olts": [olt.pk], "dry_run": True},
        format="json",
    )

    assert answer.status_code == 200
    assert answer.json()["created"] == 2
    assert not SnmpJobHost.objects.filter(olt=olt).exists()


def test_apply_rejects_unknown_olts_naming_the_field(api: APIClient, world: World) -> None:
    for body in ({"olts": [987654]}, {"olts": []}, {}):
        answer = api.post(
            f"/api/v1/workflow-templates/{world.template.pk}/apply/", body, format="json"
        )
        assert answer.status_code == 400, body
        assert "olts" in answer.json()


def test_apply_refuses_an_olt_whose_brand_does_not_answer_the_oids(
    api: APIClient, world: World
) -> None:
    zte = Brand.objects.create(name="ZTE")
    olt = Olt.objects.create(
        name="olt-zte",
        brand=zte,
        model=OltModel.objects.create(brand=zte, name="C320"),
        host="198.51.100.30",
        community="c",
    )

    answer = api.post(
        f"/api/v1/workflow-templates/{world.template.pk}/apply/", {"olts": [olt.pk]}, format="json"
    )

    assert answer.status_code == 400
    assert "olt-zte" in " ".join(answer.json()["olts"])
    assert not SnmpJobHost.objects.filter(olt=olt).exists()


def test_unapply_removes_the_olts_jobs(api: APIClient, world: World) -> None:
    olt = _new_olt(world, "olt-gone")
    api.post(
        f"/api/v1/workflow-templates/{world.template.pk}/apply/", {"olts": [olt.pk]}, format="json"
    )

    answer = api.post(
        f"/api/v1/workflow-templates/{world.template.pk}/unapply/",
        {"olts": [olt.pk]},
        format="json",
    )

    assert answer.status_code == 200, answer.json()
    assert answer.json()["removed"] == {"olt-gone": ["discovery.onus", "get.rx_power"]}
    assert not SnmpJobHost.objects.filter(olt=olt).exists()
    bad = api.post(
        f"/api/v1/workflow-templates/{world.template.pk}/unapply/", {"olts": ["x"]}, format="json"
    )
    assert bad.status_code == 400 and "olts" in bad.json()


def test_a_template_node_edit_reaches_every_olts_job(api: APIClient, world: World) -> None:
    node = world.template.nodes.get(key="discovery.onus")

    answer = api.patch(
        f"/api/v1/workflow-template-nodes/{node.pk}/", {"interval_seconds": 600}, format="json"
    )

    assert answer.status_code == 200, answer.json()
    intervals = set(
        SnmpJob.objects.filter(node__template_node=node).values_list("interval_seconds", flat=True)
    )
    assert intervals == {600}


def test_a_new_template_node_is_created_on_every_olt(api: APIClient, world: World) -> None:
    answer = api.post(
        "/api/v1/workflow-template-nodes/",
        {
            "template": world.template.pk,
            "key": "get.rx_power.hourly",
            "name": "RX power hourly",
            "oid": world.rx_oid.pk,
            "interval_seconds": 3600,
        },
        format="json",
    )

    assert answer.status_code == 201, answer.json()
    assert SnmpJob.objects.filter(name="RX power hourly").count() == len(world.olts)


def test_disabling_an_olt_disables_its_job_hosts(api: APIClient, world: World) -> None:
    olt = world.olts[0]

    answer = api.patch(f"/api/v1/olts/{olt.pk}/", {"enabled": False}, format="json")

    assert answer.status_code == 200
    assert not SnmpJobHost.objects.filter(olt=olt, enabled=True).exists()


def test_deleting_a_template_removes_its_jobs(api: APIClient, world: World) -> None:
    answer = api.delete(f"/api/v1/workflow-templates/{world.template.pk}/")

    assert answer.status_code == 204
    assert not SnmpJobHost.objects.exists()
