"""Query counts do not grow with the number of ONUs (beyond SQLite's statement splitting)."""

from __future__ import annotations

import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from oltflow.inventory.models import Onu, OnuSample, OnuValue
from oltflow.inventory.services import BATCH_SIZE
from oltflow.jobs.choices import ExecutionStatus
from oltflow.polling import discovery, get
from oltflow.polling.tests.helpers import claim, job_host, make_olt, set_parameters

pytestmark = pytest.mark.django_db


def statements(model, rows: int) -> int:
    """INSERT statements a bulk insert of ``rows`` rows of ``model`` takes on this database."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    size = connection.ops.bulk_batch_size(fields, [None] * rows) or rows
    return math.ceil(rows / min(size, BATCH_SIZE))


def counted(host, runner) -> tuple[dict, int]:
    execution = claim(host)
    with CaptureQueriesContext(connection) as queries:
        summary = runner(execution)
    execution.finish(ExecutionStatus.SUCCESS, timezone.now())
    return summary, len(queries)


@pytest.mark.parametrize("walk_ratio", [0, 2], ids=["walk", "get"])
def test_discovery_and_get_queries_are_the_same_for_50_and_500_onus(
    catalog, polling_fleet, django_assert_max_num_queries, walk_ratio
):
    # Given the counts for an OLT of 50 ONUs: a first discovery, a second one, a get
    small = make_olt(polling_fleet, "q50")
    set_parameters(small, "optical.rx", walk_ratio=walk_ratio)
    _, first = counted(job_host(small, "discovery.onus"), discovery.run)
    _, again = counted(job_host(small, "discovery.onus"), discovery.run)
    small_get, read = counted(job_host(small, "optical.rx"), get.run)

    # When the same runs on an OLT of 500 ONUs, then they take no more queries
    big = make_olt(polling_fleet, "q500")
    set_parameters(big, "optical.rx", walk_ratio=walk_ratio)
    onu_extra = statements(Onu, 500) - statements(Onu, 50)
    execution = claim_started(big, "discovery.onus")
    with django_assert_max_num_queries(first + onu_extra):
        summary = discovery.run(execution)
    assert summary["new"] == 500
    execution = claim_started(big, "discovery.onus")
    with django_assert_max_num_queries(again + onu_extra):
        summary = discovery.run(execution)
    assert summary["seen"] == 500
    get_extra = statements(OnuValue, 500) - statements(OnuValue, 50)
    get_extra += statements(OnuSample, 500) - statements(OnuSample, 50)
    execution = claim_started(big, "optical.rx")
    with django_assert_max_num_queries(read + get_extra):
        summary = get.run(execution)
    assert summary["written"] == 500
    assert summary["strategy"] == small_get["strategy"]
    if connection.vendor == "postgresql":
        assert onu_extra == get_extra == 0


def claim_started(olt, key: str):
    """A started execution of node ``key``, after ending the OLT's previous one."""
    for execution in olt.executions.filter(status=ExecutionStatus.RUNNING):
        execution.finish(ExecutionStatus.SUCCESS, timezone.now())
    return claim(job_host(olt, key))
