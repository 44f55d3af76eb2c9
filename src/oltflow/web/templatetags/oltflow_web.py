"""Template filters of the dashboard: labels for coded values and compact number formats."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext_lazy as _

from oltflow.catalog.choices import Kind

register = template.Library()

QUEUE_REASONS = {
    "next": _("next to run"),
    "olt_busy": _("OLT busy"),
    "saturated": _("kind at capacity"),
    "min_gap": _("minimum gap since its last run"),
    "chained": _("waits for the node it runs after"),
    "retry_wait": _("waiting to retry"),
}

KIND_LABELS = dict(Kind.choices)

OLT_STATES = {
    "running": _("running"),
    "idle": _("idle"),
    "unreachable": _("unreachable"),
    "disabled": _("disabled"),
}


@register.filter
def queue_reason(code: str) -> str:
    return QUEUE_REASONS.get(code, code)


@register.filter
def olt_state(code: str) -> str:
    return OLT_STATES.get(code, code)


@register.filter
def kind_label(code: str) -> str:
    """The translated name of a kind of work (discovery, get, walk)."""
    return KIND_LABELS.get(code, code)


@register.filter
def elapsed(moment: datetime | None) -> str:
    """Time since ``moment``: seconds under a minute, else Django's timesince (two units)."""
    if moment is None:
        return ""
    seconds = (timezone.now() - moment).total_seconds()
    if seconds < 60:
        return _("%(seconds)d s") % {"seconds": max(0, int(seconds))}
    return timesince(moment, depth=2)


@register.filter
def remaining(moment: datetime | None) -> str:
    """Time until ``moment``: seconds under a minute, else Django's timeuntil (two units)."""
    if moment is None:
        return ""
    seconds = (moment - timezone.now()).total_seconds()
    if seconds < 60:
        return _("%(seconds)d s") % {"seconds": max(0, int(seconds))}
    return timeuntil(moment, depth=2)


@register.filter
def seconds(value: float | None) -> str:
    """A duration in seconds, e.g. ``0.42 s``, ``12.3 s`` or ``4 min 05 s``."""
    if value is None:
        return ""
    if value < 10:
        return f"{value:.2f} s"
    if value < 120:
        return f"{value:.1f} s"
    minutes, rest = divmod(int(round(value)), 60)
    return f"{minutes} min {rest:02d} s"


@register.filter
def summary_items(summary: Any) -> list[tuple[str, Any]]:
    """The telling entries of an execution summary, in key order: scalars that are not zero
    (``seconds`` repeats the duration column)."""
    if not isinstance(summary, dict):
        return []
    return [
        (key, value)
        for key, value in sorted(summary.items())
        if key != "seconds" and not isinstance(value, dict | list) and value not in (0, "", None)
    ]


@register.filter
def dbm(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


@register.simple_tag
def admin_change_url(obj: Any) -> str:
    """The admin page of ``obj``, or "" when its model is not registered in the admin."""
    meta = obj._meta
    try:
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return ""


@register.simple_tag
def admin_add_url(app_label: str, model_name: str) -> str:
    try:
        return reverse(f"admin:{app_label}_{model_name}_add")
    except NoReverseMatch:
        return ""
