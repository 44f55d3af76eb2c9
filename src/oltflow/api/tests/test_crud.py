"""Create, read, update and delete through every configuration endpoint, and the 400 answers
that name the field when the input is bad (field validation and the models' own clean())."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework.test import APIClient

from oltflow.catalog.models import Brand, IndexFormula, TaskFunction
from oltflow.web.tests.fixtures import World

Payload = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Endpoint:
    path: str
    create: Payload
    update: dict[str, Any]
    bad: Payload
    bad_field: str

    def __str__(self) -> str:
        return self.path


def _other_brand_formula(world: World) -> IndexFormula:
    zte = Brand.objects.create(name="ZTE")
    return IndexFormula.objects.create(name="zte-gpon", brand=zte, base=268435456)


ENDPOINTS = [
    Endpoint(
        "brands",
        create=lambda w: {"name": "ZTE", "description": "C300 and C600"},
        update={"description": "changed"},
        bad=lambda w: {"name": "Huawei"},  # unique
        bad_field="name",
    ),
    Endpoint(
        "index-formulas",
        create=lambda w: {
            "name": "huawei-epon",
            "brand": w.brand.pk,
            "base": 4194304000,
            "slot_step": 8192,
            "port_step": 256,
        },
        update={"max_onu_id": 127},
        bad=lambda w: {"name": "negative", "brand": w.brand.pk, "base": -5},
        bad_field="base",
    ),
    Endpoint(
        "olt-models",
        create=lambda w: {"brand": w.brand.pk, "name": "MA5680T", "index_formula": w.formula.pk},
        update={"description": "older chassis"},
        # clean(): the formula belongs to another brand
        bad=lambda w: {
            "brand": w.brand.pk,
            "name": "MA5608T",
            "index_formula": _other_brand_formula(w).pk,
        },
        bad_field="index_formula",
    ),
    Endpoint(
        "oids",
        create=lambda w: {
            "name": "ONU description",
            "oid": "1.3.6.1.4.1.2011.6.128.1.1.2.43.1.9",
            "brand": w.brand.pk,
            "kind": "get",
            "target_field": "description",
            "transform": "text",
        },
        update={"description": "ONT description set by the operator"},
        # clean(): a get OID must name the field it fills
        bad=lambda w: {
            "name": "no target",
            "oid": "1.3.6.1.4.1.1",
            "brand": w.brand.pk,
            "kind": "get",
        },
        bad_field="target_field",
    ),
    Endpoint(
        "task-functions",
        create=lambda w: {"name": "walk (simulated)", "kind": "walk", "runner": "simulate"},
        update={"description": "for demos"},
        bad=lambda w: {"name": "bad kind", "kind": "teleport", "runner": "simulate"},
        bad_field="kind",
    ),
    Endpoint(
        "task-templates",
        create=lambda w: {
            "name": "slow get",
            "function": TaskFunction.objects.get(kind="get").pk,
            "time_limit_seconds": 900,
        },
        update={"max_retries": 4},
        bad=lambda w: {
            "name": "no time at all",
            "function": TaskFunction.objects.get(kind="get").pk,
            "time_limit_seconds": 0,
        },
        bad_field="time_limit_seconds",
    ),
    Endpoint(
        "olts",
        create=lambda w: {
            "name": "olt-new",
            "brand": w.brand.pk,
            "model": w.model.pk,
            "host": "198.51.100.7",
            "community": "n0t-public",
        },
        update={"timeout_seconds": 8.5},
        # clean(): SNMPv2c needs a community
        bad=lambda w: {
            "name": "olt-nocommunity",
            "brand": w.brand.pk,
            "model": w.model.pk,
            "host": "198.51.100.8",
        },
        bad_field="community",
    ),
    Endpoint(
        "workflow-templates",
        create=lambda w: {"name": "ZTE basic", "description": "discovery and levels"},
        update={"enabled": False},
        bad=lambda w: {"name": ""},
        bad_field="name",
    ),
    Endpoint(
        "workflow-template-nodes",
        create=lambda w: {
            "template": w.template.pk,
            "key": "get.rx_power.slow",
            "name": "RX power, slowly",
            "oid": w.rx_oid.pk,
            "interval_seconds": 900,
            "priority": 20,
            "parameters": {"chunk": 50},
        },
        update={"interval_seconds": 1800},
        bad=lambda w: {
            "template": w.template.pk,
            "key": "Not A Key",
            "name": "bad key",
            "oid": w.rx_oid.pk,
            "interval_seconds": 60,
        },
        bad_field="key",
    ),
]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_crud(api: APIClient, world: World, endpoint: Endpoint) -> None:
    base = f"/api/v1/{endpoint.path}/"

    # Create
    created = api.post(base, endpoint.create(world), format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]

    # List and retrieve
    listed = api.get(base)
    assert listed.status_code == 200
    assert pk in [row["id"] for row in listed.json()["results"]]
    assert listed.json()["count"] >= 1
    assert api.get(f"{base}{pk}/").status_code == 200

    # Update
    changed = api.patch(f"{base}{pk}/", endpoint.update, format="json")
    assert changed.status_code == 200, changed.json()
    for name, value in endpoint.update.items():
        assert changed.json()[name] == value

    # Delete
    assert api.delete(f"{base}{pk}/").status_code == 204
    assert api.get(f"{base}{pk}/").status_code == 404


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_bad_input_is_400_naming_the_field(
    api: APIClient, world: World, endpoint: Endpoint
) -> None:
    answer = api.post(f"/api/v1/{endpoint.path}/", endpoint.bad(world), format="json")

    assert answer.status_code == 400
    assert endpoint.bad_field in answer.json(), answer.json()


def test_an_invalid_update_is_400_naming_the_field(api: APIClient, world: World) -> None:
    olt = world.olts[0]

    answer = api.patch(f"/api/v1/olts/{olt.pk}/", {"snmp_version": "v3"}, format="json")

    assert answer.status_code == 400
    assert "v3_user" in answer.json()
    olt.refresh_from_db()
    assert olt.snmp_version == "v2c"


def test_a_node_cannot_run_after_a_node_of_another_template(api: APIClient, world: World) -> None:
    other = api.post("/api/v1/workflow-templates/", {"name": "other"}, format="json").json()
    master = world.template.nodes.get(key="discovery.onus")

    answer = api.post(
        "/api/v1/workflow-template-nodes/",
        {
            "template": other["id"],
            "key": "get.rx",
            "name": "RX",
            "oid": world.rx_oid.pk,
            "interval_seconds": 60,
            "run_after": master.pk,
        },
        format="json",
    )

    assert answer.status_code == 400
    assert "run_after" in answer.json()


def test_deleting_a_row_in_use_is_409(api: APIClient, world: World) -> None:
    answer = api.delete(f"/api/v1/olt-models/{world.model.pk}/")

    assert answer.status_code == 409
    assert "olt-a" in answer.json()["used_by"]


def test_templates_list_their_nodes(api: APIClient, world: World) -> None:
    answer = api.get(f"/api/v1/workflow-templates/{world.template.pk}/")

    assert answer.status_code == 200
    assert sorted(node["key"] for node in answer.json()["nodes"]) == [
        "discovery.onus",
        "get.rx_power",
    ]


def test_nodes_filter_by_template(api: APIClient, world: World) -> None:
    answer = api.get("/api/v1/workflow-template-nodes/", {"template": world.template.pk})

    assert answer.json()["count"] == 2
    assert api.get("/api/v1/workflow-template-nodes/", {"template": "x"}).status_code == 400
