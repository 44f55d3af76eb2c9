"""Prometheus metrics computed from the database at scrape time.

Executions are rows, so counting them where they are gives numbers that are the same whichever
process serves the scrape and whichever workers (threads, Celery hosts) ran the executions, and
that survive restarts. Each family is one aggregate query (grouped by kind or OLT), so a scrape
costs a handful of queries whatever the size of the fleet.

Deleting old executions lowers the counters; Prometheus treats that as a counter reset.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import timedelta
from typing import Any

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from oltflow.coordinator.queue import QueueSnapshot, queue_snapshot
from oltflow.inventory.models import Olt
from oltflow.jobs.choices import TERMINAL_STATUSES
from oltflow.jobs.models import Execution, SnmpJobHost

logger = logging.getLogger(__name__)

DURATION_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0)
LATENESS_BUCKETS = (0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 900.0)

# Counts that runners store in Execution.summary, exported as counters per kind.
SUMMARY_COUNTERS = {
    "snmp_requests": ("oltflow_snmp_requests", "SNMP requests sent by executions."),
    "errors": (
        "oltflow_snmp_errors",
        "Answers executions could not use (undecodable indexes or values); executions that "
        "failed outright count in oltflow_executions_total.",
    ),
}


class OltflowCollector(Collector):
    """Every oltflow metric, read from the database on each collect()."""

    def collect(self) -> Iterator[Metric]:
        yield self._executions()
        yield self._histogram(
            "oltflow_execution_duration_seconds",
            "Duration of ended executions.",
            Execution.objects.filter(status__in=TERMINAL_STATUSES, duration_seconds__isnull=False),
            F("duration_seconds"),
            DURATION_BUCKETS,
            seconds=False,
        )
        yield self._histogram(
            "oltflow_execution_start_lateness_seconds",
            "How long after it was due an execution started (started_at - due_at).",
            Execution.objects.filter(started_at__isnull=False),
            ExpressionWrapper(F("started_at") - F("due_at"), output_field=DurationField()),
            LATENESS_BUCKETS,
            seconds=True,
        )
        yield from self._summary_counters()
        yield self._missed_runs()
        snapshot = queue_snapshot()
        yield from self._loads(snapshot)
        yield self._queues(snapshot)
        yield from self._onus()

    @staticmethod
    def _executions() -> Metric:
        family = CounterMetricFamily(
            "oltflow_executions",
            "Executions that ended, by kind and outcome.",
            labels=["kind", "status"],
        )
        rows = (
            Execution.objects.filter(status__in=TERMINAL_STATUSES)
            .values("kind", "status")
            .annotate(n=Count("id"))
            .order_by("kind", "status")
        )
        for row in rows:
            family.add_metric([row["kind"], row["status"]], row["n"])
        return family

    @staticmethod
    def _histogram(
        name: str,
        documentation: str,
        executions: QuerySet[Execution],
        value: Any,
        bounds: Sequence[float],
        *,
        seconds: bool,
    ) -> Metric:
        """A histogram per kind from one grouped query with a conditional count per bucket."""

        def bound(limit: float) -> float | timedelta:
            return timedelta(seconds=limit) if seconds else limit

        buckets = {f"le_{i}": Count("id", filter=Q(v__lte=bound(b))) for i, b in enumerate(bounds)}
        rows = (
            executions.alias(v=value)
            .values("kind")
            .annotate(n=Count("id"), total=Sum("v"), **buckets)
            .order_by("kind")
        )
        family = HistogramMetricFamily(name, documentation, labels=["kind"])
        for row in rows:
            total = row["total"] or 0
            if isinstance(total, timedelta):
                total = total.total_seconds()
            counts = [(_le(b), row[f"le_{i}"]) for i, b in enumerate(bounds)]
            family.add_metric([row["kind"]], [*counts, ("+Inf", row["n"])], float(total))
        return family

    @staticmethod
    def _summary_counters() -> Iterator[Metric]:
        sums = {
            key: Sum(Cast(KT(f"summary__{key}"), output_field=FloatField()))
            for key in SUMMARY_COUNTERS
        }
        rows = list(
            Execution.objects.filter(status__in=TERMINAL_STATUSES)
            .values("kind")
            .annotate(**sums)
            .order_by("kind")
        )
        for key, (name, documentation) in SUMMARY_COUNTERS.items():
            family = CounterMetricFamily(name, documentation, labels=["kind"])
            for row in rows:
                family.add_metric([row["kind"]], row[key] or 0)
            yield family

    @staticmethod
    def _missed_runs() -> Metric:
        family = CounterMetricFamily(
            "oltflow_missed_runs",
            "Grid periods that jobs skipped because they ran late (never replayed).",
            labels=["kind"],
        )
        rows = (
            SnmpJobHost.objects.values("job__kind")
            .annotate(n=Sum("missed_runs"))
            .order_by("job__kind")
        )
        for row in rows:
            family.add_metric([row["job__kind"]], row["n"] or 0)
        return family

    @staticmethod
    def _loads(snapshot: QueueSnapshot) -> Iterator[Metric]:
        pending = GaugeMetricFamily(
            "oltflow_pending_executions", "PENDING executions per kind.", labels=["kind"]
        )
        limit = GaugeMetricFamily(
            "oltflow_pending_limit",
            "Most PENDING executions a kind may have at once (its capacity).",
            labels=["kind"],
        )
        for load in snapshot.loads:
            pending.add_metric([load.kind], load.pending)
            limit.add_metric([load.kind], load.limit)
        yield pending
        yield limit

    @staticmethod
    def _queues(snapshot: QueueSnapshot) -> Metric:
        family = GaugeMetricFamily(
            "oltflow_olt_queue_length", "Due jobs waiting on each OLT.", labels=["olt"]
        )
        for olt_queue in snapshot.olts:
            family.add_metric([olt_queue.olt_name], len(olt_queue.entries))
        return family

    @staticmethod
    def _onus() -> Iterator[Metric]:
        present = GaugeMetricFamily(
            "oltflow_olt_onus_present", "ONUs present on each OLT.", labels=["olt"]
        )
        known = GaugeMetricFamily(
            "oltflow_olt_onus", "ONUs known on each OLT, present or absent.", labels=["olt"]
        )
        rows = Olt.objects.annotate(
            n_present=Count("onus", filter=Q(onus__present=True)), n_known=Count("onus")
        ).values_list("name", "n_present", "n_known")
        for name, n_present, n_known in rows:
            present.add_metric([name], n_present)
            known.add_metric([name], n_known)
        yield present
        yield known


def _le(bound: float) -> str:
    return repr(float(bound))
