"""statements: the execution path's UPDATE and load give what the ORM gives."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oltflow.coordinator.claim import claim_due
from oltflow.coordinator.tests.factories import NOW, make_catalog, make_job, make_olt
from oltflow.db import statements
from oltflow.jobs.choices import ExecutionStatus
from oltflow.jobs.models import Execution, SnmpJobHost

pytestmark = pytest.mark.django_db

PATHS = ("olt", "job_host__job__node", "job_host__job__task_template__function")


def claimed_execution() -> Execution:
    catalog = make_catalog()
    olt = make_olt(catalog, "olt-1", community="s3cret")
    make_job(catalog, olt, "status", parameters={"duration_min": 0.5, "duration_max": 2})
    [claimed] = claim_due(NOW)
    return Execution.objects.get(pk=claimed.execution_id)


def fields_of(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


def related_rows(execution: Execution) -> list:
    """The execution and every row PATHS reaches from it."""
    job = execution.job_host.job
    return [
        execution,
        execution.olt,
        execution.job_host,
        job,
        job.node,
        job.task_template,
        job.task_template.function,
    ]


def test_loader_gives_every_field_of_every_related_row_like_select_related():
    pk = claimed_execution().pk
    expected = Execution.objects.select_related(*PATHS).get(pk=pk)

    with CaptureQueriesContext(connection) as queries:
        loaded = statements.Loader(Execution, *PATHS).get(pk)
        # Reaching every related row of the paths asks nothing more of the database.
        rows = related_rows(loaded)
    assert len(queries) == 1

    for got, want in zip(rows, related_rows(expected), strict=True):
        assert type(got) is type(want)
        assert fields_of(got) == fields_of(want)
    assert loaded.job_host.job.node.parameters == {"duration_min": 0.5, "duration_max": 2}
    assert loaded.olt.community == "s3cret"
    assert loaded.created_at.tzinfo is not None
    assert not loaded._state.adding


def test_loader_gives_none_along_a_null_foreign_key_and_for_a_missing_row():
    execution = claimed_execution()
    SnmpJobHost.objects.filter(pk=execution.job_host_id).delete()
    loader = statements.Loader(Execution, *PATHS)

    loaded = loader.get(execution.pk)

    assert loaded.job_host_id is None
    assert loaded.job_host is None
    assert loaded.olt.name == "olt-1"
    assert loader.get(execution.pk + 1000) is None


def test_loader_refuses_a_path_that_is_not_a_forward_foreign_key():
    claimed_execution()
    with pytest.raises(ValueError, match="'executions' is not a forward foreign key"):
        statements.Loader(SnmpJobHost, "executions").get(1)


def test_update_changes_only_the_rows_its_conditions_match_and_counts_them():
    execution = claimed_execution()
    started = NOW + timedelta(seconds=3)

    changed = statements.update(
        Execution,
        {"pk": execution.pk, "status": (ExecutionStatus.RUNNING, ExecutionStatus.SUCCESS)},
        status=ExecutionStatus.FAILED,
    )
    assert changed == 0

    changed = statements.update(
        Execution,
        {"pk": execution.pk, "status": ExecutionStatus.PENDING},
        status=ExecutionStatus.RUNNING,
        started_at=started,
        summary={"rows": 3},
    )
    assert changed == 1
    execution.refresh_from_db()
    assert execution.status == ExecutionStatus.RUNNING
    assert execution.started_at == started
    assert execution.summary == {"rows": 3}

    # A row that does not exist: nothing changes.
    assert (
        statements.update(
            Execution, {"pk": execution.pk + 1000, "status": "PENDING"}, status="RUNNING"
        )
        == 0
    )
