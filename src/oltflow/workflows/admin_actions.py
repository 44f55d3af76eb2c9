"""Admin pieces shared by the catalog, inventory and workflow admins.

They only present and call services: applying and removing templates with a confirmation page
(computed by a dry run), switching objects on and off, and showing service errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from oltflow.inventory.models import Olt
from oltflow.workflows.models import WorkflowTemplate
from oltflow.workflows.services import (
    WorkflowError,
    apply_template,
    set_enabled,
    unapply_template,
)

Action = Callable[[admin.ModelAdmin, HttpRequest, QuerySet], HttpResponse | None]


class ServiceErrorsAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes call services.

    A WorkflowError raised while saving rolls the whole save back (the admin runs it in one
    transaction) and comes back as an error message on the same page.
    """

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except WorkflowError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except WorkflowError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def switch_actions() -> tuple[Action, Action]:
    """``enable_selected`` and ``disable_selected`` actions calling ``set_enabled``."""

    def switch(
        modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, enabled: bool
    ) -> None:
        count = 0
        try:
            for obj in queryset:
                set_enabled(obj, enabled)
                count += 1
        except WorkflowError as exc:
            modeladmin.message_user(request, str(exc), messages.ERROR)
            return
        text = (
            ngettext("%(count)d item enabled.", "%(count)d items enabled.", count)
            if enabled
            else ngettext("%(count)d item disabled.", "%(count)d items disabled.", count)
        )
        modeladmin.message_user(request, text % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Enable the selected items"))
    def enable_selected(
        modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
    ) -> None:
        switch(modeladmin, request, queryset, True)

    @admin.action(description=_("Disable the selected items"))
    def disable_selected(
        modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
    ) -> None:
        switch(modeladmin, request, queryset, False)

    return enable_selected, disable_selected


class TemplateChoiceForm(forms.Form):
    template = forms.ModelChoiceField(
        queryset=WorkflowTemplate.objects.all(), label=_("Workflow template")
    )


def _confirmation_context(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    olts: list[Olt],
    action: str,
    title: str,
    form: TemplateChoiceForm,
) -> dict[str, Any]:
    return {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "olts": olts,
        "form": form,
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media,
    }


def _template_action(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Olt],
    *,
    action: str,
    title: str,
    page: str,
    preview_key: str,
    perform: Callable[..., Any],
    done: str,
) -> HttpResponse | None:
    """Choose a template, preview what ``perform`` would do (a dry run), then confirm it."""
    olts = list(queryset.select_related("brand", "model").order_by("name"))
    form = TemplateChoiceForm(request.POST if "template" in request.POST else None)
    context = _confirmation_context(modeladmin, request, olts, action, title, form)
    if form.is_bound and form.is_valid():
        template = form.cleaned_data["template"]
        context["template"] = template
        confirmed = request.POST.get("confirm") == "yes"
        try:
            report = perform(template, olts, dry_run=not confirmed)
        except WorkflowError as exc:
            if confirmed:
                modeladmin.message_user(request, str(exc), messages.ERROR)
                return None
            context["error"] = str(exc)
        else:
            if confirmed:
                modeladmin.message_user(
                    request,
                    done % {"template": template.name, "summary": report.summary()},
                    messages.SUCCESS,
                )
                return None
            context[preview_key] = report
    return TemplateResponse(request, page, context)


@admin.action(description=_("Apply a workflow template to the selected OLTs"))
def apply_template_to_olts(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Olt]
) -> HttpResponse | None:
    """Choose a template, see what a dry run would create, link, sync or skip, then apply."""
    return _template_action(
        modeladmin,
        request,
        queryset,
        action="apply_template_to_olts",
        title=str(_("Apply a workflow template")),
        page="admin/workflows/apply_template.html",
        preview_key="report",
        perform=apply_template,
        done=_("Template %(template)s applied: %(summary)s"),
    )


@admin.action(description=_("Remove a workflow template from the selected OLTs"))
def unapply_template_from_olts(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Olt]
) -> HttpResponse | None:
    """Choose a template, see which nodes would go, then remove them."""
    return _template_action(
        modeladmin,
        request,
        queryset,
        action="unapply_template_from_olts",
        title=str(_("Remove a workflow template")),
        page="admin/workflows/unapply_template.html",
        preview_key="removal",
        perform=unapply_template,
        done=_("Template %(template)s removed: %(summary)s"),
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    """A list to look at: no add, change or delete, whoever asks (scheduling state and
    inventory are written by the services and runners, not by hand)."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
