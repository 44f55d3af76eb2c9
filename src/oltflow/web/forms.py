"""The dashboard's filter forms: they turn query strings into clean filter arguments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from oltflow.catalog.choices import Kind
from oltflow.inventory.models import Olt
from oltflow.jobs.choices import ExecutionStatus
from oltflow.web.queries import ONU_ORDERINGS

PRESENCE_CHOICES = [("", _("present or absent")), ("yes", _("present")), ("no", _("absent"))]
ORDERING_LABELS = {
    "position": _("position"),
    "rx_power": _("RX power, lowest first"),
    "-rx_power": _("RX power, highest first"),
    "serial": _("serial"),
    "last_seen": _("last seen"),
}


class OnuFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Serial or description"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("serial or description")}),
    )
    slot = forms.TypedChoiceField(label=_("Slot"), required=False, coerce=int, empty_value=None)
    port = forms.TypedChoiceField(label=_("Port"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False)
    present = forms.ChoiceField(label=_("Presence"), required=False, choices=PRESENCE_CHOICES)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[(key, ORDERING_LABELS[key]) for key in ONU_ORDERINGS],
    )

    def __init__(self, *args: Any, choices: dict[str, list[Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        every = [("", _("all"))]
        self.fields["slot"].choices = every + [(s, s) for s in choices["slots"]]
        self.fields["port"].choices = every + [(p, p) for p in choices["ports"]]
        self.fields["status"].choices = every + [(s, s) for s in choices["statuses"]]

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for ``queries.onu_table``; an invalid field is ignored."""
        self.is_valid()  # cleaned_data then holds the valid fields only
        data = self.cleaned_data
        present = data.get("present")
        return {
            "search": (data.get("q") or "").strip(),
            "slot": data.get("slot"),
            "port": data.get("port"),
            "status": data.get("status") or "",
            "present": {"yes": True, "no": False}.get(present or ""),
            "ordering": data.get("sort") or "position",
        }


class ExecutionFilterForm(forms.Form):
    olt = forms.ModelChoiceField(
        label=_("OLT"), queryset=Olt.objects.all(), required=False, empty_label=_("all OLTs")
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("all kinds")), *Kind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("all statuses")), *ExecutionStatus.choices],
    )

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = self.cleaned_data
        olt = data.get("olt")
        return {
            "olt": olt.pk if olt else None,
            "kind": data.get("kind") or "",
            "status": data.get("status") or "",
        }
