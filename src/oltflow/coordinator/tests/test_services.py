"""run_now: due at once and first on its OLT, still one execution per OLT."""

from __future__ import annotations

from datetime import timedelta

import pytest

from oltflow.coordinator.claim import claim_due
from oltflow.coordinator.execute import execute
from oltflow.coordinator.services import run_now
from oltflow.coordinator.tests.factories import NOW, make_job, make_olt
from oltflow.jobs.models import Execution, SnmpJobHost

pytestmark = pytest.mark.django_db

LATER = NOW + timedelta(hours=1)


def test_run_now_on_a_free_olt_claims_and_dispatches_at_once(catalog, recorder, committed):
    olt = make_olt(catalog, "free")
    host = make_job(catalog, olt, "manual", next_run_at=LATER)

    claimed = committed(run_now, host, now=NOW, executor=recorder)

    assert claimed is not None and claimed.job_host_id == host.pk
    assert recorder.dispatched == [claimed]
    host.refresh_from_db()
    assert host.next_run_at == LATER  # its schedule is untouched
    assert host.run_requested_at is None


def test_run_now_on_a_busy_olt_waits_first_in_line_and_runs_at_hand_over(
    catalog, recorder, committed
):
    # Given an OLT running a job, with a high-priority job also due
    olt = make_olt(catalog, "busy")
    running = make_job(catalog, olt, "a running job", "discovery")
    make_job(catalog, olt, "b important", "discovery")
    low = make_job(catalog, olt, "manual", "get", next_run_at=LATER)
    [current] = claim_due(NOW)
    assert current.job_host_id == running.pk

    # When the low-priority job is run now
    assert committed(run_now, low.pk, now=NOW, executor=recorder) is None

    # Then it waits, and the hand-over gives it the OLT before the higher-priority job
    assert Execution.objects.filter(olt=olt).count() == 1
    committed(execute, current.execution_id, "w", executor=recorder, clock=lambda: NOW)
    assert [c.job_host_id for c in recorder.dispatched] == [low.pk]


def test_run_now_without_an_executor_only_requests(catalog):
    host = make_job(catalog, make_olt(catalog, "cli"), "manual", next_run_at=LATER)
    assert run_now(host, now=NOW, executor=None) is None
    host.refresh_from_db()
    assert host.run_requested_at == NOW
    assert Execution.objects.count() == 0
    # The coordinator's next claim starts it.
    [claimed] = claim_due(NOW + timedelta(seconds=1))
    assert claimed.job_host_id == host.pk


def test_run_now_of_an_unknown_job_host_raises(db):
    with pytest.raises(SnmpJobHost.DoesNotExist):
        run_now(123456, now=NOW, executor=None)
