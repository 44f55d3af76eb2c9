"""One coordinator tick: reap, claim, dispatch after commit.

A tick loop (``runtime.TickLoop``) calls ``tick`` every TICK_SECONDS, sooner when work comes
due earlier: inside ``oltflow run`` with the local executor, inside ``oltflow coordinator`` with
the Celery executor. Celery beat can also send the tick task every BEAT_SECONDS.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from oltflow.coordinator.claim import Claimed, claim_due
from oltflow.coordinator.executors import Executor, dispatch_on_commit
from oltflow.coordinator.reaper import Reaped, reap
from oltflow.jobs.models import SnmpJobHost

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TickResult:
    claimed: list[Claimed]
    reaped: Reaped
    next_due_at: datetime | None
    saturated: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    held_back: int = 0


def tick(*, executor: Executor, now: datetime | None = None) -> TickResult:
    """Reap, then claim every free OLT's first due job, and dispatch after commit."""
    now = now or timezone.now()

    # The reaper first: the OLTs it frees are claimed in this same tick.
    reaped = reap(now)
    dispatch_on_commit(executor, reaped.redispatched)

    claimed = claim_due(now, room=executor.free_slots())
    dispatch_on_commit(executor, claimed)

    result = TickResult(
        claimed=list(claimed),
        reaped=reaped,
        next_due_at=next_due_at(now),
        saturated=claimed.saturated,
        held_back=claimed.held_back,
    )
    if claimed or reaped.interrupted or reaped.released or reaped.redispatched:
        logger.info(
            "Tick at %s: %d claimed, %d interrupted, %d released, %d sent again",
            now.isoformat(),
            len(claimed),
            len(reaped.interrupted),
            len(reaped.released),
            len(reaped.redispatched),
        )
    return result


def next_due_at(now: datetime) -> datetime | None:
    """The earliest moment after ``now`` at which a job host comes due.

    A hint for when to tick next, read through the due and retry indexes; it ignores the
    job, OLT and template switches, so at worst it wakes the loop for nothing.
    """
    hosts = SnmpJobHost.objects.filter(enabled=True)
    moments = [
        hosts.filter(next_run_at__gt=now)
        .order_by("next_run_at")
        .values_list("next_run_at", flat=True)
        .first(),
        hosts.filter(retry_at__gt=now)
        .order_by("retry_at")
        .values_list("retry_at", flat=True)
        .first(),
    ]
    present = [moment for moment in moments if moment is not None]
    return min(present) if present else None
