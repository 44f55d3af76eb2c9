"""The Celery application: queues, routes and the beat schedule of the coordinator tick.

Used only when ``OLTFLOW_BROKER_URL`` is set. ``oltflow worker`` starts its workers and
``oltflow coordinator`` its tick loop; ``celery -A oltflow.celery_app`` works too (beat sends
the tick every BEAT_SECONDS, an optional second ticker beside ``oltflow coordinator``).
"""

from __future__ import annotations

import os

from celery import Celery
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oltflow.settings")

from django.conf import settings

from oltflow.coordinator.policy import EXECUTION_QUEUES

COORDINATOR_QUEUE = "coordinator"
TICK_TASK = "oltflow.tick"
EXECUTE_TASK = "oltflow.execute"

app = Celery(
    "oltflow",
    include=["oltflow.coordinator.tasks.execution", "oltflow.coordinator.tasks.tick"],
)
app.conf.update(
    broker_url=settings.OLTFLOW["BROKER_URL"] or None,
    broker_connection_retry_on_startup=True,
    # Each queue has its own exchange and routing key. Left to the defaults, every queue was
    # bound to the default exchange with the one default key, so each message sent to one
    # queue was delivered to all five.
    task_queues=[
        Queue(name, Exchange(name), routing_key=name)
        for name in (*EXECUTION_QUEUES, COORDINATOR_QUEUE)
    ],
    task_default_queue=COORDINATOR_QUEUE,
    task_routes={TICK_TASK: {"queue": COORDINATOR_QUEUE}},
    # A message is acknowledged when its task ends, and a worker holds one message per process:
    # none waits behind a long execution. A killed worker's messages come back from Redis only
    # after the visibility timeout (an hour); the coordinator's reaper sends them again sooner.
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    # Outcomes live in Execution rows, not in a result backend.
    task_ignore_result=True,
    task_serializer="json",
    accept_content=["json"],
    timezone=settings.TIME_ZONE,
    enable_utc=True,
    worker_hijack_root_logger=False,
    beat_schedule={
        "coordinator-tick": {
            "task": TICK_TASK,
            "schedule": settings.OLTFLOW["BEAT_SECONDS"],
            # A tick that waited longer than one period is useless: the next one is coming.
            "options": {"queue": COORDINATOR_QUEUE, "expires": settings.OLTFLOW["BEAT_SECONDS"]},
        }
    },
)
