"""Task of the coordinator queue, for Celery beat: a tick every BEAT_SECONDS.

``oltflow coordinator`` ticks without it (its loop sleeps until the next due time, which beat's
fixed period cannot). A deployment may still run ``celery -A oltflow.celery_app beat`` and a
worker on the ``coordinator`` queue as a second ticker: the tick lock keeps one tick at a time.
"""

from __future__ import annotations

import logging

from oltflow.celery_app import TICK_TASK, app
from oltflow.coordinator.executors.celery import CeleryExecutor
from oltflow.coordinator.locks import tick_lock
from oltflow.coordinator.tick import tick

logger = logging.getLogger(__name__)


@app.task(name=TICK_TASK, ignore_result=True)
def run_tick() -> None:
    with tick_lock() as acquired:
        if not acquired:
            logger.info("Tick skipped: another tick is still running")
            return
        tick(executor=CeleryExecutor())
