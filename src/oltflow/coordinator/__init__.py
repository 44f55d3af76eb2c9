"""The execution coordinator: decides what runs on which OLT, when, and makes it run.

- ``policy``: pure rules (priority order, time grid, missed runs, retries, queues).
- ``claim``: ``claim_due``, the one path that starts work (one execution per OLT).
- ``execute``: run one execution (heartbeat, runner, outcome, retry) and hand over.
- ``handover``, ``reaper``, ``tick``: what happens after an execution, to lost executions,
  and on every coordinator tick.
- ``queue``: the read-only queue view; ``services``: ``run_now``.
- ``executors``: local thread pools or Celery; ``runtime``: the embedded loop;
  ``tasks``: the thin Celery tasks.
"""
