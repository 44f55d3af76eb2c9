"""Query-string filters of the API's list endpoints."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from oltflow.catalog.choices import Kind
from oltflow.inventory.models import Onu
from oltflow.jobs.choices import ExecutionStatus
from oltflow.jobs.models import Execution, SnmpJobHost
from oltflow.web import queries
from oltflow.workflows.models import WorkflowTemplateNode


class ExecutionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Kind.choices)
    status = django_filters.ChoiceFilter(choices=ExecutionStatus.choices)
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Execution
        fields = ["olt", "job_host", "kind", "status", "attempt", "queue"]


class JobHostFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(field_name="job__kind", choices=Kind.choices)

    class Meta:
        model = SnmpJobHost
        fields = ["olt", "job", "enabled", "kind"]


class TemplateNodeFilter(django_filters.FilterSet):
    class Meta:
        model = WorkflowTemplateNode
        fields = ["template", "oid", "enabled", "key"]


class OnuFilter(django_filters.FilterSet):
    """ONUs by OLT, position, presence, run status and a serial or description search."""

    search = django_filters.CharFilter(
        method="filter_search", help_text="Part of the serial or the description."
    )
    status = django_filters.CharFilter(
        method="filter_status", help_text=f"The ONU's {queries.STATUS_FIELD} value, exactly."
    )
    ordering = django_filters.ChoiceFilter(
        method="filter_ordering",
        choices=[(key, key) for key in queries.ONU_ORDERINGS],
        help_text="Sort order; rx_power puts ONUs without a reading last.",
    )

    class Meta:
        model = Onu
        fields = ["olt", "frame", "slot", "port", "onu_id", "present", "raw_index"]

    def filter_search(self, onus: QuerySet[Onu], name: str, value: Any) -> QuerySet[Onu]:
        return onus.filter(queries.onu_search(value)) if value else onus

    def filter_status(self, onus: QuerySet[Onu], name: str, value: Any) -> QuerySet[Onu]:
        return onus.filter(v_status__text__iexact=value) if value else onus

    def filter_ordering(self, onus: QuerySet[Onu], name: str, value: Any) -> QuerySet[Onu]:
        return onus.order_by(*queries.ONU_ORDERINGS[value]) if value else onus
