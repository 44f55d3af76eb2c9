"""Scheduling policy: pure functions of numbers and times, no database.

Priority is one scale, 1..100, higher runs first. Run times sit on a fixed grid per job: the
multiples of its interval counted from the Unix epoch, shifted by its kind's second offset
(discovery :00, get :10 by default). A job that falls behind skips to the next grid point and
counts what it missed; it never replays them. Grid arithmetic is done in whole microseconds, so
a point computed a million periods from the epoch is still exactly on its second.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

DEFAULT_PRIORITY = {"discovery": 90, "get": 40, "walk": 30}
OTHER_PRIORITY = 50

# Kinds without queues of their own share the get queues (both only read from the OLT).
QUEUE_FAMILY = {"discovery": "discovery", "get": "get", "walk": "get"}
EXECUTION_QUEUES = ("discovery_main", "discovery_retry", "get_main", "get_retry")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_SECOND_US = 1_000_000


def effective_priority(kind: str, priority: int | None) -> int:
    """The node's own priority when set, else the default of its kind."""
    if priority is not None:
        return priority
    return DEFAULT_PRIORITY.get(kind, OTHER_PRIORITY)


def ordering_key(priority: int, name: str, job_id: int, *, requested: bool = False) -> tuple:
    """Sort key of the due job hosts of one OLT: run-now requests, then priority, name, id."""
    return (not requested, -priority, name, job_id)


def queue_for(kind: str, *, retry: bool) -> str:
    """The executor queue of a kind: ``discovery_main``, ``get_retry`` ..."""
    family = QUEUE_FAMILY.get(kind, "get")
    return f"{family}_{'retry' if retry else 'main'}"


def first_run_at(now: datetime, interval_seconds: int, offset_seconds: int) -> datetime:
    """The first grid point at or after ``now``: where a newly scheduled job starts."""
    return _grid_point(now, interval_seconds, offset_seconds, strictly_after=False)


def next_run_after(now: datetime, interval_seconds: int, offset_seconds: int) -> datetime:
    """The first grid point strictly after ``now``."""
    return _grid_point(now, interval_seconds, offset_seconds, strictly_after=True)


@dataclass(frozen=True)
class Advance:
    """Where a claimed job's schedule moves: its next grid point and the periods it skipped."""

    next_run_at: datetime
    missed: int


def advance(
    scheduled_at: datetime, now: datetime, interval_seconds: int, offset_seconds: int
) -> Advance:
    """Move a job claimed at ``now`` for the run scheduled at ``scheduled_at``.

    The next run is the first grid point strictly after ``now``, never one in the past: a job
    that was late runs once. Every grid point in ``(scheduled_at, now]`` is a period that came
    due while the job waited; the one run stands for the latest of them and the others are
    counted as missed.
    """
    following = next_run_after(now, interval_seconds, offset_seconds)
    if scheduled_at >= now:
        return Advance(following, 0)
    first_after_scheduled = next_run_after(scheduled_at, interval_seconds, offset_seconds)
    if first_after_scheduled > now:
        return Advance(following, 0)
    span = _micros(following) - _micros(first_after_scheduled)
    return Advance(following, span // (interval_seconds * _SECOND_US))


def min_gap_blocks(last_claimed_at: datetime | None, now: datetime, gap_seconds: float) -> bool:
    """Whether a job host claimed at ``last_claimed_at`` must still wait at ``now``."""
    return last_claimed_at is not None and now - last_claimed_at < timedelta(seconds=gap_seconds)


def retry_delay(delay_seconds: int, retry_number: int) -> timedelta:
    """Backoff before retry number ``retry_number`` (1, 2 ...): the delay, doubled each time."""
    if retry_number < 1:
        raise ValueError(f"retry_number starts at 1, not {retry_number}")
    return timedelta(seconds=delay_seconds * 2 ** (retry_number - 1))


def retry_at(
    *,
    attempt: int,
    max_retries: int,
    delay_seconds: int,
    now: datetime,
    next_run_at: datetime | None,
) -> datetime | None:
    """When attempt ``attempt + 1`` runs after a retryable failure, or None for no retry.

    Attempts count from 1, so a template with ``max_retries = 2`` runs at most 3 attempts. No
    retry is scheduled when it would not come before the job's next regular run: that run
    does the same work sooner.
    """
    if attempt > max_retries:
        return None
    moment = now + retry_delay(delay_seconds, attempt)
    if next_run_at is not None and moment >= next_run_at:
        return None
    return moment


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


def _grid_point(
    moment: datetime, interval_seconds: int, offset_seconds: int, *, strictly_after: bool
) -> datetime:
    if interval_seconds < 1:
        raise ValueError(f"interval_seconds must be at least 1, not {interval_seconds}")
    interval = interval_seconds * _SECOND_US
    offset = (offset_seconds % interval_seconds) * _SECOND_US
    since = _micros(moment) - offset
    if strictly_after:
        index = since // interval + 1
    else:
        index = -(-since // interval)
    return _EPOCH + timedelta(microseconds=index * interval + offset)
