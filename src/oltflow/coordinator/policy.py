"""Scheduling policy: pure functions of numbers and times, no database.

Priority is one scale, 1..100, higher runs first. Run times sit on a fixed grid per job: the
multiples of its interval counted from the Unix epoch, shifted by its kind's second offset
(discovery :00, get :10 by default). A job that falls behind skips to the next grid point and
counts what it missed; it never replays them.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

DEFAULT_PRIORITY = {"discovery": 90, "get": 40, "walk": 30}
OTHER_PRIORITY = 50


def effective_priority(kind: str, priority: int | None) -> int:
    """The node's own priority when set, else the default of its kind."""
    if priority is not None:
        return priority
    return DEFAULT_PRIORITY.get(kind, OTHER_PRIORITY)


def first_run_at(now: datetime, interval_seconds: int, offset_seconds: int) -> datetime:
    """The first grid point at or after ``now``: where a newly scheduled job starts."""
    return _grid_point(now, interval_seconds, offset_seconds, strictly_after=False)


def next_run_after(now: datetime, interval_seconds: int, offset_seconds: int) -> datetime:
    """The first grid point strictly after ``now``."""
    return _grid_point(now, interval_seconds, offset_seconds, strictly_after=True)


def _grid_point(
    moment: datetime, interval_seconds: int, offset_seconds: int, *, strictly_after: bool
) -> datetime:
    if interval_seconds < 1:
        raise ValueError(f"interval_seconds must be at least 1, not {interval_seconds}")
    offset = offset_seconds % interval_seconds
    since_epoch = (moment - _EPOCH).total_seconds() - offset
    periods = since_epoch / interval_seconds
    index = math.floor(periods) + 1 if strictly_after else math.ceil(periods)
    return _EPOCH + timedelta(seconds=index * interval_seconds + offset)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
