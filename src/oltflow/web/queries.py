"""Read models of the dashboard and the API: what the pages show, in a bounded number of queries.

Nothing here changes data. Queues and the load per kind come from the coordinator's queue view.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import (
    Count,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from oltflow.coordinator.queue import KindLoad, OltQueue, queue_snapshot
from oltflow.inventory.models import Olt, Onu, OnuSample, OnuValue
from oltflow.jobs.choices import ACTIVE_STATUSES, TERMINAL_STATUSES, ExecutionStatus
from oltflow.jobs.models import Execution, SnmpJobHost

# The ONU value fields the dashboard singles out (OnuValue.field, filled by get nodes).
SERIAL_FIELD = "serial"
DESCRIPTION_FIELD = "description"
STATUS_FIELD = "run_status"
RX_POWER_FIELD = "rx_power"

ONU_ORDERINGS = {
    "position": ("frame", "slot", "port", "onu_id", "id"),
    "rx_power": (F("rx_power").asc(nulls_last=True), "id"),
    "-rx_power": (F("rx_power").desc(nulls_last=True), "id"),
    "serial": (F("serial").asc(nulls_last=True), "id"),
    "last_seen": ("-last_seen_at", "id"),
}


# Fleet


@dataclass
class FleetRow:
    """One OLT on the fleet page. ``last_done`` is its latest ended execution that talked to
    it (see TALKED_TO_THE_OLT); ``last_failure`` its latest failed one."""

    olt: Olt
    onus_present: int
    onus_total: int
    current: Execution | None = None
    last_done: Execution | None = None
    last_failure: Execution | None = None
    next_job: SnmpJobHost | None = None
    queue: OltQueue | None = None

    @property
    def state(self) -> str:
        """unreachable (its last execution got no answer; it may be trying again right now),
        running, disabled or idle."""
        if self.last_done is not None and is_unreachable_failure(self.last_done):
            return "unreachable"
        if self.current is not None:
            return "running"
        if not self.olt.enabled:
            return "disabled"
        return "idle"

    @property
    def running_since(self) -> datetime | None:
        if self.current is None:
            return None
        return self.current.started_at or self.current.created_at

    @property
    def unreachable_since(self) -> datetime | None:
        return self.last_done.finished_at if self.state == "unreachable" else None

    @property
    def queue_length(self) -> int:
        return len(self.queue.entries) if self.queue is not None else 0


def is_unreachable_failure(execution: Execution) -> bool:
    """A failure that trying again may cure (timeout, no answer): the OLT did not respond.

    The worker records the error as ``<exception class>: <message>``; the SNMP layer's error
    classes say which failures are retryable. A runner may also say so in its summary.
    """
    if execution.status != ExecutionStatus.FAILED:
        return False
    summary = execution.summary if isinstance(execution.summary, dict) else {}
    if summary.get("retryable"):
        return True
    return execution.error.split(":", 1)[0] in _retryable_error_names()


@functools.cache
def _retryable_error_names() -> frozenset[str]:
    from oltflow.snmp import errors

    def subclasses(cls: type) -> list[type]:
        return [cls, *(s for sub in cls.__subclasses__() for s in subclasses(sub))]

    return frozenset(c.__name__ for c in subclasses(errors.SnmpError) if c.retryable)


@dataclass
class Fleet:
    rows: list[FleetRow]
    loads: list[KindLoad]
    generated_at: datetime = field(default_factory=timezone.now)


def _count_onus(**filters: Any) -> Coalesce:
    counted = (
        Onu.objects.filter(olt=OuterRef("pk"), **filters)
        .order_by()
        .values("olt")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _latest_execution_id(*conditions: Q, **filters: Any) -> Subquery:
    latest = Execution.objects.filter(*conditions, olt=OuterRef("pk"), **filters)
    return Subquery(latest.order_by("-created_at", "-id").values("id")[:1])


# A success that sent no SNMP request (a get with no present ONU to read) says nothing about
# whether the OLT answers, so it does not hide an earlier failure to reach it.
TALKED_TO_THE_OLT = (
    ~Q(status=ExecutionStatus.SUCCESS)
    | Q(summary__snmp_requests__isnull=True)
    | Q(summary__snmp_requests__gt=0)
)


def fleet(olt_ids: Iterable[int] | None = None) -> Fleet:
    """Every OLT's state, queue and counts: three queries plus the coordinator's queue view."""

    # The OLTs with their ONU counts and the ids of the rows that describe their state.
    olts = Olt.objects.select_related("brand", "model__brand").annotate(
        onus_present=_count_onus(present=True),
        onus_total=_count_onus(),
        last_done_id=_latest_execution_id(TALKED_TO_THE_OLT, status__in=TERMINAL_STATUSES),
        last_failure_id=_latest_execution_id(status=ExecutionStatus.FAILED),
        next_job_id=Subquery(
            SnmpJobHost.objects.filter(
                olt=OuterRef("pk"), enabled=True, job__enabled=True, next_run_at__isnull=False
            )
            .order_by("next_run_at", "-job__priority", "id")
            .values("id")[:1]
        ),
    )
    if olt_ids is not None:
        olts = olts.filter(pk__in=list(olt_ids))
    olts = list(olts)
    ids = [olt.pk for olt in olts]

    # The executions those ids point to, and every active one, in one query.
    wanted = {olt.last_done_id for olt in olts} | {olt.last_failure_id for olt in olts}
    executions = list(
        Execution.objects.select_related("job_host__job")
        .filter(Q(pk__in=wanted - {None}) | Q(status__in=ACTIVE_STATUSES, olt_id__in=ids))
        .order_by()
    )
    by_id = {execution.pk: execution for execution in executions}
    current = {e.olt_id: e for e in executions if e.status in ACTIVE_STATUSES}
    next_jobs = SnmpJobHost.objects.select_related("job").in_bulk(
        [olt.next_job_id for olt in olts if olt.next_job_id]
    )

    # The coordinator's queues.
    snapshot = queue_snapshot(olt_ids=ids if olt_ids is not None else None)
    queues = {queue.olt_id: queue for queue in snapshot.olts}

    rows = [
        FleetRow(
            olt=olt,
            onus_present=olt.onus_present,
            onus_total=olt.onus_total,
            current=current.get(olt.pk),
            last_done=by_id.get(olt.last_done_id),
            last_failure=by_id.get(olt.last_failure_id),
            next_job=next_jobs.get(olt.next_job_id),
            queue=queues.get(olt.pk),
        )
        for olt in olts
    ]
    return Fleet(rows=rows, loads=snapshot.loads)


# ONUs


def onu_table(
    olt: Olt | int | None = None,
    *,
    search: str = "",
    slot: int | None = None,
    port: int | None = None,
    status: str = "",
    present: bool | None = None,
    ordering: str = "position",
) -> QuerySet[Onu]:
    """ONUs with their serial, description, run status and RX power, filtered and sorted.

    Each singled-out value is one join on the (onu, field) unique index, so sorting thousands
    of ONUs by RX power stays one query.
    """
    onus = Onu.objects.select_related("olt").annotate(
        v_serial=FilteredRelation("values", condition=Q(values__field=SERIAL_FIELD)),
        v_description=FilteredRelation("values", condition=Q(values__field=DESCRIPTION_FIELD)),
        v_status=FilteredRelation("values", condition=Q(values__field=STATUS_FIELD)),
        v_rx=FilteredRelation("values", condition=Q(values__field=RX_POWER_FIELD)),
    )
    onus = onus.annotate(
        serial=F("v_serial__text"),
        description=F("v_description__text"),
        run_status=F("v_status__text"),
        rx_power=F("v_rx__number"),
    )
    if olt is not None:
        onus = onus.filter(olt=olt)
    if search:
        onus = onus.filter(onu_search(search))
    if slot is not None:
        onus = onus.filter(slot=slot)
    if port is not None:
        onus = onus.filter(port=port)
    if status:
        onus = onus.filter(v_status__text__iexact=status)
    if present is not None:
        onus = onus.filter(present=present)
    return onus.order_by(*ONU_ORDERINGS.get(ordering, ONU_ORDERINGS["position"]))


def onu_search(text: str) -> Q:
    """ONUs whose serial or description contains ``text``, or whose SNMP index is ``text``.

    Applies to querysets from ``onu_table``, which joins the values it names.
    """
    return (
        Q(v_serial__text__icontains=text)
        | Q(v_description__text__icontains=text)
        | Q(raw_index=text)
    )


def onu_filter_choices(olt: Olt) -> dict[str, list[Any]]:
    """The slots, ports and run statuses seen on an OLT, for the ONU table's filters."""
    onus = Onu.objects.filter(olt=olt).order_by()
    statuses = OnuValue.objects.filter(onu__olt=olt, field=STATUS_FIELD).exclude(text="")
    return {
        "slots": sorted(onus.exclude(slot=None).values_list("slot", flat=True).distinct()),
        "ports": sorted(onus.exclude(port=None).values_list("port", flat=True).distinct()),
        "statuses": sorted(statuses.order_by().values_list("text", flat=True).distinct()),
    }


def samples(onu: Onu, field_name: str, since: datetime) -> list[OnuSample]:
    return list(
        OnuSample.objects.filter(onu=onu, field=field_name, sampled_at__gte=since).order_by(
            "sampled_at"
        )
    )


# Executions


def recent_executions(olt: Olt, since: datetime) -> list[Execution]:
    """An OLT's executions that started, or were created, after ``since``, oldest first."""
    return list(
        Execution.objects.select_related("job_host__job")
        .filter(olt=olt)
        .filter(Q(started_at__gte=since) | Q(finished_at__gte=since) | Q(created_at__gte=since))
        .order_by("created_at", "id")
    )


def executions(*, olt: int | None = None, kind: str = "", status: str = "") -> QuerySet[Execution]:
    found = Execution.objects.select_related("olt", "job_host__job")
    if olt is not None:
        found = found.filter(olt_id=olt)
    if kind:
        found = found.filter(kind=kind)
    if status:
        found = found.filter(status=status)
    return found.order_by("-created_at", "-id")
