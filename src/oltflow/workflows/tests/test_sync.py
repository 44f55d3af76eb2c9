"""Edits after applying: template and node changes, switches, removal, OLT and OID edits."""

from __future__ import annotations

from datetime import timedelta

import pytest

from oltflow.catalog.models import Oid, OltModel
from oltflow.coordinator.policy import first_run_at
from oltflow.inventory.models import Olt
from oltflow.jobs.choices import ExecutionStatus
from oltflow.jobs.models import Execution, SnmpJob, SnmpJobHost
from oltflow.workflows.models import (
    OltWorkflow,
    WorkflowNode,
    WorkflowTemplate,
    WorkflowTemplateNode,
)
from oltflow.workflows.services import (
    WorkflowError,
    apply_template,
    delete_template,
    delete_template_node,
    save_template_node,
    save_workflow_node,
    set_enabled,
    sync_oid,
    sync_olt,
    sync_template,
    unapply_template,
)
from oltflow.workflows.tests.factories import NOW

LATER = NOW + timedelta(minutes=17, seconds=3)


@pytest.fixture
def applied(template: WorkflowTemplate, olts: list[Olt]) -> WorkflowTemplate:
    apply_template(template, olts, now=NOW)
    return template


def hosts_of(key: str) -> list[SnmpJobHost]:
    return list(
        SnmpJobHost.objects.select_related("job", "olt").filter(job__node__key=key).order_by("olt")
    )


def test_an_interval_edit_reaches_every_node_and_moves_hosts_to_the_new_grid(
    applied: WorkflowTemplate, olts: list[Olt]
) -> None:
    node = applied.nodes.get(key="optical.rx")
    node.interval_seconds = 900

    report = save_template_node(node, now=LATER)

    assert report.synced == 3
    assert set(
        WorkflowNode.objects.filter(key="optical.rx").values_list("interval_seconds", flat=True)
    ) == {900}
    for host in hosts_of("optical.rx"):
        assert host.job.interval_seconds == 900
        assert host.next_run_at == first_run_at(LATER, 900, 10)


def test_an_overridden_interval_keeps_its_value_and_its_schedule(
    applied: WorkflowTemplate, olts: list[Olt]
) -> None:
    own = WorkflowNode.objects.get(workflow__olt=olts[1], key="optical.rx")
    own.interval_seconds = 120
    own.override_interval = True
    save_workflow_node(own, now=NOW)
    kept_next_run = SnmpJobHost.objects.get(job__node=own).next_run_at

    node = applied.nodes.get(key="optical.rx")
    node.interval_seconds = 900
    node.priority = 70
    save_template_node(node, now=LATER)

    own.refresh_from_db()
    host = SnmpJobHost.objects.select_related("job").get(job__node=own)
    assert own.interval_seconds == 120
    assert host.job.interval_seconds == 120
    assert host.next_run_at == kept_next_run
    # The fields it does not override still follow the template.
    assert own.priority == 70
    assert host.job.priority == 70
    others = [h for h in hosts_of("optical.rx") if h.olt != olts[1]]
    assert [h.job.interval_seconds for h in others] == [900, 900]


def test_a_node_added_to_an_applied_template_reaches_its_olts(
    applied: WorkflowTemplate, olts: list[Olt]
) -> None:
    line_profile = Oid.objects.get(brand__name="Huawei", name="ONT line profile")
    node = WorkflowTemplateNode(
        template=applied,
        key="info.line_profile",
        name="Line profile",
        oid=line_profile,
        interval_seconds=3600,
    )

    report = save_template_node(node, now=LATER)

    assert report.created == 3
    assert len(hosts_of("info.line_profile")) == 3


def test_a_renamed_key_is_renamed_on_every_olt(applied: WorkflowTemplate) -> None:
    node = applied.nodes.get(key="info.model")
    job_ids = set(SnmpJob.objects.filter(node__key="info.model").values_list("pk", flat=True))
    node.key = "info.equipment"

    save_template_node(node, now=LATER)

    assert not WorkflowNode.objects.filter(key="info.model").exists()
    assert (
        set(SnmpJob.objects.filter(node__key="info.equipment").values_list("pk", flat=True))
        == job_ids
    )


def test_deleting_a_template_node_removes_its_instances_jobs_and_unchains_followers(
    applied: WorkflowTemplate, olts: list[Olt]
) -> None:
    serial = applied.nodes.get(key="info.serial")
    serial.run_after = applied.nodes.get(key="discovery.onus")
    save_template_node(serial, now=NOW)
    assert all(host.next_run_at is None for host in hosts_of("info.serial"))

    delete_template_node(applied.nodes.get(key="discovery.onus"), now=LATER)

    assert not WorkflowNode.objects.filter(key="discovery.onus").exists()
    assert not SnmpJob.objects.filter(kind="discovery").exists()
    for host in hosts_of("info.serial"):
        assert host.job.run_after is None
        assert host.next_run_at == first_run_at(LATER, 3600, 10)


def test_disabling_and_enabling_a_template_switches_its_job_hosts(
    applied: WorkflowTemplate,
) -> None:
    set_enabled(applied, False, now=NOW)
    assert not SnmpJobHost.objects.filter(enabled=True).exists()

    much_later = NOW + timedelta(days=2, seconds=1)
    set_enabled(applied, True, now=much_later)

    hosts = list(SnmpJobHost.objects.select_related("job"))
    assert all(host.enabled for host in hosts)
    # The days it was off are not missed runs: each host starts again on its grid.
    assert all(host.next_run_at >= much_later for host in hosts)


def test_disabling_one_node_by_hand_survives_template_edits(
    applied: WorkflowTemplate, olts: list[Olt]
) -> None:
    node = WorkflowNode.objects.get(workflow__olt=olts[0], key="status.run")

    set_enabled(node, False, now=NOW)
    sync_template(applied, now=LATER)

    node.refresh_from_db()
    assert node.override_enabled
    assert not node.enabled
    assert not SnmpJobHost.objects.get(job__node=node).enabled
    assert SnmpJobHost.objects.filter(job__node__key="status.run", enabled=True).count() == 2


def test_disabling_a_template_node_or_an_olt_switches_their_hosts(
    applied: WorkflowTemplate, olts: list[Olt]
) -> None:
    set_enabled(applied.nodes.get(key="optical.tx"), False, now=NOW)
    assert not any(host.enabled for host in hosts_of("optical.tx"))

    set_enabled(olts[2], False, now=NOW)
    assert not SnmpJobHost.objects.filter(olt=olts[2], enabled=True).exists()
    assert SnmpJobHost.objects.filter(olt=olts[0], enabled=True).exists()


def test_unapplying_removes_workflows_nodes_jobs_and_hosts_but_keeps_executions(
    applied: WorkflowTemplate, olts: list[Olt]
) -> None:
    host = hosts_of("status.run")[0]
    execution = Execution.objects.create(
        job_host=host,
        olt=host.olt,
        kind="get",
        status=ExecutionStatus.SUCCESS,
        queue="get_main",
        due_at=NOW,
        created_at=NOW,
    )

    report = unapply_template(applied, olts[:2])

    assert sorted(report.removed) == ["olt-1", "olt-2"]
    assert report.nodes == 2 * applied.nodes.count()
    assert set(OltWorkflow.objects.values_list("olt__name", flat=True)) == {"olt-3"}
    assert not SnmpJobHost.objects.filter(olt__in=olts[:2]).exists()
    assert not SnmpJob.objects.filter(node__workflow__olt__in=olts[:2]).exists()
    execution.refresh_from_db()
    assert execution.job_host is None


def test_deleting_a_template_removes_everything_below_it(applied: WorkflowTemplate) -> None:
    delete_template(applied)

    assert not WorkflowTemplate.objects.filter(name="Huawei GPON").exists()
    assert not WorkflowNode.objects.exists()
    assert not SnmpJobHost.objects.exists()


def test_an_olt_moved_to_a_model_its_oids_do_not_fit_is_refused(
    applied: WorkflowTemplate, olts: list[Olt]
) -> None:
    olt = olts[0]
    olt.brand = OltModel.objects.get(name="C320").brand
    olt.model = OltModel.objects.get(name="C320")

    with pytest.raises(WorkflowError, match="olt-1"):
        sync_olt(olt, now=LATER)


def test_an_oid_narrowed_to_one_model_is_refused_where_it_is_polled(
    applied: WorkflowTemplate,
) -> None:
    oid = Oid.objects.get(brand__name="Huawei", name="ONT distance")
    oid.model = OltModel.objects.get(name="MA5800")

    with pytest.raises(WorkflowError) as error:
        sync_oid(oid, now=LATER)

    assert "ONT distance" in str(error.value)
    assert "olt-2" in str(error.value)
