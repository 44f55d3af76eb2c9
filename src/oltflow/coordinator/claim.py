"""The one path that starts work: claim due job hosts by inserting PENDING executions.

Every caller (the tick, the hand-over after an execution, run-now) goes through
``claim_due``. One claim is one transaction of a fixed number of statements, whatever the
number of OLTs:

1. take the claim lock (PostgreSQL advisory transaction lock; SQLite's IMMEDIATE transaction
   already holds the database's write lock), so capacity counts and minimum-gap checks are
   exact across coordinator processes;
2. count PENDING executions per kind;
3. read, per OLT, the first due job host by priority together with the OLT's active execution
   (one query with a window function), plus the due job hosts held back by the minimum gap;
4. insert one Execution(PENDING) per free OLT while its kind has room, with
   ``ON CONFLICT DO NOTHING``: the partial unique constraint ``one_active_execution_per_olt``
   turns a lost race into a row that is simply not returned;
5. move the claimed job hosts' ``next_run_at`` to their next grid point, counting missed runs.

The caller dispatches the returned executions after the transaction commits.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils.dateparse import parse_datetime

from oltflow.catalog.models import TaskTemplate
from oltflow.coordinator import policy
from oltflow.coordinator.locks import lock_claims
from oltflow.inventory.models import Olt
from oltflow.jobs.choices import ACTIVE_STATUSES, ExecutionStatus
from oltflow.jobs.models import Execution, SnmpJob, SnmpJobHost

logger = logging.getLogger(__name__)

DEFAULT_CAPACITY = 25
INSERT_BATCH = 1000


@dataclass(frozen=True)
class Claimed:
    """An execution created by a claim, with what an executor needs to send it."""

    execution_id: int
    job_host_id: int | None
    olt_id: int
    job_name: str
    kind: str
    queue: str
    attempt: int
    priority: int
    time_limit_seconds: int


class ClaimBatch(list[Claimed]):
    """The executions one claim created, the kinds that were at capacity, and how many free
    OLTs were left for lack of a free worker.

    ``saturated`` maps a kind to ``(pending, limit, olts_waiting)``.
    """

    def __init__(
        self,
        claimed: Sequence[Claimed] = (),
        saturated: dict | None = None,
        held_back: int = 0,
    ) -> None:
        super().__init__(claimed)
        self.saturated: dict[str, tuple[int, int, int]] = saturated or {}
        self.held_back = held_back


@dataclass
class _Due:
    """One row of the due-heads query."""

    id: int
    olt_id: int
    job_id: int
    next_run_at: datetime | None
    retry_at: datetime | None
    retry_attempt: int
    run_requested_at: datetime | None
    last_claimed_at: datetime | None
    missed_runs: int
    name: str
    kind: str
    priority: int
    interval_seconds: int
    run_after_id: int | None
    time_limit_seconds: int
    in_gap: int
    active_id: int | None

    def due_at(self, now: datetime) -> datetime:
        """The earliest of the moments that make it due (its place in the fairness order)."""
        moments = [self.run_requested_at]
        if self.next_run_at is not None and self.next_run_at <= now:
            moments.append(self.next_run_at)
        if self.retry_at is not None and self.retry_at <= now:
            moments.append(self.retry_at)
        return min(m for m in moments if m is not None)

    def is_retry(self, now: datetime) -> bool:
        """A pending retry came due and neither run-now nor a regular period supersedes it."""
        if self.run_requested_at is not None:
            return False
        if self.next_run_at is not None and self.next_run_at <= now:
            return False
        return self.retry_at is not None and self.retry_at <= now


def claim_due(
    now: datetime,
    *,
    olt_ids: Sequence[int] | None = None,
    room: Mapping[str, int] | None = None,
) -> ClaimBatch:
    """Claim the first due job host of every free OLT (of ``olt_ids`` when given).

    ``room`` caps the claims per executor queue (the local executor's idle threads), so a
    process never claims more than it can start; None means no cap (Celery queues).

    Returns the created executions, to dispatch after commit. Safe to call from any number of
    processes at once; a full pass (``olt_ids`` None) logs capacity saturation once, at
    WARNING, while a hand-over for one OLT logs it at DEBUG.
    """
    if olt_ids is not None and not olt_ids:
        return ClaimBatch()
    options = settings.OLTFLOW
    gap_seconds = float(options["MIN_GAP_SECONDS"])
    capacity: dict[str, int] = options["CAPACITY"]
    offsets: dict[str, int] = options["OFFSETS"]

    with transaction.atomic():
        # Step 1 and 2: serialize with other claims, then count what is already queued.
        lock_claims()
        pending = _pending_per_kind()

        # Step 3: the head of every OLT's due list, and what the minimum gap holds back.
        rows = _due_heads(now, now - timedelta(seconds=gap_seconds), olt_ids)
        heads = [row for row in rows if not row.in_gap]
        for row in rows:
            if row.in_gap:
                logger.info(
                    "Job host %s (%s) on OLT %s skipped: claimed %.1f s ago, minimum gap %.1f s",
                    row.id,
                    row.name,
                    row.olt_id,
                    (now - row.last_claimed_at).total_seconds(),
                    gap_seconds,
                )
        for row in heads:
            if row.active_id is not None:
                logger.debug(
                    "Job host %s (%s) waits: OLT %s is busy with execution %s",
                    row.id,
                    row.name,
                    row.olt_id,
                    row.active_id,
                )

        # Within a kind, the OLT that has waited longest goes first when room is short.
        free = sorted(
            (row for row in heads if row.active_id is None),
            key=lambda row: (row.due_at(now), row.olt_id),
        )
        kind_room = {
            kind: max(0, capacity.get(kind, DEFAULT_CAPACITY) - pending.get(kind, 0))
            for kind in {row.kind for row in free}
        }
        queue_room = dict(room) if room is not None else None
        chosen: list[_Due] = []
        waiting: Counter[str] = Counter()
        held_back = 0
        for row in free:
            queue = policy.queue_for(row.kind, retry=row.is_retry(now))
            if kind_room[row.kind] <= 0:
                waiting[row.kind] += 1
            elif queue_room is not None and queue_room.get(queue, 0) <= 0:
                held_back += 1
            else:
                kind_room[row.kind] -= 1
                if queue_room is not None:
                    queue_room[queue] -= 1
                chosen.append(row)

        # Step 4 and 5: insert the executions, then move the schedules of those that landed.
        inserted = _insert_executions(chosen, now) if chosen else {}
        claimed = [row for row in chosen if row.id in inserted]
        _advance(claimed, now, offsets)

    saturated = {
        kind: (
            pending.get(kind, 0) + sum(1 for row in claimed if row.kind == kind),
            capacity.get(kind, DEFAULT_CAPACITY),
            count,
        )
        for kind, count in sorted(waiting.items())
    }
    if saturated:
        logger.log(
            logging.WARNING if olt_ids is None else logging.DEBUG,
            "Capacity reached, work left due: %s",
            "; ".join(
                f"{kind} {pending_n}/{limit} pending, {count} OLTs waiting"
                for kind, (pending_n, limit, count) in saturated.items()
            ),
        )
    for row in chosen:
        if row.id not in inserted:
            logger.info(
                "Job host %s (%s) not claimed: OLT %s was taken by another claim",
                row.id,
                row.name,
                row.olt_id,
            )

    if held_back:
        logger.debug("%d free OLTs wait for an idle worker of this process", held_back)

    batch = ClaimBatch(saturated=saturated, held_back=held_back)
    for row in claimed:
        retry = row.is_retry(now)
        item = Claimed(
            execution_id=inserted[row.id],
            job_host_id=row.id,
            olt_id=row.olt_id,
            job_name=row.name,
            kind=row.kind,
            queue=policy.queue_for(row.kind, retry=retry),
            attempt=row.retry_attempt if retry else 1,
            priority=row.priority,
            time_limit_seconds=row.time_limit_seconds,
        )
        logger.info(
            "Claimed job host %s (%s) on OLT %s: execution %s, priority %d, queue %s, attempt %d",
            item.job_host_id,
            item.job_name,
            item.olt_id,
            item.execution_id,
            item.priority,
            item.queue,
            item.attempt,
        )
        batch.append(item)
    return batch


# SQL. Written by hand because step 3 needs a window function over a join with the OLT's
# active execution, and step 4 needs INSERT ... ON CONFLICT DO NOTHING RETURNING; both run on
# PostgreSQL and on SQLite (3.35 or later). Names sort with binary collation on both, which is
# also Python's string order (see policy.ordering_key). Step 2's count too: every hand-over
# claims, and the ORM took longer to compile that count than PostgreSQL took to run it.

_DUE_COLUMNS = (
    "id",
    "olt_id",
    "job_id",
    "next_run_at",
    "retry_at",
    "retry_attempt",
    "run_requested_at",
    "last_claimed_at",
    "missed_runs",
    "name",
    "kind",
    "priority",
    "interval_seconds",
    "run_after_id",
    "time_limit_seconds",
    "in_gap",
)
_DATETIME_COLUMNS = ("next_run_at", "retry_at", "run_requested_at", "last_claimed_at")

_DUE_HEADS_SQL = """
WITH due AS (
    SELECT jh.id, jh.olt_id, jh.job_id, jh.next_run_at, jh.retry_at, jh.retry_attempt,
           jh.run_requested_at, jh.last_claimed_at, jh.missed_runs,
           j.name, j.kind, j.priority, j.interval_seconds, j.run_after_id,
           tt.time_limit_seconds,
           CASE WHEN jh.last_claimed_at > %s THEN 1 ELSE 0 END AS in_gap
    FROM {job_host} jh
    JOIN {job} j ON j.id = jh.job_id
    JOIN {olt} o ON o.id = jh.olt_id
    JOIN {task_template} tt ON tt.id = j.task_template_id
    WHERE jh.enabled AND j.enabled AND o.enabled AND tt.enabled
      AND (jh.next_run_at <= %s OR jh.retry_at <= %s OR jh.run_requested_at IS NOT NULL)
      {olt_filter}
), ranked AS (
    SELECT due.*, ROW_NUMBER() OVER (
        PARTITION BY olt_id, in_gap
        ORDER BY CASE WHEN run_requested_at IS NULL THEN 1 ELSE 0 END,
                 priority DESC, name{collate}, job_id
    ) AS position
    FROM due
)
SELECT {columns}, active.id
FROM ranked r
LEFT JOIN {execution} active ON active.olt_id = r.olt_id AND active.status IN (%s, %s)
WHERE r.position = 1 OR r.in_gap = 1
"""

_INSERT_SQL = """
INSERT INTO {execution} (job_host_id, olt_id, kind, status, attempt, queue, due_at, created_at,
                         time_limit_seconds, dispatched_at, dispatch_count, worker, error, summary)
VALUES {values}
ON CONFLICT DO NOTHING
RETURNING id, job_host_id
"""
_INSERT_ROW = "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 1, '', '', '{}')"

_ADVANCE_SQL = """
UPDATE {job_host}
SET next_run_at = v.column2{timestamp}, missed_runs = v.column3{integer}, last_claimed_at = %s,
    retry_at = NULL, retry_attempt = 0, run_requested_at = NULL
FROM (VALUES {values}) AS v
WHERE {job_host}.id = v.column1{bigint}
"""


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _param(moment: datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(moment)


def _from_db(value: Any) -> datetime | None:
    """A datetime column read by raw SQL: aware on PostgreSQL, text or naive UTC on SQLite."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _pending_per_kind() -> dict[str, int]:
    sql = f"SELECT kind, COUNT(*) FROM {_table(Execution)} WHERE status = %s GROUP BY kind"
    with connection.cursor() as cursor:
        cursor.execute(sql, [ExecutionStatus.PENDING.value])
        return dict(cursor.fetchall())


def _due_heads(now: datetime, gap_since: datetime, olt_ids: Sequence[int] | None) -> list[_Due]:
    params: list[Any] = [_param(gap_since), _param(now), _param(now)]
    olt_filter = ""
    if olt_ids is not None:
        olt_filter = f"AND jh.olt_id IN ({', '.join(['%s'] * len(olt_ids))})"
        params.extend(olt_ids)
    params.extend(ACTIVE_STATUSES)
    sql = _DUE_HEADS_SQL.format(
        job_host=_table(SnmpJobHost),
        job=_table(SnmpJob),
        olt=_table(Olt),
        task_template=_table(TaskTemplate),
        execution=_table(Execution),
        olt_filter=olt_filter,
        collate=' COLLATE "C"' if connection.vendor == "postgresql" else "",
        columns=", ".join(f"r.{name}" for name in _DUE_COLUMNS),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    result = []
    for row in rows:
        values = dict(zip((*_DUE_COLUMNS, "active_id"), row, strict=True))
        for name in _DATETIME_COLUMNS:
            values[name] = _from_db(values[name])
        result.append(_Due(**values))
    return result


def _insert_executions(rows: list[_Due], now: datetime) -> dict[int, int]:
    """Insert PENDING executions; returns {job host id: execution id} for those that landed."""
    inserted: dict[int, int] = {}
    stamp = _param(now)
    for start in range(0, len(rows), INSERT_BATCH):
        batch = rows[start : start + INSERT_BATCH]
        params: list[Any] = []
        for row in batch:
            retry = row.is_retry(now)
            params += [
                row.id,
                row.olt_id,
                row.kind,
                ExecutionStatus.PENDING.value,
                row.retry_attempt if retry else 1,
                policy.queue_for(row.kind, retry=retry),
                _param(row.due_at(now)),
                stamp,
                row.time_limit_seconds,
                stamp,
            ]
        sql = _INSERT_SQL.format(
            execution=_table(Execution), values=", ".join([_INSERT_ROW] * len(batch))
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            inserted.update({job_host_id: pk for pk, job_host_id in cursor.fetchall()})
    return inserted


def _advance(rows: list[_Due], now: datetime, offsets: dict[str, int]) -> None:
    """Move claimed job hosts along their grid; chained ones wait for their master again."""
    updates = []
    for row in rows:
        next_run_at, missed = row.next_run_at, 0
        if next_run_at is not None and next_run_at <= now:
            if row.run_after_id is not None:
                next_run_at = None
            else:
                step = policy.advance(
                    next_run_at, now, row.interval_seconds, offsets.get(row.kind, 0)
                )
                next_run_at, missed = step.next_run_at, step.missed
        if missed:
            logger.info(
                "Job host %s (%s) on OLT %s missed %d runs while late; next run at %s",
                row.id,
                row.name,
                row.olt_id,
                missed,
                next_run_at.isoformat(),
            )
        updates.append(
            (row.id, _param(next_run_at) if next_run_at else None, row.missed_runs + missed)
        )
    if not updates:
        return

    # One UPDATE ... FROM (VALUES ...) per batch: constant per row, where Django's bulk_update
    # builds CASE expressions that cost O(rows^2) and took seconds for 2,000 OLTs.
    postgres = connection.vendor == "postgresql"
    stamp = _param(now)
    for start in range(0, len(updates), INSERT_BATCH):
        batch = updates[start : start + INSERT_BATCH]
        sql = _ADVANCE_SQL.format(
            job_host=_table(SnmpJobHost),
            values=", ".join(["(%s, %s, %s)"] * len(batch)),
            bigint="::bigint" if postgres else "",
            timestamp="::timestamptz" if postgres else "",
            integer="::integer" if postgres else "",
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [stamp, *(value for update in batch for value in update)])
