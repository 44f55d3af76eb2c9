"""The OLT admin: secrets are write-only, OLT edits reach the jobs or are refused."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from oltflow.catalog.models import OltModel
from oltflow.inventory.models import Olt
from oltflow.jobs.models import SnmpJobHost
from oltflow.workflows.models import WorkflowTemplate
from oltflow.workflows.services import apply_template
from oltflow.workflows.tests.admin_helpers import change_form_data
from oltflow.workflows.tests.factories import NOW, huawei_template, load_catalog, make_olt

COMMUNITY = "s3cret-c0mmunity"
AUTH_KEY = "auth-key-Xy1"
PRIV_KEY = "priv-key-Zw2"


@pytest.fixture
def admin_client(db: None) -> Client:
    user = get_user_model().objects.create_superuser("admin", "admin@example.com", None)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def olt(db: None) -> Olt:
    load_catalog()
    return make_olt(
        "olt-1",
        community=COMMUNITY,
        v3_user="monitor",
        v3_auth_protocol="sha",
        v3_auth_key=AUTH_KEY,
        v3_priv_protocol="aes",
        v3_priv_key=PRIV_KEY,
    )


@pytest.fixture
def template(olt: Olt) -> WorkflowTemplate:
    template = huawei_template()
    apply_template(template, [olt], now=NOW)
    return template


def change_url(olt: Olt) -> str:
    return reverse("admin:inventory_olt_change", args=[olt.pk])


def form_data(client: Client, olt: Olt) -> dict:
    """What a browser sends back: password inputs are rendered empty, so they come back empty."""
    data = change_form_data(client.get(change_url(olt)))
    data.update(community="", v3_auth_key="", v3_priv_key="")
    return data


def test_secrets_are_never_shown(admin_client: Client, olt: Olt) -> None:
    pages = [
        admin_client.get(change_url(olt)),
        admin_client.get(reverse("admin:inventory_olt_changelist")),
    ]

    for page in pages:
        assert page.status_code == 200
        for secret in (COMMUNITY, AUTH_KEY, PRIV_KEY):
            assert secret.encode() not in page.content
    assert b'type="password" name="community"' in pages[0].content


def test_a_blank_secret_keeps_the_stored_one_and_a_new_one_replaces_it(
    admin_client: Client, olt: Olt
) -> None:
    data = form_data(admin_client, olt)
    data["description"] = "rack 4"
    data["v3_priv_key"] = "new-priv-key"

    response = admin_client.post(change_url(olt), data)

    assert response.status_code == 302
    olt.refresh_from_db()
    assert (olt.description, olt.community, olt.v3_auth_key) == ("rack 4", COMMUNITY, AUTH_KEY)
    assert olt.v3_priv_key == "new-priv-key"


def test_clearing_the_community_of_a_v2c_olt_is_refused_naming_the_field(
    admin_client: Client, olt: Olt
) -> None:
    data = form_data(admin_client, olt)
    data["clear_community"] = "on"

    response = admin_client.post(change_url(olt), data)

    assert response.status_code == 200
    assert "community" in response.context["adminform"].form.errors
    olt.refresh_from_db()
    assert olt.community == COMMUNITY


def test_disabling_an_olt_in_its_form_disables_its_job_hosts(
    admin_client: Client, olt: Olt, template: WorkflowTemplate
) -> None:
    data = form_data(admin_client, olt)
    data.pop("enabled")

    response = admin_client.post(change_url(olt), data)

    assert response.status_code == 302
    assert SnmpJobHost.objects.filter(olt=olt).exists()
    assert not SnmpJobHost.objects.filter(olt=olt, enabled=True).exists()


def test_moving_an_olt_to_a_model_its_oids_do_not_fit_is_refused_on_the_form(
    admin_client: Client, olt: Olt, template: WorkflowTemplate
) -> None:
    c320 = OltModel.objects.get(name="C320")
    data = form_data(admin_client, olt)
    data["brand"] = str(c320.brand_id)
    data["model"] = str(c320.pk)

    response = admin_client.post(change_url(olt), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["model"]
    assert "ONT serial" in " ".join(errors) or "ONT discovery" in " ".join(errors)
    olt.refresh_from_db()
    assert olt.model.name == "MA5800"
