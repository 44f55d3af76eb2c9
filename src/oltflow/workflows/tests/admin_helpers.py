"""Helpers for admin tests: the POST data an unchanged admin change form would send."""

from __future__ import annotations

from typing import Any

from django.forms import BaseForm
from django.http import HttpResponse


def _form_data(form: BaseForm) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        key = form.add_prefix(name)
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[key] = "on"
            continue
        if isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
            continue
        data[key] = str(value)
    return data


def change_form_data(response: HttpResponse) -> dict[str, Any]:
    """POST data resubmitting the admin change form of ``response`` as it was rendered."""
    context = response.context
    data = _form_data(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for form in formset.forms:
            data.update(_form_data(form))
    return data
