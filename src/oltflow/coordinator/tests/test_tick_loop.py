"""The tick loop on its own: when it ticks, the tick lock, and the timing it logs."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from conftest import require_postgresql
from oltflow.coordinator.locks import tick_lock
from oltflow.coordinator.runtime import TickLoop
from oltflow.coordinator.tests.factories import make_job, make_olt
from oltflow.jobs.models import Execution

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def test_the_loop_claims_a_job_on_its_due_time_between_slow_ticks(catalog, recorder, caplog):
    # Given a job due 1.5 s from now, and a loop that ticks at least every 30 s
    due = timezone.now() + timedelta(seconds=1.5)
    make_job(catalog, make_olt(catalog, "due-soon"), "due soon", next_run_at=due)

    # When the loop runs until the job is claimed
    with caplog.at_level(logging.DEBUG, logger="oltflow.coordinator.runtime"):
        loop = TickLoop(recorder, tick_seconds=30).start()
        try:
            wait_for(lambda: recorder.dispatched, 10, "the claim")
        finally:
            loop.stop()

    # Then it was claimed within 200 ms of its due time, and each tick logged its timing
    execution = Execution.objects.get()
    assert timedelta(0) <= execution.created_at - due < timedelta(seconds=0.2)
    timings = [r for r in caplog.records if " took " in r.getMessage()]
    assert len(timings) == loop.ticks >= 2
    assert "ms CPU" in timings[0].getMessage()


def test_an_exclusive_loop_skips_its_ticks_while_another_holds_the_tick_lock(catalog, recorder):
    require_postgresql()
    # Given a due job, and another session (another coordinator) holding the tick lock
    make_job(catalog, make_olt(catalog, "locked"), "locked", next_run_at=timezone.now())
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with tick_lock() as acquired:
            assert acquired
            holding.set()
            release.wait(10)
        connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(5)

    # When an exclusive loop ticks while the lock is held, then after it is released
    loop = TickLoop(recorder, tick_seconds=0.1, exclusive=True).start()
    try:
        wait_for(lambda: loop.ticks >= 3, 5, "three ticks")
        claimed_while_locked = len(recorder.dispatched)
        release.set()
        holder.join(5)
        wait_for(lambda: recorder.dispatched, 5, "the claim after release")
    finally:
        release.set()
        loop.stop()

    # Then it claimed nothing while the lock was held, and the job once it was free
    assert claimed_while_locked == 0
    assert len(recorder.dispatched) == 1
