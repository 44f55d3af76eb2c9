"""Coordinator services called by the CLI, the admin, the web UI and the API."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from oltflow.coordinator.claim import Claimed, claim_due
from oltflow.coordinator.executors import Executor, current, dispatch_on_commit
from oltflow.coordinator.locks import lock_claims
from oltflow.jobs.models import SnmpJobHost

logger = logging.getLogger(__name__)


def run_now(
    job_host: SnmpJobHost | int,
    *,
    now: datetime | None = None,
    executor: Executor | None = None,
) -> Claimed | None:
    """Make a job host due at once, first in its OLT's line, and try to claim it.

    Returns its claimed execution, or None when it waits: the OLT is busy (it runs at the
    hand-over), its kind is at capacity, the minimum gap holds it back, it is disabled, or
    this process has no executor (the running coordinator then claims it at its next tick).
    Like every start of work, it goes through ``claim_due``: one execution per OLT holds.
    """
    now = now or timezone.now()
    job_host_id = job_host if isinstance(job_host, int) else job_host.pk
    executor = executor if executor is not None else current()

    with transaction.atomic():
        lock_claims()
        olt_id = SnmpJobHost.objects.filter(pk=job_host_id).values_list("olt_id", flat=True).first()
        if olt_id is None:
            raise SnmpJobHost.DoesNotExist(f"job host {job_host_id} does not exist")
        SnmpJobHost.objects.filter(pk=job_host_id).update(
            run_requested_at=Coalesce("run_requested_at", now)
        )
        logger.info("Run requested for job host %s on OLT %s", job_host_id, olt_id)
        if executor is None:
            logger.info(
                "No executor in this process: job host %s starts at the coordinator's next tick",
                job_host_id,
            )
            return None
        claimed = claim_due(now, olt_ids=[olt_id], room=executor.free_slots())
        dispatch_on_commit(executor, claimed)

    mine = next((item for item in claimed if item.job_host_id == job_host_id), None)
    if mine is None:
        logger.info(
            "Job host %s waits on OLT %s: it runs when the OLT and its kind have room",
            job_host_id,
            olt_id,
        )
    return mine
