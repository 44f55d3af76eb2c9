"""The tick: reaper then claim, dispatch after commit, saturation logged once per tick."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest
from django.db import connection

from conftest import require_postgresql
from oltflow.coordinator.execute import execute
from oltflow.coordinator.locks import tick_lock
from oltflow.coordinator.tests.factories import NOW, make_job, make_olt
from oltflow.coordinator.tick import next_due_at, tick
from oltflow.jobs.choices import ExecutionStatus
from oltflow.jobs.models import Execution


@pytest.mark.django_db
def test_capacity_holds_under_a_backlog_and_is_logged_once_per_tick(
    catalog, recorder, committed, options, caplog
):
    # Given 30 OLTs with two due discoveries each, and room for 5 PENDING discoveries
    options(CAPACITY={"discovery": 5, "get": 5, "walk": 5}, MIN_GAP_SECONDS=0)
    for n in range(30):
        olt = make_olt(catalog, f"olt-{n:02d}")
        make_job(catalog, olt, "disc a", "discovery")
        make_job(catalog, olt, "disc b", "discovery")
    pending_seen = []

    def pending():
        count = Execution.objects.filter(status=ExecutionStatus.PENDING).count()
        pending_seen.append(count)
        return count

    # When 4 ticks run, and between them workers start and finish 3 executions each time
    with caplog.at_level(logging.DEBUG, logger="oltflow.coordinator"):
        for step in range(4):
            now = NOW + timedelta(seconds=step)
            committed(tick, executor=recorder, now=now)
            pending()
            for item in recorder.dispatched[:3]:
                clock = lambda moment=now: moment  # noqa: E731
                committed(execute, item.execution_id, "w", executor=recorder, clock=clock)
                pending()
            del recorder.dispatched[:3]

    # Then PENDING never exceeded the limit, and each tick logged saturation once at WARNING
    assert max(pending_seen) == 5
    warnings = [
        r for r in caplog.records if r.levelno == logging.WARNING and "Capacity" in r.getMessage()
    ]
    assert len(warnings) == 4
    assert warnings[0].getMessage() == (
        "Capacity reached, work left due: discovery 5/5 pending, 25 OLTs waiting"
    )
    # And the hand-overs in between claimed work without adding warnings of their own
    hand_overs = [r for r in caplog.records if "Claimed job host" in r.getMessage()][5:]
    assert hand_overs


@pytest.mark.django_db(transaction=True)
def test_dispatch_happens_after_commit_and_sees_the_committed_row(catalog):
    # Given an executor that checks, from another connection, that the row exists
    make_job(catalog, make_olt(catalog, "visible"), "visible")
    seen = []

    class CheckingExecutor:
        def dispatch(self, claimed):
            def look():
                seen.append(Execution.objects.filter(pk=claimed.execution_id).exists())
                connection.close()

            thread = threading.Thread(target=look)
            thread.start()
            thread.join()

        def is_accepting(self):
            return True

        def free_slots(self):
            return None

    # When a tick claims it
    result = tick(executor=CheckingExecutor(), now=NOW)

    # Then the executor got it only once it was committed
    assert len(result.claimed) == 1
    assert seen == [True]


@pytest.mark.django_db
def test_tick_reports_the_next_due_moment(catalog, recorder):
    olt = make_olt(catalog, "soon")
    make_job(catalog, olt, "later", next_run_at=NOW + timedelta(seconds=30))
    make_job(catalog, olt, "retry", next_run_at=None, retry_at=NOW + timedelta(seconds=7))
    assert tick(executor=recorder, now=NOW).next_due_at == NOW + timedelta(seconds=7)
    assert next_due_at(NOW + timedelta(seconds=8)) == NOW + timedelta(seconds=30)
    assert next_due_at(NOW + timedelta(hours=1)) is None


@pytest.mark.django_db(transaction=True)
def test_overlapping_ticks_skip_under_the_tick_lock():
    require_postgresql()
    held, release, done = threading.Event(), threading.Event(), threading.Event()

    def other_tick():
        with tick_lock() as acquired:
            assert acquired
            held.set()
            release.wait(5)
        connection.close()
        done.set()

    thread = threading.Thread(target=other_tick)
    thread.start()
    held.wait(5)
    with tick_lock() as acquired:
        assert not acquired
    release.set()
    done.wait(5)
    with tick_lock() as acquired:
        assert acquired
    thread.join()
