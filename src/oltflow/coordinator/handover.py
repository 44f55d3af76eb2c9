"""Hand-over: when an execution ends, its OLT goes at once to the next due job.

The worker that finished the execution claims for that one OLT through ``claim_due``, so the
OLT does not wait for the next tick; the new execution is dispatched after the claim commits.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.utils import timezone

from oltflow.coordinator.claim import Claimed, claim_due
from oltflow.coordinator.executors import Executor, dispatch_on_commit

logger = logging.getLogger(__name__)


def hand_over(olt_id: int, *, executor: Executor, now: datetime | None = None) -> list[Claimed]:
    """Claim and dispatch the next due job of OLT ``olt_id``; returns what was claimed."""
    claimed = claim_due(now or timezone.now(), olt_ids=[olt_id], room=executor.free_slots())
    if not claimed:
        logger.debug("OLT %s handed over to nothing: no due job it can start", olt_id)
    dispatch_on_commit(executor, claimed)
    return list(claimed)
