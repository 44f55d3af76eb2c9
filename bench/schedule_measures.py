"""Scheduling-quality measures computed from Execution rows (used by schedule_quality.py).

Every measure is a pure function of plain rows, so the figures a benchmark prints can be
recomputed from the rows it leaves in the database. Times are seconds since an arbitrary
origin (floats); ``None`` marks a time that never happened.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    id: int
    olt_id: int
    job_host_id: int
    interval: int
    offset: int
    attempt: int
    status: str
    due: float
    created: float
    started: float | None
    finished: float | None


Window = tuple[float, float]  # (start, end), inclusive


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summary(values: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "min": min(values) if values else math.nan,
        "max": max(values) if values else math.nan,
    }


def by_olt(rows: Iterable[Row]) -> dict[int, list[Row]]:
    """Started executions per OLT, in start order."""
    olts: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        if row.started is not None:
            olts[row.olt_id].append(row)
    for runs in olts.values():
        runs.sort(key=lambda r: (r.started, r.id))
    return olts


def raw_lateness(rows: Iterable[Row], outside: Window | None = None) -> list[float]:
    """Start minus due, first attempts only (the original system's measure).

    With ``outside``, jobs that were waiting at some moment of the window are left out: those
    due in it, and those due before it that had not started when it began (a job waiting
    behind an execution the kill lost waits for the reaper).
    """
    return [
        r.started - r.due
        for r in rows
        if r.attempt == 1
        and r.started is not None
        and not (outside is not None and r.due <= outside[1] and r.started >= outside[0])
    ]


def scheduling_delay(rows: Iterable[Row], outside: Window | None = None) -> list[float]:
    """Start minus the later of due and the moment the OLT became free, first attempts only.

    With ``outside``, starts whose reference moment (that later of the two) falls inside the
    window are left out: an OLT the reaper freed while no worker existed.
    """
    delays = []
    for runs in by_olt(rows).values():
        free_at = -math.inf
        for row in runs:
            ready = max(row.due, free_at)
            if row.attempt == 1 and not _inside(ready, outside):
                delays.append(row.started - ready)
            free_at = row.finished if row.finished is not None else math.inf
    return delays


def idle_gaps_with_work_due(rows: Iterable[Row], outside: Window | None = None) -> list[float]:
    """For each start whose job was due before the OLT became free: start minus free time.

    With ``outside``, gaps whose free time falls inside the window are left out.
    """
    gaps = []
    for runs in by_olt(rows).values():
        for previous, row in zip(runs, runs[1:], strict=False):
            free_at = previous.finished
            if free_at is not None and row.due <= free_at and not _inside(free_at, outside):
                gaps.append(row.started - free_at)
    return gaps


def _inside(moment: float, window: Window | None) -> bool:
    return window is not None and window[0] <= moment <= window[1]


def spacing(rows: Iterable[Row], interval: int) -> list[float]:
    """Seconds between consecutive first-attempt starts of the job hosts with this interval."""
    starts: dict[int, list[float]] = defaultdict(list)
    for row in rows:
        if row.interval == interval and row.attempt == 1 and row.started is not None:
            starts[row.job_host_id].append(row.started)
    gaps = []
    for times in starts.values():
        times.sort()
        gaps.extend(b - a for a, b in zip(times, times[1:], strict=False))
    return gaps


def grid_periods(
    rows: Iterable[Row], interval: int, offset: int, window: tuple[float, float]
) -> tuple[int, int, int]:
    """(periods, periods with no run, periods with two or more runs) for the interval's jobs.

    A period is one whole grid slot ``[k*interval + offset, (k+1)*interval + offset)`` inside
    the window, counted per job host; a run belongs to the slot its first-attempt start is in.
    Grid points are absolute (multiples of the interval since the epoch), like the scheduler's,
    so ``window`` must be in epoch seconds.
    """
    start, end = window
    first = math.ceil((start - offset) / interval)
    last = math.floor((end - offset) / interval)  # slots first .. last-1 fit in the window
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    hosts = set()
    for row in rows:
        if row.interval != interval:
            continue
        hosts.add(row.job_host_id)
        if row.attempt == 1 and row.started is not None:
            slot = math.floor((row.started - offset) / interval)
            if first <= slot < last:
                counts[row.job_host_id][slot] += 1
    periods = empty = double = 0
    for host in hosts:
        for slot in range(first, last):
            periods += 1
            n = counts[host].get(slot, 0)
            empty += n == 0
            double += n >= 2
    return periods, empty, double


def overlaps(rows: Iterable[Row]) -> list[tuple[int, int]]:
    """Pairs of executions of one OLT whose [start, finish] intervals overlap."""
    found = []
    for runs in by_olt(rows).values():
        latest_end, latest_id = -math.inf, None
        for row in runs:
            # Compare with every earlier run, not only the previous one: a long run can
            # overlap several short ones that started after it.
            if latest_id is not None and row.started < latest_end:
                found.append((latest_id, row.id))
            end = row.finished if row.finished is not None else math.inf
            if end > latest_end:
                latest_end, latest_id = end, row.id
    return found


def recovery_after_kill(rows: Iterable[Row], kill_at: float) -> dict[int, float | None]:
    """For OLTs that had an active execution at the kill, PENDING or RUNNING: seconds from the
    kill until the OLT's next start after it (None when it never started anything again).

    A row was active at ``kill_at`` when it was created by then and had not finished; one that
    was PENDING may have started after the kill (sent again by the reaper), which is then the
    OLT's recovery.
    """
    rows = list(rows)
    affected = {
        r.olt_id
        for r in rows
        if r.created <= kill_at and (r.finished is None or r.finished > kill_at)
    }
    recovery: dict[int, float | None] = {}
    for olt_id in sorted(affected):
        later = [
            r.started
            for r in rows
            if r.olt_id == olt_id and r.started is not None and r.started > kill_at
        ]
        recovery[olt_id] = (min(later) - kill_at) if later else None
    return recovery


def freed_after_kill(rows: Iterable[Row], kill_at: float) -> dict[int, float | None]:
    """For OLTs that had an active execution at the kill: seconds from the kill until the last
    of those executions ended (the reaper ends a killed worker's), None if one never did."""
    freed: dict[int, float | None] = {}
    for r in rows:
        if r.created <= kill_at and (r.finished is None or r.finished > kill_at):
            end = None if r.finished is None else r.finished - kill_at
            previous = freed.get(r.olt_id, 0.0)
            freed[r.olt_id] = None if end is None or previous is None else max(previous, end)
    return freed


def retries(rows: Iterable[Row]) -> dict[str, int]:
    """Counts of retry attempts (attempt 2 and later) by final status, plus their total."""
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        if row.attempt > 1:
            counts[row.status] += 1
            counts["total"] += 1
    return dict(counts)


def active(rows: Iterable[Row]) -> list[Row]:
    """Rows still PENDING or RUNNING."""
    return [r for r in rows if r.status in ("PENDING", "RUNNING")]
