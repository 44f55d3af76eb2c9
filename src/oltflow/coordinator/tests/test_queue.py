"""The queue view: per OLT what runs and what waits, why, in claim order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oltflow.coordinator.claim import claim_due
from oltflow.coordinator.queue import KindLoad, queue_snapshot
from oltflow.coordinator.tests.factories import NOW, make_fleet, make_job, make_olt
from oltflow.jobs.models import Execution

pytestmark = pytest.mark.django_db


def reasons(olt_queue):
    return [(entry.job_name, entry.reason) for entry in olt_queue.entries]


def test_busy_olt_lists_its_waiting_jobs_in_claim_order(catalog):
    # Given the seed's four jobs due on one OLT, the first one claimed
    olt = make_olt(catalog, "SMP-10")
    for name, kind in [
        ("GET Estado ONU-2", "get"),
        ("Discovery Puertos", "discovery"),
        ("GET Estado ONU-1", "get"),
        ("Discovery ONUs", "discovery"),
    ]:
        make_job(catalog, olt, name, kind)
    [claimed] = claim_due(NOW)

    # When looking at the queue
    snapshot = queue_snapshot(now=NOW + timedelta(seconds=1))

    # Then the OLT runs Discovery ONUs and the others wait for it, in the order they will run
    [olt_queue] = snapshot.olts
    assert olt_queue.current.pk == claimed.execution_id
    assert olt_queue.olt_name == "SMP-10"
    assert reasons(olt_queue) == [
        ("Discovery Puertos", "olt_busy"),
        ("GET Estado ONU-1", "olt_busy"),
        ("GET Estado ONU-2", "olt_busy"),
    ]
    entry = olt_queue.entries[0]
    assert (entry.kind, entry.priority, entry.due_at, entry.waiting_since) == (
        "discovery",
        90,
        NOW,
        NOW,
    )
    assert KindLoad("discovery", 1, 25) in snapshot.loads


def test_free_olt_shows_next_and_the_kind_saturated(catalog, options):
    options(CAPACITY={"discovery": 1, "get": 5, "walk": 5})
    busy_elsewhere = make_olt(catalog, "a-first")
    make_job(catalog, busy_elsewhere, "elsewhere", "discovery", next_run_at=NOW)
    claim_due(NOW)
    olt = make_olt(catalog, "b-second")
    make_job(catalog, olt, "disc", "discovery")
    make_job(catalog, olt, "get", "get")
    other = make_olt(catalog, "c-third")
    make_job(catalog, other, "only get", "get")

    snapshot = queue_snapshot(now=NOW + timedelta(seconds=1))

    by_name = {q.olt_name: q for q in snapshot.olts}
    assert reasons(by_name["b-second"]) == [("disc", "saturated"), ("get", "olt_busy")]
    assert reasons(by_name["c-third"]) == [("only get", "next")]
    assert by_name["a-first"].entries == []


def test_min_gap_retry_wait_and_chained_entries(catalog):
    olt = make_olt(catalog, "mixed")
    master = make_job(catalog, olt, "master", "discovery")
    make_job(catalog, olt, "chained", "get", run_after=master)
    make_job(
        catalog,
        olt,
        "gapped",
        "get",
        next_run_at=NOW,
        last_claimed_at=NOW - timedelta(seconds=1),
    )
    make_job(
        catalog,
        olt,
        "retrying",
        "get",
        next_run_at=NOW + timedelta(hours=1),
        retry_at=NOW + timedelta(seconds=20),
        last_failure_at=NOW - timedelta(seconds=10),
    )

    [olt_queue] = queue_snapshot(now=NOW).olts

    assert reasons(olt_queue) == [
        ("master", "next"),
        ("gapped", "min_gap"),
        ("retrying", "retry_wait"),
        ("chained", "chained"),
    ]
    retry = olt_queue.entries[2]
    assert (retry.due_at, retry.waiting_since) == (
        NOW + timedelta(seconds=20),
        NOW - timedelta(seconds=10),
    )


def test_filter_by_olt_includes_an_idle_olt(catalog):
    idle = make_olt(catalog, "idle")
    make_job(catalog, make_olt(catalog, "other"), "x")
    [olt_queue] = queue_snapshot(olt_ids=[idle.pk], now=NOW).olts
    assert (olt_queue.olt_id, olt_queue.current, olt_queue.entries) == (idle.pk, None, [])


def test_snapshot_uses_the_same_queries_for_5_or_50_olts(catalog, options):
    options(CAPACITY={"discovery": 1000, "get": 1000, "walk": 1000})
    make_fleet(catalog, 5, 4, prefix="small")
    claim_due(NOW)
    with CaptureQueriesContext(connection) as small:
        assert len(queue_snapshot(now=NOW).olts) == 5
    make_fleet(catalog, 45, 4, prefix="large", next_run_at=NOW)
    claim_due(NOW)
    with CaptureQueriesContext(connection) as large:
        snapshot = queue_snapshot(now=NOW)
    assert len(snapshot.olts) == 50
    assert all(q.current is not None and len(q.entries) == 3 for q in snapshot.olts)
    assert len(small) == len(large) <= 4
    assert Execution.objects.count() == 50
