"""The admin: pages render, actions preview and apply, saves propagate to job rows."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from oltflow.inventory.models import Olt
from oltflow.jobs.models import SnmpJob, SnmpJobHost
from oltflow.workflows.models import OltWorkflow, WorkflowNode, WorkflowTemplate
from oltflow.workflows.services import apply_template
from oltflow.workflows.tests.admin_helpers import change_form_data
from oltflow.workflows.tests.factories import NOW

ADMIN_PAGES = [
    "catalog_brand",
    "catalog_oltmodel",
    "catalog_indexformula",
    "catalog_oid",
    "catalog_taskfunction",
    "catalog_tasktemplate",
    "inventory_olt",
    "inventory_onu",
    "inventory_onuvalue",
    "inventory_onusample",
    "workflows_workflowtemplate",
    "workflows_workflowtemplatenode",
    "workflows_oltworkflow",
    "workflows_workflownode",
    "jobs_snmpjob",
    "jobs_snmpjobhost",
    "jobs_execution",
]


@pytest.fixture
def admin_client(db: None) -> Client:
    user = get_user_model().objects.create_superuser("admin", "admin@example.com", None)
    client = Client()
    client.force_login(user)
    return client


def action_post(olts: list[Olt], action: str, **extra: str) -> dict:
    return {"action": action, "_selected_action": [str(olt.pk) for olt in olts], **extra}


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_every_admin_list_renders(admin_client: Client, catalog: None, page: str) -> None:
    response = admin_client.get(reverse(f"admin:{page}_changelist"))

    assert response.status_code == 200


def test_scheduling_state_cannot_be_added_or_edited_by_hand(
    admin_client: Client, template: WorkflowTemplate, olts: list[Olt]
) -> None:
    apply_template(template, olts, now=NOW)
    host = SnmpJobHost.objects.first()

    assert admin_client.get(reverse("admin:jobs_snmpjobhost_add")).status_code == 403
    page = admin_client.get(reverse("admin:jobs_snmpjobhost_change", args=[host.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content


def test_the_apply_action_previews_then_applies(
    admin_client: Client, template: WorkflowTemplate, olts: list[Olt]
) -> None:
    url = reverse("admin:inventory_olt_changelist")

    # Step 1: the action asks which template.
    choose = admin_client.post(url, action_post(olts, "apply_template_to_olts", index="0"))
    assert choose.status_code == 200
    assert b'name="template"' in choose.content
    assert b"olt-3" in choose.content

    # Step 2: the dry run shows what will happen, and writes nothing.
    preview = admin_client.post(
        url, action_post(olts, "apply_template_to_olts", template=str(template.pk))
    )
    assert preview.status_code == 200
    assert preview.context["report"].created == 3 * template.nodes.count()
    assert b"discovery.onus" in preview.content
    assert b'name="confirm"' in preview.content
    assert not OltWorkflow.objects.exists()

    # Step 3: confirmed, it applies and goes back to the list.
    done = admin_client.post(
        url,
        action_post(olts, "apply_template_to_olts", template=str(template.pk), confirm="yes"),
    )
    assert done.status_code == 302
    assert OltWorkflow.objects.filter(template=template).count() == 3
    assert SnmpJobHost.objects.count() == 3 * template.nodes.count()


def test_the_apply_preview_shows_a_refusal(
    admin_client: Client, template: WorkflowTemplate, olts: list[Olt]
) -> None:
    from oltflow.workflows.tests.factories import make_olt

    zte = make_olt("zte-1", brand="ZTE", model="C320")

    preview = admin_client.post(
        reverse("admin:inventory_olt_changelist"),
        action_post([zte], "apply_template_to_olts", template=str(template.pk)),
    )

    assert preview.status_code == 200
    assert "zte-1" in preview.context["error"]
    assert b'name="confirm"' not in preview.content


def test_the_unapply_action_previews_then_removes(
    admin_client: Client, template: WorkflowTemplate, olts: list[Olt]
) -> None:
    apply_template(template, olts, now=NOW)
    url = reverse("admin:inventory_olt_changelist")

    preview = admin_client.post(
        url, action_post(olts[:1], "unapply_template_from_olts", template=str(template.pk))
    )
    assert preview.status_code == 200
    assert b"status.run" in preview.content
    assert OltWorkflow.objects.count() == 3

    done = admin_client.post(
        url,
        action_post(
            olts[:1], "unapply_template_from_olts", template=str(template.pk), confirm="yes"
        ),
    )
    assert done.status_code == 302
    assert OltWorkflow.objects.count() == 2


def test_saving_a_template_with_its_inline_nodes_propagates(
    admin_client: Client, template: WorkflowTemplate, olts: list[Olt]
) -> None:
    apply_template(template, olts, now=NOW)
    url = reverse("admin:workflows_workflowtemplate_change", args=[template.pk])
    data = change_form_data(admin_client.get(url))
    forms = {data[key]: key.rsplit("-", 1)[0] for key in data if key.endswith("-key")}
    data[f"{forms['optical.rx']}-interval_seconds"] = "600"
    data[f"{forms['info.model']}-DELETE"] = "on"

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"] if response.context else None
    assert set(
        SnmpJob.objects.filter(node__key="optical.rx").values_list("interval_seconds", flat=True)
    ) == {600}
    assert not WorkflowNode.objects.filter(key="info.model").exists()
    assert not SnmpJob.objects.filter(node__key="info.model").exists()


def test_saving_a_template_node_page_propagates(
    admin_client: Client, template: WorkflowTemplate, olts: list[Olt]
) -> None:
    apply_template(template, olts, now=NOW)
    node = template.nodes.get(key="status.run")
    url = reverse("admin:workflows_workflowtemplatenode_change", args=[node.pk])
    data = change_form_data(admin_client.get(url))
    data["priority"] = "77"

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert set(
        SnmpJob.objects.filter(node__key="status.run").values_list("priority", flat=True)
    ) == {77}


def test_disabling_templates_from_the_list_switches_their_hosts(
    admin_client: Client, template: WorkflowTemplate, olts: list[Olt]
) -> None:
    apply_template(template, olts, now=NOW)

    response = admin_client.post(
        reverse("admin:workflows_workflowtemplate_changelist"),
        {"action": "disable_selected", "_selected_action": [str(template.pk)], "index": "0"},
    )

    assert response.status_code == 302
    assert not SnmpJobHost.objects.filter(enabled=True).exists()


def test_a_save_the_services_refuse_is_rolled_back_and_explained(
    admin_client: Client, template: WorkflowTemplate, olts: list[Olt]
) -> None:
    from oltflow.catalog.models import TaskTemplate

    apply_template(template, olts, now=NOW)
    get = TaskTemplate.objects.get(name="Get")
    url = reverse("admin:catalog_tasktemplate_change", args=[get.pk])
    data = change_form_data(admin_client.get(url))
    data.pop("is_default")

    response = admin_client.post(url, data, follow=True)

    assert "No enabled default task template for get OIDs" in response.content.decode()
    get.refresh_from_db()
    assert get.is_default


def test_run_now_marks_the_selected_job_hosts_due(
    admin_client: Client, template: WorkflowTemplate, olts: list[Olt]
) -> None:
    apply_template(template, olts, now=NOW)
    host = SnmpJobHost.objects.get(olt=olts[0], job__node__key="info.serial")

    response = admin_client.post(
        reverse("admin:jobs_snmpjobhost_changelist"),
        {"action": "run_selected_now", "_selected_action": [str(host.pk)], "index": "0"},
    )

    assert response.status_code == 302
    host.refresh_from_db()
    assert host.run_requested_at is not None or host.executions.exists()


def test_run_after_offers_only_the_other_nodes_of_the_same_template_or_workflow(
    admin_client: Client, template: WorkflowTemplate, olts: list[Olt]
) -> None:
    apply_template(template, olts[:2], now=NOW)
    template_node = template.nodes.order_by("key").first()
    olt_node = WorkflowNode.objects.filter(workflow__olt=olts[0]).order_by("key").first()

    for node, siblings, admin_page in (
        (template_node, template.nodes.all(), "workflows_workflowtemplatenode"),
        (olt_node, olt_node.workflow.nodes.all(), "workflows_workflownode"),
    ):
        response = admin_client.get(reverse(f"admin:{admin_page}_change", args=[node.pk]))

        offered = set(response.context["adminform"].form.fields["run_after"].queryset)
        assert offered == set(siblings.exclude(pk=node.pk))
