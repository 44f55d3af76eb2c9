"""Compiling a workflow node into its SnmpJob and SnmpJobHost; the one-active-execution rule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from oltflow.catalog.models import Oid, TaskTemplate
from oltflow.coordinator.policy import first_run_at
from oltflow.inventory.models import Olt
from oltflow.jobs.choices import ExecutionStatus
from oltflow.jobs.models import Execution, SnmpJobHost
from oltflow.jobs.services import compile_node
from oltflow.workflows.errors import WorkflowError
from oltflow.workflows.models import OltWorkflow, WorkflowNode
from oltflow.workflows.tests.factories import NOW, load_catalog, make_olt

HUAWEI = "1.3.6.1.4.1.2011.6.128.1.1.2"


@pytest.fixture
def olt(db: None) -> Olt:
    load_catalog()
    return make_olt("olt-1")


@pytest.fixture
def workflow(olt: Olt) -> OltWorkflow:
    return OltWorkflow.objects.create(olt=olt, template=None)


def node(workflow: OltWorkflow, key: str, suffix: str, **fields: object) -> WorkflowNode:
    values = {"name": key, "interval_seconds": 300, **fields}
    return WorkflowNode.objects.create(
        workflow=workflow,
        key=key,
        oid=Oid.objects.get(brand__name="Huawei", oid=f"{HUAWEI}.{suffix}"),
        **values,
    )


def execution(olt: Olt, status: str) -> Execution:
    return Execution.objects.create(
        olt=olt, kind="get", status=status, queue="get_main", due_at=NOW, created_at=NOW
    )


def test_a_new_node_gets_a_job_with_effective_values_and_a_host_on_the_grid(
    workflow: OltWorkflow,
) -> None:
    rx = node(workflow, "optical.rx", "51.1.4")

    compiled = compile_node(rx, now=NOW)

    assert compiled.created and compiled.changed
    job, host = compiled.job, compiled.host
    assert (job.name, job.kind, job.priority, job.interval_seconds) == (
        "optical.rx",
        "get",
        40,
        300,
    )
    assert job.task_template.name == "Get"
    assert job.enabled and host.enabled
    assert host.olt == workflow.olt
    assert host.next_run_at == first_run_at(NOW, 300, 10)


def test_the_nodes_own_priority_and_task_template_win(workflow: OltWorkflow) -> None:
    own = TaskTemplate.objects.get(name="Simulated get")
    rx = node(workflow, "optical.rx", "51.1.4", priority=75, task_template=own)

    job = compile_node(rx, now=NOW).job

    assert job.priority == 75
    assert job.task_template == own


def test_compiling_an_unchanged_node_writes_nothing(workflow: OltWorkflow) -> None:
    rx = node(workflow, "optical.rx", "51.1.4")
    compile_node(rx, now=NOW)

    with CaptureQueriesContext(connection) as queries:
        compiled = compile_node(rx, now=NOW + timedelta(hours=3))

    assert not compiled.changed
    assert [
        q
        for q in queries.captured_queries
        if q["sql"].lstrip().startswith(("INSERT", "UPDATE", "DELETE"))
    ] == []


def test_a_new_interval_moves_the_next_run_to_the_new_grid(workflow: OltWorkflow) -> None:
    rx = node(workflow, "optical.rx", "51.1.4")
    compile_node(rx, now=NOW)
    later = NOW + timedelta(minutes=2, seconds=30)

    rx.interval_seconds = 60
    host = compile_node(rx, now=later).host

    assert host.next_run_at == first_run_at(later, 60, 10)
    assert SnmpJobHost.objects.get(pk=host.pk).next_run_at == host.next_run_at


def test_a_priority_change_keeps_the_schedule(workflow: OltWorkflow) -> None:
    rx = node(workflow, "optical.rx", "51.1.4")
    before = compile_node(rx, now=NOW).host.next_run_at

    rx.priority = 55
    compiled = compile_node(rx, now=NOW + timedelta(seconds=200))

    assert compiled.job.priority == 55
    assert compiled.host.next_run_at == before


def test_re_enabling_after_a_long_pause_starts_on_the_grid_instead_of_counting_misses(
    workflow: OltWorkflow,
) -> None:
    rx = node(workflow, "optical.rx", "51.1.4")
    compile_node(rx, now=NOW)
    rx.enabled = False
    paused = compile_node(rx, now=NOW)
    assert not paused.host.enabled and not paused.job.enabled

    much_later = NOW + timedelta(days=1, seconds=7)
    rx.enabled = True
    host = compile_node(rx, now=much_later).host

    assert host.enabled
    assert host.next_run_at == first_run_at(much_later, 300, 10)


def test_a_disabled_olt_or_task_template_disables_the_job(workflow: OltWorkflow) -> None:
    rx = node(workflow, "optical.rx", "51.1.4")
    Olt.objects.filter(pk=workflow.olt_id).update(enabled=False)
    rx.workflow.olt.refresh_from_db()

    assert not compile_node(rx, now=NOW).host.enabled

    Olt.objects.filter(pk=workflow.olt_id).update(enabled=True)
    rx.workflow.olt.refresh_from_db()
    TaskTemplate.objects.filter(name="Get").update(enabled=False)
    rx.task_template = TaskTemplate.objects.get(name="Get")

    assert not compile_node(rx, now=NOW).job.enabled


def test_a_chained_node_has_no_next_run_until_it_leaves_the_chain(workflow: OltWorkflow) -> None:
    discovery = node(workflow, "discovery.onus", "46.1.1", interval_seconds=180)
    serial = node(workflow, "info.serial", "43.1.3", interval_seconds=3600, run_after=discovery)
    master = compile_node(discovery, now=NOW).job

    chained = compile_node(serial, now=NOW)
    assert chained.job.run_after == master
    assert chained.host.next_run_at is None

    serial.run_after = None
    later = NOW + timedelta(seconds=42)
    freed = compile_node(serial, now=later)
    assert freed.job.run_after is None
    assert freed.host.next_run_at == first_run_at(later, 3600, 10)


def test_recompiling_a_chained_node_keeps_the_run_its_master_made_due(
    workflow: OltWorkflow,
) -> None:
    discovery = node(workflow, "discovery.onus", "46.1.1", interval_seconds=180)
    serial = node(workflow, "info.serial", "43.1.3", interval_seconds=3600, run_after=discovery)
    compile_node(discovery, now=NOW)
    host = compile_node(serial, now=NOW).host

    # Given the master finished and made its follower due,
    SnmpJobHost.objects.filter(pk=host.pk).update(next_run_at=NOW)

    # when the follower is recompiled (an edit of its parameters, say),
    serial.parameters = {"note": "edited"}
    recompiled = compile_node(serial, now=NOW + timedelta(seconds=1))

    # then the due run is kept, not reset to "waiting for the master".
    assert recompiled.host.next_run_at == NOW


def test_a_chained_node_whose_master_has_no_job_is_refused(workflow: OltWorkflow) -> None:
    discovery = node(workflow, "discovery.onus", "46.1.1")
    serial = node(workflow, "info.serial", "43.1.3", run_after=discovery)

    with pytest.raises(WorkflowError, match="discovery.onus"):
        compile_node(serial, now=NOW)


def test_no_enabled_default_task_template_is_a_clear_error(workflow: OltWorkflow) -> None:
    TaskTemplate.objects.filter(name="Discovery").update(enabled=False)
    discovery = node(workflow, "discovery.onus", "46.1.1")

    with pytest.raises(WorkflowError) as error:
        compile_node(discovery, now=NOW)

    message = str(error.value)
    assert "No enabled default task template for discovery OIDs" in message
    assert f"{HUAWEI}.46.1.1" in message
    assert "discovery.onus" in message


def test_two_enabled_defaults_for_a_kind_are_refused_naming_both(workflow: OltWorkflow) -> None:
    TaskTemplate.objects.filter(name="Simulated get").update(is_default=True)
    rx = node(workflow, "optical.rx", "51.1.4")

    with pytest.raises(WorkflowError, match="'Get', 'Simulated get'"):
        compile_node(rx, now=NOW)


# Invariant 1 lives in the database: whichever back end runs the suite must refuse it.


def test_a_second_pending_execution_for_an_olt_fails_at_the_database(olt: Olt) -> None:
    execution(olt, ExecutionStatus.PENDING)

    with pytest.raises(IntegrityError), transaction.atomic():
        execution(olt, ExecutionStatus.PENDING)

    assert Execution.objects.filter(olt=olt).count() == 1


def test_a_pending_execution_beside_a_running_one_fails_at_the_database(olt: Olt) -> None:
    execution(olt, ExecutionStatus.RUNNING)

    with pytest.raises(IntegrityError), transaction.atomic():
        execution(olt, ExecutionStatus.PENDING)


def test_finished_executions_do_not_hold_the_olt(olt: Olt) -> None:
    other = make_olt("olt-2")
    for status in (ExecutionStatus.SUCCESS, ExecutionStatus.FAILED, ExecutionStatus.INTERRUPTED):
        execution(olt, status)
    execution(olt, ExecutionStatus.PENDING)
    execution(other, ExecutionStatus.PENDING)

    assert Execution.objects.filter(status=ExecutionStatus.PENDING).count() == 2
