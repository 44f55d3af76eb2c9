"""Task of the coordinator worker (queue coordinator), sent by beat every BEAT_SECONDS."""

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
