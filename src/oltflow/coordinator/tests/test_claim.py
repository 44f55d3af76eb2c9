"""claim_due: one execution per OLT, priority order, capacity, minimum gap, bounded queries."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oltflow.coordinator import claim as claim_module
from oltflow.coordinator.claim import claim_due
from oltflow.coordinator.tests.factories import NOW, make_fleet, make_job, make_olt
from oltflow.jobs.choices import ExecutionStatus
from oltflow.jobs.models import Execution, SnmpJobHost

pytestmark = pytest.mark.django_db


def finish_all(now):
    Execution.objects.filter(status__in=["PENDING", "RUNNING"]).update(
        status=ExecutionStatus.SUCCESS, finished_at=now
    )


def test_the_seed_example_runs_discovery_first_then_by_name(catalog, options):
    # Given the seed's four jobs due at once on one OLT (created in a scrambled order)
    options(MIN_GAP_SECONDS=0)
    olt = make_olt(catalog, "SMP-10")
    make_job(catalog, olt, "GET Estado ONU-2", "get")
    make_job(catalog, olt, "Discovery Puertos", "discovery")
    make_job(catalog, olt, "GET Estado ONU-1", "get")
    make_job(catalog, olt, "Discovery ONUs", "discovery")

    # When the OLT is claimed, and claimed again each time its execution ends
    order = []
    for step in range(5):
        now = NOW + timedelta(seconds=step)
        claimed = claim_due(now)
        assert len(claimed) <= 1
        order += [item.job_name for item in claimed]
        finish_all(now)

    # Then they ran in the seed's order, one at a time
    assert order == ["Discovery ONUs", "Discovery Puertos", "GET Estado ONU-1", "GET Estado ONU-2"]


def test_claim_takes_one_job_per_free_olt_and_skips_busy_olts(catalog):
    # Given two OLTs with two due jobs each, one of them already running something
    a, b = make_olt(catalog, "a"), make_olt(catalog, "b")
    a1 = make_job(catalog, a, "a1", "discovery")
    make_job(catalog, a, "a2", "get")
    b1 = make_job(catalog, b, "b1", "get")
    make_job(catalog, b, "b2", "get")
    Execution.objects.create(
        job_host=b1, olt=b, kind="get", queue="get_main", due_at=NOW, created_at=NOW
    )

    # When claiming
    claimed = claim_due(NOW)

    # Then only OLT a got an execution, for its first job, and its schedule moved on
    assert [(c.olt_id, c.job_host_id, c.queue, c.attempt) for c in claimed] == [
        (a.pk, a1.pk, "discovery_main", 1)
    ]
    a1.refresh_from_db()
    assert a1.next_run_at == NOW + timedelta(seconds=55)
    assert a1.last_claimed_at == NOW
    assert Execution.objects.filter(olt=a, status=ExecutionStatus.PENDING).count() == 1
    assert claim_due(NOW + timedelta(seconds=1)) == []


def test_lost_race_is_not_an_error(catalog, monkeypatch):
    # Given an OLT that gets an active execution between the read and the insert of a claim
    olt = make_olt(catalog, "raced")
    host = make_job(catalog, olt, "j1")
    other = make_job(catalog, olt, "j2")
    real_due_heads = claim_module._due_heads

    def due_heads_then_someone_else_inserts(*args, **kwargs):
        rows = real_due_heads(*args, **kwargs)
        Execution.objects.create(
            job_host=other, olt=olt, kind="get", queue="get_main", due_at=NOW, created_at=NOW
        )
        return rows

    monkeypatch.setattr(claim_module, "_due_heads", due_heads_then_someone_else_inserts)

    # When claiming
    claimed = claim_due(NOW)

    # Then nothing is claimed, nothing raised, and the job host kept its due time
    assert claimed == []
    host.refresh_from_db()
    assert host.next_run_at == NOW
    assert Execution.objects.filter(olt=olt).count() == 1


def test_disabled_rows_are_never_claimed(catalog):
    off_olt = make_olt(catalog, "off", enabled=False)
    make_job(catalog, off_olt, "on an off olt")
    olt = make_olt(catalog, "on")
    make_job(catalog, olt, "off job", enabled=False)
    make_job(catalog, olt, "off host").__class__.objects.filter(job__name="off host").update(
        enabled=False
    )
    assert claim_due(NOW) == []


def test_capacity_limits_pending_per_kind_and_logs_once(catalog, options, caplog):
    # Given 10 OLTs with a due discovery and 10 with a due get, and room for 3 of each
    options(CAPACITY={"discovery": 3, "get": 3, "walk": 3})
    for n in range(10):
        make_job(catalog, make_olt(catalog, f"d{n}"), f"disc {n}", "discovery")
        make_job(catalog, make_olt(catalog, f"g{n}"), f"get {n}", "get")

    # When claiming twice
    with caplog.at_level(logging.INFO, logger="oltflow.coordinator.claim"):
        first = claim_due(NOW)
        second = claim_due(NOW + timedelta(seconds=1))

    # Then 3 per kind are PENDING and the rest stay due
    assert sorted(c.kind for c in first) == ["discovery"] * 3 + ["get"] * 3
    assert second == []
    assert Execution.objects.filter(status="PENDING", kind="discovery").count() == 3
    assert SnmpJobHost.objects.filter(next_run_at__lte=NOW).count() == 14
    # And saturation was logged once per claim pass, with the counts, not once per job
    lines = [r.getMessage() for r in caplog.records if "Capacity reached" in r.getMessage()]
    assert (
        lines
        == [
            "Capacity reached, work left due: discovery 3/3 pending, 7 OLTs waiting; "
            "get 3/3 pending, 7 OLTs waiting"
        ]
        * 2
    )
    assert all(r.levelno == logging.WARNING for r in caplog.records if "Capacity" in r.msg)


def test_capacity_serves_the_longest_waiting_olt_first(catalog, options):
    options(CAPACITY={"discovery": 1, "get": 1, "walk": 1})
    late = make_olt(catalog, "z-late")
    early = make_olt(catalog, "a-early")
    make_job(catalog, late, "late", next_run_at=NOW - timedelta(seconds=1))
    make_job(catalog, early, "early", next_run_at=NOW - timedelta(seconds=30))
    assert [c.olt_id for c in claim_due(NOW)] == [early.pk]


def test_minimum_gap_holds_a_job_host_back_and_lets_the_next_one_run(catalog, caplog):
    # Given a job claimed 1 s ago that is due again (a retry), and another due job
    olt = make_olt(catalog, "gap")
    recent = make_job(
        catalog,
        olt,
        "recent",
        "discovery",
        next_run_at=NOW + timedelta(minutes=1),
        retry_at=NOW,
        retry_attempt=2,
        last_claimed_at=NOW - timedelta(seconds=1),
    )
    other = make_job(catalog, olt, "other", "get")

    # When claiming
    with caplog.at_level(logging.INFO, logger="oltflow.coordinator.claim"):
        claimed = claim_due(NOW)

    # Then the gap skipped the first, the other ran, and the skip was logged with ids
    assert [c.job_host_id for c in claimed] == [other.pk]
    assert f"Job host {recent.pk} (recent) on OLT {olt.pk} skipped: claimed 1.0 s ago" in (
        caplog.text
    )
    finish_all(NOW)
    # And once the gap has passed, the retry runs on the retry queue with its attempt number
    claimed = claim_due(NOW + timedelta(seconds=3))
    assert [(c.job_host_id, c.queue, c.attempt) for c in claimed] == [
        (recent.pk, "discovery_retry", 2)
    ]
    recent.refresh_from_db()
    assert recent.retry_at is None and recent.retry_attempt == 0
    assert recent.next_run_at == NOW + timedelta(minutes=1)


def test_chained_job_is_due_only_when_its_master_made_it_due(catalog):
    olt = make_olt(catalog, "chain")
    master = make_job(catalog, olt, "master", "discovery", next_run_at=NOW + timedelta(hours=1))
    chained = make_job(catalog, olt, "chained", "get", run_after=master)
    assert claim_due(NOW) == []

    SnmpJobHost.objects.filter(pk=chained.pk).update(next_run_at=NOW)
    assert [c.job_host_id for c in claim_due(NOW)] == [chained.pk]
    chained.refresh_from_db()
    assert chained.next_run_at is None


def test_run_requested_goes_first_on_its_olt(catalog):
    olt = make_olt(catalog, "req")
    make_job(catalog, olt, "discovery", "discovery")
    low = make_job(
        catalog, olt, "low", "get", next_run_at=NOW + timedelta(hours=1), run_requested_at=NOW
    )
    claimed = claim_due(NOW)
    assert [c.job_host_id for c in claimed] == [low.pk]
    low.refresh_from_db()
    assert low.run_requested_at is None
    assert low.next_run_at == NOW + timedelta(hours=1)


def test_an_outage_runs_a_late_job_once_and_counts_what_it_missed(catalog):
    # Given a 60 s get job whose run was due at 10:00:10, claimed two hours later
    olt = make_olt(catalog, "outage")
    scheduled = NOW.replace(second=10)
    host = make_job(catalog, olt, "every minute", "get", next_run_at=scheduled)
    later = scheduled + timedelta(hours=2, seconds=3)

    # When claiming after the outage
    claimed = claim_due(later)

    # Then it runs once, the 120 periods that came due meanwhile are counted, not replayed
    assert len(claimed) == 1
    host.refresh_from_db()
    assert host.missed_runs == 120
    assert host.next_run_at == scheduled + timedelta(hours=2, minutes=1)
    finish_all(later)
    assert claim_due(later + timedelta(seconds=5)) == []


def test_claim_over_5_or_50_olts_uses_the_same_number_of_queries(catalog, options):
    # Given 5 OLTs with three due jobs each, and room for everything
    options(CAPACITY={"discovery": 1000, "get": 1000, "walk": 1000}, MIN_GAP_SECONDS=0)
    make_fleet(catalog, 5, 3, prefix="small")
    with CaptureQueriesContext(connection) as small:
        assert len(claim_due(NOW)) == 5
    finish_all(NOW)

    # When 45 more OLTs join and all 50 are due
    make_fleet(catalog, 45, 3, prefix="large")
    SnmpJobHost.objects.update(next_run_at=NOW)
    with CaptureQueriesContext(connection) as large:
        assert len(claim_due(NOW + timedelta(seconds=1))) == 50

    # Then both claims took the same, small number of queries
    assert len(small) == len(large) <= 8, [q["sql"][:60] for q in large]


def test_hand_over_claim_for_one_olt_uses_a_fixed_number_of_queries(catalog):
    olts = make_fleet(catalog, 20, 3)
    with CaptureQueriesContext(connection) as queries:
        claimed = claim_due(NOW, olt_ids=[olts[3].pk])
    assert [c.olt_id for c in claimed] == [olts[3].pk]
    assert len(queries) <= 8
