"""Task of the execution workers (queues discovery_main, discovery_retry, get_main, get_retry)."""

from __future__ import annotations

import os

from celery.exceptions import SoftTimeLimitExceeded

from oltflow.celery_app import EXECUTE_TASK, app
from oltflow.coordinator.execute import execute
from oltflow.coordinator.executors.celery import CeleryExecutor


@app.task(name=EXECUTE_TASK, bind=True, acks_late=True, ignore_result=True)
def run_execution(self, execution_id: int) -> None:
    worker = f"{self.request.hostname or 'celery'}:{os.getpid()}"
    execute(
        execution_id,
        worker,
        executor=CeleryExecutor(),
        interrupted_by=(SoftTimeLimitExceeded,),
    )
