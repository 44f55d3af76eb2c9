"""Admin for the catalog. Saving an OID or a task template recompiles the jobs that use it."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from oltflow.catalog.models import (
    Brand,
    IndexFormula,
    Oid,
    OltModel,
    TaskFunction,
    TaskTemplate,
)
from oltflow.workflows.admin_actions import ServiceErrorsAdmin
from oltflow.workflows.services import WorkflowError, check_oid, sync_oid, sync_task_template


class OltModelInline(admin.TabularInline):
    model = OltModel
    extra = 0
    fields = ("name", "index_formula", "description")


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ("name", "description")
    search_fields = ("name",)
    inlines = (OltModelInline,)


@admin.register(IndexFormula)
class IndexFormulaAdmin(admin.ModelAdmin):
    list_display = ("name", "brand", "mode", "base", "max_onu_id")
    list_filter = ("brand", "mode")
    search_fields = ("name", "description")
    fieldsets = (
        (None, {"fields": ("name", "brand", "mode", "base", "max_onu_id", "description")}),
        (_("Linear mode"), {"fields": ("frame_step", "slot_step", "port_step")}),
        (
            _("Bit fields (shift mode)"),
            {
                "fields": (
                    ("frame_shift", "frame_bits"),
                    ("slot_shift", "slot_bits"),
                    ("port_shift", "port_bits"),
                )
            },
        ),
        (_("Offsets"), {"fields": ("frame_offset", "slot_offset", "port_offset")}),
    )


@admin.register(OltModel)
class OltModelAdmin(admin.ModelAdmin):
    list_display = ("name", "brand", "index_formula")
    list_filter = ("brand",)
    search_fields = ("name", "brand__name")
    list_select_related = ("brand", "index_formula")


class OidForm(forms.ModelForm):
    class Meta:
        model = Oid
        fields = (
            "name",
            "brand",
            "model",
            "kind",
            "oid",
            "target_field",
            "transform",
            "transform_params",
            "index_formula",
            "index_suffix",
            "description",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # Narrowing an OID's brand or model must not strand the OLTs that poll it.
        candidate = copy.copy(self.instance)
        for name in ("brand", "model"):
            if name in cleaned:
                setattr(candidate, name, cleaned[name])
        if candidate.brand_id:
            try:
                check_oid(candidate)
            except WorkflowError as exc:
                self.add_error("model", str(exc))
        return cleaned


@admin.register(Oid)
class OidAdmin(ServiceErrorsAdmin):
    form = OidForm
    list_display = ("name", "brand", "model", "kind", "oid", "target_field", "transform")
    list_filter = ("brand", "kind", "transform", "model")
    search_fields = ("name", "oid", "target_field", "description")
    list_select_related = ("brand", "model")
    fieldsets = (
        (None, {"fields": ("name", "brand", "model", "kind", "oid", "target_field")}),
        (
            _("Decoding"),
            {"fields": ("transform", "transform_params", "index_formula", "index_suffix")},
        ),
        (None, {"fields": ("description",)}),
    )

    def save_model(
        self, request: HttpRequest, obj: Oid, form: forms.ModelForm, change: bool
    ) -> None:
        obj.save()
        sync_oid(obj)


@admin.register(TaskFunction)
class TaskFunctionAdmin(ServiceErrorsAdmin):
    list_display = ("name", "kind", "runner")
    list_filter = ("kind", "runner")

    def save_model(
        self, request: HttpRequest, obj: TaskFunction, form: forms.ModelForm, change: bool
    ) -> None:
        obj.save()
        for task_template in obj.templates.all():
            sync_task_template(task_template)


@admin.register(TaskTemplate)
class TaskTemplateAdmin(ServiceErrorsAdmin):
    list_display = (
        "name",
        "function",
        "kind",
        "is_default",
        "enabled",
        "default_interval_seconds",
        "max_retries",
        "time_limit_seconds",
    )
    list_filter = ("is_default", "enabled", "function__kind")
    list_select_related = ("function",)

    def save_model(
        self, request: HttpRequest, obj: TaskTemplate, form: forms.ModelForm, change: bool
    ) -> None:
        obj.save()
        sync_task_template(obj)
