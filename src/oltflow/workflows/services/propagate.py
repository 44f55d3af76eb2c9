"""Changes outside templates that the scheduler must see: switches, OLT, OID and task template
edits. Each one recompiles the nodes it touches, so SnmpJob and SnmpJobHost rows follow."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from oltflow.catalog.models import Oid, TaskTemplate
from oltflow.inventory.models import Olt
from oltflow.jobs.services import TaskTemplateResolver
from oltflow.workflows.models import (
    NodeFields,
    OltWorkflow,
    WorkflowNode,
    WorkflowTemplate,
    WorkflowTemplateNode,
)
from oltflow.workflows.services.apply import sync_template_node
from oltflow.workflows.services.common import (
    check_fit,
    node_queryset,
    recompile,
    validate,
)

logger = logging.getLogger(__name__)

Switchable = WorkflowTemplate | WorkflowTemplateNode | Olt | OltWorkflow | WorkflowNode


def set_enabled(obj: Switchable, enabled: bool, *, now: datetime | None = None) -> int:
    """Switch a template, template node, OLT, OLT workflow or node on or off.

    The job hosts below it follow at once. Switching one node of a template by hand marks its
    enabled flag as overridden, so later template edits leave it alone. Returns how many jobs
    or hosts were written.
    """
    with transaction.atomic():
        obj.enabled = enabled
        if isinstance(obj, WorkflowTemplateNode):
            obj.save(update_fields=["enabled"])
            written = sync_template_node(obj, now=now).jobs_changed
        else:
            fields = ["enabled"]
            if isinstance(obj, WorkflowNode) and obj.template_node_id:
                obj.override_enabled = True
                fields.append("override_enabled")
            if isinstance(obj, WorkflowTemplate | Olt):
                fields.append("updated_at")
            obj.save(update_fields=fields)
            written = recompile(_nodes_below(obj), now=now)
    logger.info(
        "%s %s %s %s: %d job(s) or host(s) written",
        "Enabled" if enabled else "Disabled",
        obj._meta.model_name,
        obj.pk,
        obj,
        written,
    )
    return written


def sync_olt(olt: Olt, *, now: datetime | None = None) -> int:
    """After an OLT edit: refuse OIDs its brand and model no longer answer, recompile its nodes.

    Raises WorkflowError naming the nodes and OIDs that do not fit.
    """
    with transaction.atomic():
        check_olt(olt)
        return recompile(node_queryset().filter(workflow__olt=olt), now=now)


def check_olt(olt: Olt) -> None:
    """Raise WorkflowError when ``olt`` (saved or not) has nodes whose OID it cannot answer."""
    if olt.pk is None:
        return
    nodes = WorkflowNode.objects.filter(workflow__olt_id=olt.pk).select_related(
        "oid__brand", "oid__model"
    )
    check_fit((node.key, node.oid, olt) for node in nodes)


def sync_oid(oid: Oid, *, now: datetime | None = None) -> int:
    """After a catalog OID edit: refuse it where it no longer fits, recompile its nodes."""
    with transaction.atomic():
        check_oid(oid)
        return recompile(node_queryset().filter(oid=oid), now=now)


def check_oid(oid: Oid) -> None:
    """Raise WorkflowError when ``oid`` (saved or not) no longer fits the OLTs that poll it."""
    if oid.pk is None:
        return
    nodes = WorkflowNode.objects.filter(oid_id=oid.pk).select_related(
        "workflow__olt__brand", "workflow__olt__model"
    )
    check_fit((node.key, oid, node.workflow.olt) for node in nodes)


def sync_task_template(task_template: TaskTemplate, *, now: datetime | None = None) -> int:
    """After a task template edit (default flag, switch, function): recompile the nodes that
    name it and the nodes that take their kind's default."""
    with transaction.atomic():
        nodes = node_queryset().filter(
            Q(task_template=task_template) | Q(task_template__isnull=True)
        )
        return recompile(nodes, now=now)


def save_workflow_node(node: WorkflowNode, *, now: datetime | None = None) -> int:
    """Validate and save a per-OLT node (custom, or overriding its template), then compile it."""
    with transaction.atomic():
        validate(node, _("Node %(key)r") % {"key": node.key})
        olt = node.workflow.olt
        check_fit([(node.key, node.oid, olt)])
        TaskTemplateResolver().resolve(node)
        node.save()
        return recompile(node_queryset().filter(workflow_id=node.workflow_id), now=now)


def check_node(node: NodeFields, olts: list[Olt]) -> None:
    """Raise WorkflowError when a (possibly unsaved) node cannot run on ``olts``: its OID does
    not fit one of them, or no task template fits it."""
    check_fit((node.key, node.oid, olt) for olt in olts)
    TaskTemplateResolver().resolve(node)


def sync_workflow(workflow: OltWorkflow, *, now: datetime | None = None) -> int:
    """After an OLT workflow edit (its switch): recompile its nodes."""
    return recompile(node_queryset().filter(workflow=workflow), now=now)


def _nodes_below(obj: Switchable) -> QuerySet[WorkflowNode]:
    queryset = node_queryset()
    if isinstance(obj, WorkflowTemplate):
        return queryset.filter(workflow__template=obj)
    if isinstance(obj, Olt):
        return queryset.filter(workflow__olt=obj)
    if isinstance(obj, OltWorkflow):
        return queryset.filter(workflow=obj)
    return queryset.filter(workflow_id=obj.workflow_id)
