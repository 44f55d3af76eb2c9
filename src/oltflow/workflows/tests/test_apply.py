"""Applying templates: instances, compiled jobs, key matching, refusals, all or nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oltflow.catalog.models import Oid, OltModel, TaskTemplate
from oltflow.coordinator.policy import first_run_at
from oltflow.inventory.models import Olt
from oltflow.jobs.models import SnmpJob, SnmpJobHost
from oltflow.jobs.services import CompiledNode, compile_node
from oltflow.workflows.models import (
    OltWorkflow,
    WorkflowNode,
    WorkflowTemplate,
    WorkflowTemplateNode,
)
from oltflow.workflows.services import (
    WorkflowError,
    apply_template,
    save_template_node,
)
from oltflow.workflows.tests.factories import NOW, make_olt

WRITES = ("INSERT", "UPDATE", "DELETE")


def snapshot() -> dict[str, list[tuple]]:
    """Every scheduling-relevant row, to compare before and after."""
    return {
        "workflows": list(OltWorkflow.objects.order_by("pk").values_list()),
        "nodes": list(WorkflowNode.objects.order_by("pk").values_list()),
        "jobs": list(SnmpJob.objects.order_by("pk").values_list()),
        "hosts": list(SnmpJobHost.objects.order_by("pk").values_list()),
    }


def writes(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith(WRITES)]


def test_applying_the_huawei_template_to_three_olts_creates_one_of_everything_per_node(
    template: WorkflowTemplate, olts: list[Olt]
) -> None:
    keys = sorted(template.nodes.values_list("key", flat=True))

    report = apply_template(template, olts, now=NOW)

    assert OltWorkflow.objects.filter(template=template).count() == 3
    for olt in olts:
        assert (
            sorted(WorkflowNode.objects.filter(workflow__olt=olt).values_list("key", flat=True))
            == keys
        )
        assert SnmpJob.objects.filter(node__workflow__olt=olt).count() == len(keys)
        assert SnmpJobHost.objects.filter(olt=olt).count() == len(keys)
    assert SnmpJobHost.objects.count() == 3 * len(keys)
    assert report.created == 3 * len(keys)
    assert [sorted(entry.created) for entry in report.olts] == [keys, keys, keys]
    assert all(entry.workflow_created for entry in report.olts)


def test_compiled_jobs_hold_effective_values_and_start_on_their_kinds_grid(
    template: WorkflowTemplate, olts: list[Olt]
) -> None:
    apply_template(template, olts, now=NOW)

    discovery = SnmpJobHost.objects.select_related("job__task_template").get(
        olt=olts[0], job__node__key="discovery.onus"
    )
    assert (discovery.job.kind, discovery.job.priority, discovery.job.interval_seconds) == (
        "discovery",
        90,
        180,
    )
    assert discovery.job.task_template.name == "Discovery"
    assert discovery.enabled and discovery.job.enabled
    assert discovery.next_run_at == first_run_at(NOW, 180, 0)

    status = SnmpJobHost.objects.select_related("job").get(olt=olts[0], job__node__key="status.run")
    assert (status.job.kind, status.job.priority, status.job.interval_seconds) == ("get", 40, 60)
    assert status.job.task_template.name == "Get"
    assert status.next_run_at == NOW.replace(second=10)


def test_applying_twice_changes_nothing(template: WorkflowTemplate, olts: list[Olt]) -> None:
    apply_template(template, olts, now=NOW)
    before = snapshot()

    with CaptureQueriesContext(connection) as queries:
        report = apply_template(template, olts, now=NOW + timedelta(minutes=7))

    assert snapshot() == before
    assert writes(queries) == []
    assert report.created == report.linked == report.synced == report.skipped == 0
    assert report.unchanged == 3 * template.nodes.count()
    assert not report.changed


def test_an_unlinked_node_with_the_same_key_is_linked_and_keeps_its_job(
    template: WorkflowTemplate, olts: list[Olt]
) -> None:
    olt = olts[0]
    custom = OltWorkflow.objects.create(olt=olt, template=None)
    node = WorkflowNode.objects.create(
        workflow=custom,
        key="status.run",
        name="My status",
        oid=Oid.objects.get(brand__name="Huawei", oid="1.3.6.1.4.1.2011.6.128.1.1.2.46.1.15"),
        interval_seconds=30,
    )
    job = compile_node(node, now=NOW).job

    report = apply_template(template, [olt], now=NOW)

    node.refresh_from_db()
    assert report.olts[0].linked == ["status.run"]
    assert node.template_node.template == template
    assert node.workflow.template == template
    assert node.interval_seconds == 60
    assert node.job.pk == job.pk
    assert SnmpJob.objects.get(pk=job.pk).interval_seconds == 60


def test_a_node_from_another_template_is_skipped_and_reported(
    template: WorkflowTemplate, olts: list[Olt]
) -> None:
    other = WorkflowTemplate.objects.create(name="Status only")
    save_template_node(
        WorkflowTemplateNode(
            template=other,
            key="status.run",
            name="Status",
            oid=Oid.objects.get(brand__name="Huawei", oid="1.3.6.1.4.1.2011.6.128.1.1.2.46.1.15"),
            interval_seconds=30,
        ),
        now=NOW,
    )
    apply_template(other, olts[:1], now=NOW)

    report = apply_template(template, olts[:1], now=NOW)

    [skipped] = report.olts[0].skipped
    assert skipped.key == "status.run"
    assert "Status only" in skipped.reason
    node = WorkflowNode.objects.get(workflow__olt=olts[0], key="status.run")
    assert node.template_node.template == other
    assert node.interval_seconds == 30


def test_a_node_from_the_same_template_is_synced(
    template: WorkflowTemplate, olts: list[Olt]
) -> None:
    apply_template(template, olts, now=NOW)
    # Edit the template node without propagating, as a plain save would.
    WorkflowTemplateNode.objects.filter(template=template, key="info.serial").update(
        name="Serial number (ONT)"
    )

    report = apply_template(template, olts, now=NOW)

    assert [entry.synced for entry in report.olts] == [["info.serial"]] * 3
    assert set(SnmpJob.objects.filter(node__key="info.serial").values_list("name", flat=True)) == {
        "Serial number (ONT)"
    }


def test_an_oid_for_another_model_is_refused_naming_it_and_nothing_is_written(
    catalog: None,
) -> None:
    ma5800 = OltModel.objects.get(name="MA5800")
    oid = Oid.objects.create(
        brand=ma5800.brand,
        model=ma5800,
        name="MA5800 board temperature",
        oid="1.3.6.1.4.1.2011.2.6.7.1.1.2.1.10",
        kind="get",
        target_field="temperature",
        transform="integer",
    )
    template = WorkflowTemplate.objects.create(name="MA5800 extras")
    save_template_node(
        WorkflowTemplateNode(
            template=template, key="board.temperature", name="Temp", oid=oid, interval_seconds=300
        ),
        now=NOW,
    )
    fits = make_olt("fits", model="MA5800")
    other = make_olt("small", model="MA5608T")

    with pytest.raises(WorkflowError) as error:
        apply_template(template, [fits, other], now=NOW)

    message = str(error.value)
    assert "MA5800 board temperature" in message
    assert "'small'" in message
    assert "'fits'" not in message
    assert not OltWorkflow.objects.exists()
    assert not SnmpJob.objects.exists()


def test_a_zte_olt_is_refused_the_huawei_template(template: WorkflowTemplate) -> None:
    zte = make_olt("zte-1", brand="ZTE", model="C320")

    with pytest.raises(WorkflowError, match="zte-1"):
        apply_template(template, [zte], now=NOW)

    assert not OltWorkflow.objects.exists()


def test_without_a_default_task_template_the_error_names_the_kind_and_the_oid(
    template: WorkflowTemplate, olts: list[Olt]
) -> None:
    TaskTemplate.objects.filter(name="Get").update(is_default=False)

    with pytest.raises(WorkflowError) as error:
        apply_template(template, olts, now=NOW)

    message = str(error.value)
    assert "No enabled default task template for get OIDs" in message
    assert "1.3.6.1.4.1.2011.6.128.1.1.2." in message
    assert not WorkflowNode.objects.exists()
    assert not SnmpJob.objects.exists()


def test_a_failure_on_the_third_olt_leaves_nothing_written(
    template: WorkflowTemplate, olts: list[Olt], monkeypatch: pytest.MonkeyPatch
) -> None:
    from oltflow.workflows.services import apply as apply_module

    real_compile = apply_module.compile_node

    def compile_failing_on_third(node: WorkflowNode, **kwargs: Any) -> CompiledNode:
        if node.workflow.olt_id == olts[2].pk and node.key == "optical.tx":
            raise WorkflowError("broken on the third OLT")
        return real_compile(node, **kwargs)

    monkeypatch.setattr(apply_module, "compile_node", compile_failing_on_third)

    with pytest.raises(WorkflowError, match="third OLT"):
        apply_template(template, olts, now=NOW)

    assert not OltWorkflow.objects.exists()
    assert not WorkflowNode.objects.exists()
    assert not SnmpJob.objects.exists()
    assert not SnmpJobHost.objects.exists()


def test_a_dry_run_reports_without_writing(template: WorkflowTemplate, olts: list[Olt]) -> None:
    report = apply_template(template, olts, now=NOW, dry_run=True)

    assert report.dry_run
    assert report.created == 3 * template.nodes.count()
    assert not OltWorkflow.objects.exists()
    assert not SnmpJob.objects.exists()


def test_a_chained_node_waits_for_its_master(template: WorkflowTemplate, olts: list[Olt]) -> None:
    serial = template.nodes.get(key="info.serial")
    serial.run_after = template.nodes.get(key="discovery.onus")
    save_template_node(serial, now=NOW)

    apply_template(template, olts[:1], now=NOW)

    host = SnmpJobHost.objects.select_related("job__run_after__node").get(
        olt=olts[0], job__node__key="info.serial"
    )
    assert host.next_run_at is None
    assert host.job.run_after.node.key == "discovery.onus"


def test_a_disabled_template_or_olt_compiles_disabled_jobs(
    template: WorkflowTemplate, olts: list[Olt]
) -> None:
    WorkflowTemplate.objects.filter(pk=template.pk).update(enabled=False)
    Olt.objects.filter(pk=olts[1].pk).update(enabled=False)

    apply_template(template, olts, now=NOW)

    assert not SnmpJobHost.objects.filter(enabled=True).exists()
    assert not SnmpJob.objects.filter(enabled=True).exists()


def test_a_nodes_own_task_template_of_another_kind_is_refused(
    template: WorkflowTemplate, olts: list[Olt]
) -> None:
    WorkflowTemplateNode.objects.filter(template=template, key="status.run").update(
        task_template=TaskTemplate.objects.get(name="Discovery")
    )

    with pytest.raises(WorkflowError, match="task_template"):
        apply_template(template, olts, now=NOW)


def test_a_custom_node_that_ran_after_a_linked_node_runs_on_its_own(
    template: WorkflowTemplate, olts: list[Olt]
) -> None:
    olt = olts[0]
    custom = OltWorkflow.objects.create(olt=olt, template=None)
    status_oid = Oid.objects.get(brand__name="Huawei", oid="1.3.6.1.4.1.2011.6.128.1.1.2.46.1.15")
    master = WorkflowNode.objects.create(
        workflow=custom, key="status.run", name="Status", oid=status_oid, interval_seconds=60
    )
    follower = WorkflowNode.objects.create(
        workflow=custom,
        key="custom.line_profile",
        name="Line profile",
        oid=Oid.objects.get(brand__name="Huawei", name="ONT line profile"),
        interval_seconds=600,
        run_after=master,
    )
    compile_node(master, now=NOW)
    compile_node(follower, now=NOW)

    apply_template(template, [olt], now=NOW)

    follower.refresh_from_db()
    host = SnmpJobHost.objects.select_related("job").get(job__node=follower)
    assert follower.run_after is None
    assert host.job.run_after is None
    assert host.next_run_at is not None
