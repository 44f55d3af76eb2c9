"""Dashboard pages. Each view reads through ``queries`` and renders; live parts of a page are
also served alone as HTML fragments that ``oltflow.js`` swaps in without a full reload."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from oltflow.inventory.models import Olt, Onu
from oltflow.web import charts, queries
from oltflow.web.forms import ExecutionFilterForm, OnuFilterForm

LOGIN_URL = reverse_lazy("web:login")
# The OLT timeline's windows, in minutes; the last hour unless the page asks for another.
TIMELINE_WINDOWS = {10: _("Last 10 minutes"), 60: _("Last hour"), 360: _("Last 6 hours")}
DEFAULT_TIMELINE_MINUTES = 60
HISTORY_CHOICES = (1, 6, 24, 168)
ONUS_PER_PAGE = 50
EXECUTIONS_PER_PAGE = 50

dashboard_view = login_required(login_url=LOGIN_URL)


@require_GET
@dashboard_view
def fleet(request: HttpRequest) -> HttpResponse:
    return render(request, "web/fleet.html", {"fleet": queries.fleet()})


@require_GET
@dashboard_view
def fleet_fragment(request: HttpRequest) -> HttpResponse:
    return render(request, "web/_fleet.html", {"fleet": queries.fleet()})


def _olt_live_context(request: HttpRequest, olt: Olt) -> dict[str, Any]:
    minutes = _int_param(request, "minutes", DEFAULT_TIMELINE_MINUTES)
    if minutes not in TIMELINE_WINDOWS:
        minutes = DEFAULT_TIMELINE_MINUTES
    now = timezone.now()
    start = now - timedelta(minutes=minutes)
    fleet = queries.fleet(olt_ids=[olt.pk])
    return {
        "olt": olt,
        "row": fleet.rows[0],
        "loads": fleet.loads,
        "timeline": charts.timeline(queries.recent_executions(olt, start), start, now),
        "minutes": minutes,
        "windows": TIMELINE_WINDOWS,
    }


@require_GET
@dashboard_view
def olt_detail(request: HttpRequest, pk: int) -> HttpResponse:
    olt = get_object_or_404(Olt.objects.select_related("brand", "model__brand"), pk=pk)
    form = OnuFilterForm(request.GET, choices=queries.onu_filter_choices(olt))
    onus = queries.onu_table(olt, **form.filters())
    page = Paginator(onus, ONUS_PER_PAGE).get_page(request.GET.get("page"))
    context = _olt_live_context(request, olt) | {
        "form": form,
        "page": page,
        "query": _query_without_page(request),
    }
    return render(request, "web/olt.html", context)


@require_GET
@dashboard_view
def olt_live_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    olt = get_object_or_404(Olt.objects.select_related("brand", "model__brand"), pk=pk)
    return render(request, "web/_olt_live.html", _olt_live_context(request, olt))


@require_GET
@dashboard_view
def onu_detail(request: HttpRequest, pk: int) -> HttpResponse:
    onu = get_object_or_404(Onu.objects.select_related("olt"), pk=pk)
    hours = _int_param(request, "hours", 24)
    if hours not in HISTORY_CHOICES:
        hours = 24
    now = timezone.now()
    start = now - timedelta(hours=hours)
    history = queries.samples(onu, queries.RX_POWER_FIELD, start)
    chart = charts.line_chart(
        [(sample.sampled_at, sample.number) for sample in history], start, now, unit=" dBm"
    )
    context = {
        "onu": onu,
        "values": onu.values.order_by("field"),
        "chart": chart,
        "sample_count": len(history),
        "hours": hours,
        "hour_choices": HISTORY_CHOICES,
        "rx_field": queries.RX_POWER_FIELD,
    }
    return render(request, "web/onu.html", context)


@require_GET
@dashboard_view
def execution_list(request: HttpRequest) -> HttpResponse:
    form = ExecutionFilterForm(request.GET)
    found = queries.executions(**form.filters())
    page = Paginator(found, EXECUTIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": _query_without_page(request)}
    return render(request, "web/executions.html", context)


def _int_param(request: HttpRequest, name: str, default: int) -> int:
    try:
        return int(request.GET.get(name, default))
    except ValueError:
        return default


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
