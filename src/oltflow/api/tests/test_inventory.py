"""OLT secrets stay write-only; ONUs list with filters, a search, a count and their values."""

from __future__ import annotations

from datetime import timedelta

from rest_framework.test import APIClient

from oltflow.inventory.models import Olt
from oltflow.web.tests.fixtures import World, add_onu, add_samples

SECRETS = ("community", "v3_auth_key", "v3_priv_key")


def test_olt_secrets_are_written_but_never_returned(api: APIClient, world: World) -> None:
    created = api.post(
        "/api/v1/olts/",
        {
            "name": "olt-v3",
            "brand": world.brand.pk,
            "model": world.model.pk,
            "host": "198.51.100.9",
            "snmp_version": "v3",
            "v3_user": "poller",
            "v3_auth_protocol": "sha",
            "v3_auth_key": "auth-key-123",
            "v3_priv_protocol": "aes",
            "v3_priv_key": "priv-key-456",
        },
        format="json",
    )

    assert created.status_code == 201, created.json()
    olt = Olt.objects.get(pk=created.json()["id"])
    assert (olt.v3_auth_key, olt.v3_priv_key) == ("auth-key-123", "priv-key-456")
    for answer in (created, api.get(f"/api/v1/olts/{olt.pk}/"), api.get("/api/v1/olts/")):
        text = answer.content.decode()
        assert "auth-key-123" not in text and "priv-key-456" not in text
        assert "s3cret-community" not in text
    detail = api.get(f"/api/v1/olts/{olt.pk}/").json()
    assert not set(SECRETS) & set(detail)
    assert detail["secrets_set"] == ["v3_auth_key", "v3_priv_key"]


def test_updating_an_olt_without_its_secret_keeps_it(api: APIClient, world: World) -> None:
    olt = world.olts[0]

    answer = api.patch(f"/api/v1/olts/{olt.pk}/", {"retries": 3}, format="json")

    assert answer.status_code == 200
    olt.refresh_from_db()
    assert (olt.retries, olt.community) == (3, "s3cret-community")


def test_an_olt_with_a_bad_port_is_400_naming_the_field(api: APIClient, world: World) -> None:
    answer = api.patch(f"/api/v1/olts/{world.olts[0].pk}/", {"snmp_port": 70000}, format="json")

    assert answer.status_code == 400
    assert "snmp_port" in answer.json()


def test_onus_are_paginated_with_a_count(api: APIClient, world: World) -> None:
    answer = api.get("/api/v1/onus/", {"page_size": 10})

    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 48
    assert len(body["results"]) == 48 or body["next"]
    first = body["results"][0]
    assert {"serial", "description", "run_status", "rx_power", "values"} <= set(first)
    assert {v["field"] for v in first["values"]} == {
        "serial",
        "description",
        "run_status",
        "rx_power",
    }


def test_onus_filter_by_olt_slot_port_and_presence(api: APIClient, world: World) -> None:
    olt = world.olts[0]
    add_onu(world, olt, slot=9, port=1, onu_id=5, present=False)

    by_position = api.get("/api/v1/onus/", {"olt": olt.pk, "slot": 1, "port": 2}).json()
    absent = api.get("/api/v1/onus/", {"olt": olt.pk, "present": "false"}).json()

    assert by_position["count"] == 4
    assert {(r["slot"], r["port"]) for r in by_position["results"]} == {(1, 2)}
    assert [(r["slot"], r["onu_id"]) for r in absent["results"]] == [(9, 5)]


def test_onus_search_by_serial_or_description(api: APIClient, world: World) -> None:
    olt = world.olts[1]
    onu = add_onu(world, olt, slot=7, port=3, onu_id=1, serial="ZTEG00C0FFEE")

    by_serial = api.get("/api/v1/onus/", {"search": "c0ffee"}).json()
    by_description = api.get("/api/v1/onus/", {"search": "olt-b-7-3-1"}).json()

    assert [r["id"] for r in by_serial["results"]] == [onu.pk]
    assert [r["id"] for r in by_description["results"]] == [onu.pk]


def test_onus_filter_by_status_and_sort_by_rx_power(api: APIClient, world: World) -> None:
    olt = world.olts[1]
    weakest = add_onu(world, olt, slot=5, port=0, onu_id=0, rx_power=-29.5)

    online = api.get("/api/v1/onus/", {"olt": olt.pk, "status": "online"}).json()
    ordered = api.get("/api/v1/onus/", {"olt": olt.pk, "ordering": "rx_power"}).json()

    assert online["count"] == 9
    assert ordered["results"][0]["id"] == weakest.pk
    powers = [r["rx_power"] for r in ordered["results"]]
    assert powers == sorted(powers)


def test_onu_filters_reject_bad_input_naming_the_field(api: APIClient, world: World) -> None:
    for params, field in (
        ({"slot": "three"}, "slot"),
        ({"ordering": "colour"}, "ordering"),
        ({"olt": "first"}, "olt"),
    ):
        answer = api.get("/api/v1/onus/", params)
        assert answer.status_code == 400, params
        assert field in answer.json()


def test_onu_values_and_samples(api: APIClient, world: World) -> None:
    onu = world.olts[0].onus.first()
    add_samples(world, onu, 30, every=timedelta(minutes=1))

    values = api.get(f"/api/v1/onus/{onu.pk}/values/")
    samples = api.get(f"/api/v1/onus/{onu.pk}/samples/", {"page_size": 100})
    recent = api.get(
        f"/api/v1/onus/{onu.pk}/samples/",
        {"since": (world.now - timedelta(minutes=10, seconds=30)).isoformat()},
    )

    assert values.status_code == 200
    assert {v["field"] for v in values.json()} == {
        "serial",
        "description",
        "run_status",
        "rx_power",
    }
    assert samples.json()["count"] == 30
    assert recent.json()["count"] == 10


def test_onu_samples_reject_a_bad_date(api: APIClient, world: World) -> None:
    onu = world.olts[0].onus.first()

    answer = api.get(f"/api/v1/onus/{onu.pk}/samples/", {"since": "yesterday"})

    assert answer.status_code == 400
    assert "since" in answer.json()
