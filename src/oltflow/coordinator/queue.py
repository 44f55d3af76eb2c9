"""The queue view: per OLT, what runs now and what waits, in claim order, with the reason.

Read-only and computed from the same rows and the same rules as the claim, in a fixed number
of queries whatever the number of OLTs. Reasons:

- ``next``: first in line on a free OLT; the next tick (or hand-over) claims it.
- ``olt_busy``: the OLT runs another execution, or will run the entry ahead of this one.
- ``saturated``: first in line, but its kind has reached its capacity of PENDING executions.
- ``min_gap``: claimed less than MIN_GAP_SECONDS ago.
- ``chained``: runs right after its master node, which is due or running on this OLT.
- ``retry_wait``: a retry is scheduled for later.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from oltflow.coordinator import policy
from oltflow.coordinator.claim import DEFAULT_CAPACITY
from oltflow.inventory.models import Olt
from oltflow.jobs.choices import ACTIVE_STATUSES, ExecutionStatus
from oltflow.jobs.models import Execution, SnmpJobHost


@dataclass(frozen=True)
class QueueEntry:
    job_host_id: int
    job_name: str
    kind: str
    priority: int
    due_at: datetime
    waiting_since: datetime
    reason: str  # "next" | "olt_busy" | "saturated" | "min_gap" | "chained" | "retry_wait"


@dataclass(frozen=True)
class OltQueue:
    olt_id: int
    olt_name: str
    current: Execution | None
    entries: list[QueueEntry]


@dataclass(frozen=True)
class KindLoad:
    kind: str
    pending: int
    limit: int


@dataclass(frozen=True)
class QueueSnapshot:
    olts: list[OltQueue]
    loads: list[KindLoad]


def queue_snapshot(
    *, olt_ids: Sequence[int] | None = None, now: datetime | None = None
) -> QueueSnapshot:
    """Every OLT with a current execution or waiting work (or the OLTs ``olt_ids``)."""
    now = now or timezone.now()
    options = settings.OLTFLOW
    gap = timedelta(seconds=options["MIN_GAP_SECONDS"])
    capacity: dict[str, int] = options["CAPACITY"]

    # Query 1 and 2: what runs, and the job hosts that could be waiting.
    actives = Execution.objects.filter(status__in=ACTIVE_STATUSES).select_related(
        "olt", "job_host__job"
    )
    hosts = (
        SnmpJobHost.objects.filter(
            enabled=True, job__enabled=True, olt__enabled=True, job__task_template__enabled=True
        )
        .filter(
            Q(next_run_at__lte=now)
            | Q(retry_at__isnull=False)
            | Q(run_requested_at__isnull=False)
            | Q(next_run_at__isnull=True, job__run_after__isnull=False)
        )
        .select_related("job", "olt")
    )
    if olt_ids is not None:
        actives = actives.filter(olt_id__in=olt_ids)
        hosts = hosts.filter(olt_id__in=olt_ids)
    current = {execution.olt_id: execution for execution in actives}
    names = {olt_id: execution.olt.name for olt_id, execution in current.items()}

    # Query 3: the load per kind.
    pending = dict(
        Execution.objects.filter(status=ExecutionStatus.PENDING)
        .values("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    loads = [
        KindLoad(kind, pending.get(kind, 0), capacity.get(kind, DEFAULT_CAPACITY))
        for kind in sorted(set(capacity) | set(pending))
    ]

    # Sort the job hosts of each OLT into due, retry-later and chained.
    due: dict[int, list[SnmpJobHost]] = defaultdict(list)
    later: dict[int, list[SnmpJobHost]] = defaultdict(list)
    chained: dict[int, list[SnmpJobHost]] = defaultdict(list)
    for host in hosts:
        names[host.olt_id] = host.olt.name
        if _is_due(host, now):
            due[host.olt_id].append(host)
        elif host.retry_at is not None:
            later[host.olt_id].append(host)
        elif host.next_run_at is None and host.job.run_after_id is not None:
            chained[host.olt_id].append(host)
    for hosts_of_olt in due.values():
        hosts_of_olt.sort(key=lambda h: _order(h))

    # The claim's allocation: free OLTs' first eligible entries share each kind's room,
    # longest waiting first.
    heads = {}
    for olt_id, hosts_of_olt in due.items():
        if olt_id in current:
            continue
        eligible = [h for h in hosts_of_olt if not _in_gap(h, now, gap)]
        if eligible:
            heads[olt_id] = eligible[0]
    room = {
        kind: max(0, capacity.get(kind, DEFAULT_CAPACITY) - pending.get(kind, 0))
        for kind in {h.job.kind for h in heads.values()}
    }
    runs_next = set()
    for _olt_id, head in sorted(heads.items(), key=lambda item: (_due_at(item[1], now), item[0])):
        if room[head.job.kind] > 0:
            room[head.job.kind] -= 1
            runs_next.add(head.pk)

    # Build each OLT's queue.
    if olt_ids is not None:
        missing = set(olt_ids) - set(names)
        names.update(Olt.objects.filter(id__in=missing).values_list("id", "name"))
    queues = []
    for olt_id in sorted(names, key=lambda i: (names[i], i)):
        running = current.get(olt_id)
        entries = []
        for host in due.get(olt_id, []):
            if _in_gap(host, now, gap):
                reason = "min_gap"
            elif running is not None or heads.get(olt_id) is not host:
                reason = "olt_busy"
            else:
                reason = "next" if host.pk in runs_next else "saturated"
            moment = _due_at(host, now)
            entries.append(_entry(host, moment, moment, reason))
        for host in sorted(later.get(olt_id, []), key=lambda h: (h.retry_at, h.pk)):
            since = host.last_failure_at or host.retry_at
            entries.append(_entry(host, host.retry_at, since, "retry_wait"))
        masters = {h.job_id: _due_at(h, now) for h in due.get(olt_id, [])}
        if running is not None and running.job_host is not None:
            masters[running.job_host.job_id] = running.created_at
        for host in sorted(chained.get(olt_id, []), key=lambda h: _order(h)):
            master_due = masters.get(host.job.run_after_id)
            if master_due is not None:
                entries.append(_entry(host, master_due, master_due, "chained"))
        if running is None and not entries and (olt_ids is None or olt_id not in olt_ids):
            continue
        queues.append(OltQueue(olt_id, names[olt_id], running, entries))
    return QueueSnapshot(olts=queues, loads=loads)


def _is_due(host: SnmpJobHost, now: datetime) -> bool:
    return (
        host.run_requested_at is not None
        or (host.next_run_at is not None and host.next_run_at <= now)
        or (host.retry_at is not None and host.retry_at <= now)
    )


def _due_at(host: SnmpJobHost, now: datetime) -> datetime:
    moments = [host.run_requested_at]
    if host.next_run_at is not None and host.next_run_at <= now:
        moments.append(host.next_run_at)
    if host.retry_at is not None and host.retry_at <= now:
        moments.append(host.retry_at)
    present = [moment for moment in moments if moment is not None]
    return min(present) if present else now


def _in_gap(host: SnmpJobHost, now: datetime, gap: timedelta) -> bool:
    return policy.min_gap_blocks(host.last_claimed_at, now, gap.total_seconds())


def _order(host: SnmpJobHost) -> tuple:
    return policy.ordering_key(
        host.job.priority, host.job.name, host.job_id, requested=host.run_requested_at is not None
    )


def _entry(host: SnmpJobHost, due_at: datetime, since: datetime, reason: str) -> QueueEntry:
    return QueueEntry(
        job_host_id=host.pk,
        job_name=host.job.name,
        kind=host.job.kind,
        priority=host.job.priority,
        due_at=due_at,
        waiting_since=since,
        reason=reason,
    )
