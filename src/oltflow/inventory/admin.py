"""Admin for OLTs and the inventory read from them.

OLT secrets (community, SNMPv3 keys) are entered in password inputs and never shown again: a
blank input keeps the stored value, a tick in the matching box clears it. Saving an OLT
recompiles its jobs; template actions apply or remove workflows after a preview.
"""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from oltflow.inventory.models import Olt, Onu, OnuSample, OnuValue
from oltflow.workflows.admin_actions import (
    ReadOnlyAdmin,
    ServiceErrorsAdmin,
    apply_template_to_olts,
    switch_actions,
    unapply_template_from_olts,
)
from oltflow.workflows.services import WorkflowError, check_olt, sync_olt

SECRET_FIELDS = ("community", "v3_auth_key", "v3_priv_key")

enable_selected, disable_selected = switch_actions()


class OltForm(forms.ModelForm):
    """Secrets are write-only: never rendered back, kept when left blank."""

    community = forms.CharField(
        label=_("community"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave blank to keep the stored community."),
    )
    v3_auth_key = forms.CharField(
        label=_("SNMPv3 auth key"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave blank to keep the stored key."),
    )
    v3_priv_key = forms.CharField(
        label=_("SNMPv3 privacy key"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave blank to keep the stored key."),
    )
    clear_community = forms.BooleanField(label=_("clear the stored community"), required=False)
    clear_v3_auth_key = forms.BooleanField(label=_("clear the stored auth key"), required=False)
    clear_v3_priv_key = forms.BooleanField(label=_("clear the stored privacy key"), required=False)

    class Meta:
        model = Olt
        fields = (
            "name",
            "brand",
            "model",
            "host",
            "enabled",
            "description",
            "snmp_version",
            "snmp_port",
            "community",
            "v3_user",
            "v3_auth_protocol",
            "v3_auth_key",
            "v3_priv_protocol",
            "v3_priv_key",
            "timeout_seconds",
            "retries",
            "max_repetitions",
            "max_varbinds",
            "request_rate",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()

        # Secrets: blank keeps the stored value unless the clear box is ticked.
        for name in SECRET_FIELDS:
            if cleaned.get(f"clear_{name}"):
                cleaned[name] = ""
            elif not cleaned.get(name):
                cleaned[name] = getattr(self.instance, name, "") or ""

        # A new brand or model must still answer the OIDs its workflows poll.
        candidate = copy.copy(self.instance)
        for name in ("brand", "model"):
            if name in cleaned:
                setattr(candidate, name, cleaned[name])
        if candidate.pk and candidate.brand_id and candidate.model_id:
            try:
                check_olt(candidate)
            except WorkflowError as exc:
                self.add_error("model", str(exc))
        return cleaned


@admin.register(Olt)
class OltAdmin(ServiceErrorsAdmin):
    form = OltForm
    list_display = (
        "name",
        "host",
        "brand",
        "model",
        "snmp_version",
        "enabled",
        "workflow_count",
        "updated_at",
    )
    list_filter = ("enabled", "brand", "model", "snmp_version")
    search_fields = ("name", "host", "description")
    list_select_related = ("brand", "model")
    actions = (
        apply_template_to_olts,
        unapply_template_from_olts,
        enable_selected,
        disable_selected,
    )
    fieldsets = (
        (None, {"fields": ("name", "brand", "model", "host", "enabled", "description")}),
        (
            _("SNMP"),
            {
                "fields": (
                    "snmp_version",
                    "snmp_port",
                    ("community", "clear_community"),
                    "v3_user",
                    ("v3_auth_protocol", "v3_auth_key", "clear_v3_auth_key"),
                    ("v3_priv_protocol", "v3_priv_key", "clear_v3_priv_key"),
                )
            },
        ),
        (
            _("Polling limits"),
            {
                "fields": (
                    "timeout_seconds",
                    "retries",
                    "max_repetitions",
                    "max_varbinds",
                    "request_rate",
                )
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Olt]:
        return super().get_queryset(request).annotate(workflows_total=Count("workflows"))

    @admin.display(description=_("workflows"), ordering="workflows_total")
    def workflow_count(self, obj: Olt) -> int:
        return obj.workflows_total

    def save_model(
        self, request: HttpRequest, obj: Olt, form: forms.ModelForm, change: bool
    ) -> None:
        obj.save()
        sync_olt(obj)


@admin.register(Onu)
class OnuAdmin(ReadOnlyAdmin):
    list_display = (
        "olt",
        "frame",
        "slot",
        "port",
        "onu_id",
        "raw_index",
        "present",
        "misses",
        "last_seen_at",
    )
    list_filter = ("present", "olt")
    search_fields = ("raw_index", "olt__name")
    list_select_related = ("olt",)


@admin.register(OnuValue)
class OnuValueAdmin(ReadOnlyAdmin):
    list_display = ("onu", "field", "text", "number", "no_reading", "error", "updated_at")
    list_filter = ("field", "no_reading", "onu__olt")
    search_fields = ("text", "onu__raw_index", "onu__olt__name")
    list_select_related = ("onu__olt",)


@admin.register(OnuSample)
class OnuSampleAdmin(ReadOnlyAdmin):
    list_display = ("onu", "field", "number", "sampled_at")
    list_filter = ("field", "onu__olt")
    date_hierarchy = "sampled_at"
    list_select_related = ("onu__olt",)
