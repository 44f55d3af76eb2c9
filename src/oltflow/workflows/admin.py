"""Admin for workflow templates and their per-OLT instances. Every save calls a service, so
edits reach the scheduler's job rows."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, ForeignKey, QuerySet
from django.forms import BaseInlineFormSet, ModelChoiceField, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from oltflow.workflows.admin_actions import ServiceErrorsAdmin, switch_actions
from oltflow.workflows.models import (
    OltWorkflow,
    WorkflowNode,
    WorkflowTemplate,
    WorkflowTemplateNode,
)
from oltflow.workflows.services import (
    delete_template,
    delete_template_node,
    save_template_node,
    save_workflow_node,
    sync_template,
    sync_workflow,
    unapply_template,
)

enable_selected, disable_selected = switch_actions()


def _edited_object_id(request: HttpRequest) -> str | None:
    match = request.resolver_match
    return match.kwargs.get("object_id") if match else None


class RunAfterSiblingsMixin:
    """Offer as "run after" only the other nodes of the edited node's template or workflow."""

    owner_field: str

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        edited = _edited_object_id(request)
        if db_field.name == "run_after" and edited:
            model = db_field.model
            node = model.objects.filter(pk=edited).first()
            if node is not None:
                owner = {self.owner_field: getattr(node, self.owner_field)}
                kwargs["queryset"] = model.objects.filter(**owner).exclude(pk=node.pk)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class TemplateNodeInline(admin.TabularInline):
    model = WorkflowTemplateNode
    fk_name = "template"
    extra = 0
    fields = (
        "key",
        "name",
        "oid",
        "task_template",
        "interval_seconds",
        "priority",
        "enabled",
        "run_after",
        "parameters",
    )
    autocomplete_fields = ("oid",)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        # A node can only run after a node of the same template.
        if db_field.name == "run_after":
            kwargs["queryset"] = WorkflowTemplateNode.objects.filter(
                template_id=_edited_object_id(request)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(WorkflowTemplate)
class WorkflowTemplateAdmin(ServiceErrorsAdmin):
    list_display = ("name", "enabled", "node_count", "olt_count", "updated_at")
    list_filter = ("enabled",)
    search_fields = ("name", "description")
    inlines = (TemplateNodeInline,)
    actions = ("sync_selected", enable_selected, disable_selected)

    def get_queryset(self, request: HttpRequest) -> QuerySet[WorkflowTemplate]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                nodes_total=Count("nodes", distinct=True),
                olts_total=Count("olt_workflows", distinct=True),
            )
        )

    @admin.display(description=_("nodes"), ordering="nodes_total")
    def node_count(self, obj: WorkflowTemplate) -> int:
        return obj.nodes_total

    @admin.display(description=_("OLTs"), ordering="olts_total")
    def olt_count(self, obj: WorkflowTemplate) -> int:
        return obj.olts_total

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        if formset.model is not WorkflowTemplateNode:
            super().save_formset(request, form, formset, change)
            return
        # Deleted nodes take their instances and jobs with them.
        nodes = formset.save(commit=False)
        for node in formset.deleted_objects:
            delete_template_node(node)
        for node in nodes:
            node.save()
        formset.save_m2m()

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: list, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        # The template and its nodes are saved: bring every OLT it is applied to in line.
        sync_template(form.instance)

    def delete_model(self, request: HttpRequest, obj: WorkflowTemplate) -> None:
        delete_template(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[WorkflowTemplate]) -> None:
        for template in queryset:
            delete_template(template)

    @admin.action(description=_("Bring the OLTs of the selected templates in line with them"))
    def sync_selected(self, request: HttpRequest, queryset: QuerySet[WorkflowTemplate]) -> None:
        for template in queryset:
            report = sync_template(template)
            self.message_user(request, report.summary())


@admin.register(WorkflowTemplateNode)
class WorkflowTemplateNodeAdmin(RunAfterSiblingsMixin, ServiceErrorsAdmin):
    owner_field = "template_id"

    list_display = ("key", "template", "name", "oid", "interval_seconds", "priority", "enabled")
    list_filter = ("template", "enabled", "oid__kind")
    search_fields = ("key", "name", "oid__name", "oid__oid")
    list_select_related = ("template", "oid__brand", "oid__model")
    autocomplete_fields = ("oid",)
    actions = (enable_selected, disable_selected)

    def save_model(
        self, request: HttpRequest, obj: WorkflowTemplateNode, form: ModelForm, change: bool
    ) -> None:
        save_template_node(obj)

    def delete_model(self, request: HttpRequest, obj: WorkflowTemplateNode) -> None:
        delete_template_node(obj)

    def delete_queryset(
        self, request: HttpRequest, queryset: QuerySet[WorkflowTemplateNode]
    ) -> None:
        for node in queryset:
            delete_template_node(node)


class WorkflowNodeInline(admin.TabularInline):
    model = WorkflowNode
    fk_name = "workflow"
    extra = 0
    fields = (
        "key",
        "name",
        "oid",
        "task_template",
        "interval_seconds",
        "override_interval",
        "priority",
        "override_priority",
        "enabled",
        "override_enabled",
        "parameters",
        "override_parameters",
        "run_after",
        "template_node",
    )
    readonly_fields = ("template_node",)
    autocomplete_fields = ("oid",)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        if db_field.name == "run_after":
            kwargs["queryset"] = WorkflowNode.objects.filter(workflow_id=_edited_object_id(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(OltWorkflow)
class OltWorkflowAdmin(ServiceErrorsAdmin):
    list_display = ("olt", "template", "enabled", "node_count", "created_at")
    list_filter = ("enabled", "template", "olt__brand")
    search_fields = ("olt__name", "template__name")
    list_select_related = ("olt", "template")
    inlines = (WorkflowNodeInline,)
    actions = (enable_selected, disable_selected)

    def get_queryset(self, request: HttpRequest) -> QuerySet[OltWorkflow]:
        return super().get_queryset(request).annotate(nodes_total=Count("nodes"))

    @admin.display(description=_("nodes"), ordering="nodes_total")
    def node_count(self, obj: OltWorkflow) -> int:
        return obj.nodes_total

    def get_readonly_fields(self, request: HttpRequest, obj: OltWorkflow | None = None) -> tuple:
        # Moving a workflow to another OLT or template would orphan its jobs: recreate instead.
        return ("olt", "template") if obj is not None else ()

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        if formset.model is not WorkflowNode:
            super().save_formset(request, form, formset, change)
            return
        nodes = formset.save(commit=False)
        for node in formset.deleted_objects:
            node.delete()
        for node in nodes:
            save_workflow_node(node)
        formset.save_m2m()

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: list, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        sync_workflow(form.instance)

    def delete_model(self, request: HttpRequest, obj: OltWorkflow) -> None:
        if obj.template_id:
            unapply_template(obj.template, [obj.olt])
        else:
            obj.delete()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[OltWorkflow]) -> None:
        for workflow in queryset.select_related("olt", "template"):
            self.delete_model(request, workflow)


@admin.register(WorkflowNode)
class WorkflowNodeAdmin(RunAfterSiblingsMixin, ServiceErrorsAdmin):
    owner_field = "workflow_id"

    list_display = (
        "key",
        "olt",
        "template",
        "interval_seconds",
        "priority",
        "enabled",
        "overrides",
    )
    list_filter = ("enabled", "workflow__template", "workflow__olt", "oid__kind")
    search_fields = ("key", "name", "workflow__olt__name")
    list_select_related = ("workflow__olt", "workflow__template")
    readonly_fields = ("workflow", "template_node")
    autocomplete_fields = ("oid",)
    actions = (enable_selected, disable_selected)

    @admin.display(description=_("OLT"), ordering="workflow__olt__name")
    def olt(self, obj: WorkflowNode) -> str:
        return obj.workflow.olt.name

    @admin.display(description=_("template"), ordering="workflow__template__name")
    def template(self, obj: WorkflowNode) -> str:
        return obj.workflow.template.name if obj.workflow.template_id else "–"

    @admin.display(description=_("keeps its own"))
    def overrides(self, obj: WorkflowNode) -> str:
        flags = [
            (obj.override_interval, _("interval")),
            (obj.override_priority, _("priority")),
            (obj.override_enabled, _("enabled")),
            (obj.override_parameters, _("parameters")),
        ]
        return ", ".join(str(label) for flag, label in flags if flag) or "–"

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Nodes are added through their OLT workflow, which knows the OLT.
        return False

    def save_model(
        self, request: HttpRequest, obj: WorkflowNode, form: ModelForm, change: bool
    ) -> None:
        save_workflow_node(obj)

    def delete_model(self, request: HttpRequest, obj: WorkflowNode) -> None:
        workflow = obj.workflow
        obj.delete()
        sync_workflow(workflow)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[WorkflowNode]) -> None:
        for node in queryset.select_related("workflow"):
            self.delete_model(request, node)
