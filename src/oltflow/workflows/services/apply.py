"""Applying templates to OLTs, keeping their instances in step, and removing them.

Nodes are matched by key on each OLT, as the original system did:
- a node already made from the same template node is synced (renamed too, if the key changed);
- an unlinked node with the same key (a custom node) is linked: it moves into the template's
  workflow on that OLT and from then on follows the template;
- a node with the same key made from another template is skipped, and the report says so;
- a missing node is created.
Syncing copies the template node's fields, except those the instance overrides. Every node
touched is compiled into its SnmpJob and SnmpJobHost in the same transaction.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Collection, Iterable
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from oltflow.inventory.models import Olt
from oltflow.jobs.services import TaskTemplateResolver, compile_node
from oltflow.workflows.errors import WorkflowError
from oltflow.workflows.models import (
    OltWorkflow,
    WorkflowNode,
    WorkflowTemplate,
    WorkflowTemplateNode,
)
from oltflow.workflows.services.common import (
    OVERRIDABLE_FIELDS,
    check_fit,
    masters_first,
    node_queryset,
    now_or,
    recompile,
    validate,
    validate_oids,
    validate_olts,
)
from oltflow.workflows.services.report import (
    ApplyReport,
    OltApplyReport,
    RemoveReport,
    SkippedNode,
)

logger = logging.getLogger(__name__)


def apply_template(
    template: WorkflowTemplate,
    olts: Iterable[Olt],
    *,
    now: datetime | None = None,
    dry_run: bool = False,
) -> ApplyReport:
    """Apply ``template`` to ``olts``: instances, jobs and job hosts, all or nothing.

    With ``dry_run`` the work is done and rolled back, so the report tells what would happen.
    Raises WorkflowError, naming the objects, when a node, OID or OLT is invalid, an OID does
    not fit an OLT's brand and model, or no task template fits a node; nothing is written then.
    """
    return _apply(template, olts, now=now, dry_run=dry_run, only=None)


def sync_template(
    template: WorkflowTemplate, *, now: datetime | None = None, dry_run: bool = False
) -> ApplyReport:
    """Bring every OLT the template is applied to in line with it (after template edits)."""
    olts = Olt.objects.filter(workflows__template=template)
    return _apply(template, olts, now=now, dry_run=dry_run, only=None)


def sync_template_node(
    node: WorkflowTemplateNode, *, now: datetime | None = None, dry_run: bool = False
) -> ApplyReport:
    """Bring the instances of one template node in line with it, on every OLT of its template.

    A node added to an applied template is created on those OLTs.
    """
    olts = Olt.objects.filter(workflows__template_id=node.template_id)
    return _apply(node.template, olts, now=now, dry_run=dry_run, only={node.pk})


def save_template_node(node: WorkflowTemplateNode, *, now: datetime | None = None) -> ApplyReport:
    """Validate and save a template node, then propagate it; all or nothing.

    Raises WorkflowError naming the node and the fields at fault.
    """
    with transaction.atomic():
        validate(node, _template_node_label(node))
        node.save()
        return sync_template_node(node, now=now)


def unapply_template(
    template: WorkflowTemplate, olts: Iterable[Olt], *, dry_run: bool = False
) -> RemoveReport:
    """Remove the template's workflows from ``olts``: their nodes, jobs and job hosts.

    Executions stay as history (their job host becomes empty). Nodes on those OLTs that were
    made from this template but moved elsewhere by hand are unlinked and keep running. With
    ``dry_run`` nothing is written; the report tells what would be removed.
    """
    olt_ids = [olt.pk for olt in olts]
    with transaction.atomic():
        template = _lock(template)
        report = RemoveReport(template_name=template.name)
        workflows = list(
            OltWorkflow.objects.filter(template=template, olt_id__in=olt_ids)
            .select_related("olt")
            .order_by("olt__name")
        )
        for workflow in workflows:
            report.removed[workflow.olt.name] = sorted(workflow.nodes.values_list("key", flat=True))
        WorkflowNode.objects.filter(
            template_node__template=template, workflow__olt_id__in=olt_ids
        ).exclude(workflow__template=template).update(template_node=None)
        OltWorkflow.objects.filter(pk__in=[w.pk for w in workflows]).delete()
        if dry_run:
            transaction.set_rollback(True)
    if not dry_run:
        logger.info("Unapplied template %s: %s", template.pk, report.summary())
    return report


def delete_template(template: WorkflowTemplate) -> RemoveReport:
    """Unapply the template from every OLT, then delete it."""
    with transaction.atomic():
        report = unapply_template(template, Olt.objects.filter(workflows__template=template))
        template_id = template.pk
        template.delete()
    logger.info("Deleted template %s", template_id)
    return report


def delete_template_node(
    node: WorkflowTemplateNode, *, now: datetime | None = None
) -> RemoveReport:
    """Delete a template node and its instances (with their jobs and job hosts).

    Nodes that ran after it run on their own interval from then on; they are recompiled.
    """
    with transaction.atomic():
        template = _lock(node.template)
        report = RemoveReport(template_name=template.name)
        instances = list(node.instances.select_related("workflow__olt"))
        for instance in instances:
            report.removed.setdefault(instance.workflow.olt.name, []).append(instance.key)
        workflow_ids = {instance.workflow_id for instance in instances}
        WorkflowNode.objects.filter(pk__in=[i.pk for i in instances]).delete()
        node_id = node.pk
        node.delete()

        # Nodes left behind may have lost their master: compile them again.
        recompile(node_queryset().filter(workflow_id__in=workflow_ids), now=now)
    logger.info(
        "Deleted template node %s of template %s: %s", node_id, template.pk, report.summary()
    )
    return report


def _template_node_label(node: WorkflowTemplateNode) -> str:
    if node.template_id:
        return _("Template node %(key)r of template %(template)r") % {
            "key": node.key,
            "template": node.template.name,
        }
    return _("Template node %(key)r") % {"key": node.key}


def _lock(template: WorkflowTemplate) -> WorkflowTemplate:
    """The template row, locked: applies and syncs of one template run one at a time."""
    return WorkflowTemplate.objects.select_for_update().get(pk=template.pk)


def _apply(
    template: WorkflowTemplate,
    olts: Iterable[Olt],
    *,
    now: datetime | None,
    dry_run: bool,
    only: Collection[int] | None,
) -> ApplyReport:
    now = now_or(now)
    olt_ids = sorted({olt.pk for olt in olts})
    with transaction.atomic():
        template = _lock(template)

        # The template's nodes, valid and in chain order.
        nodes = list(
            template.nodes.select_related(
                "oid__brand", "oid__model", "task_template__function", "run_after"
            )
        )
        for node in nodes:
            validate(node, _template_node_label(node))
        nodes = masters_first(nodes)
        if only is not None:
            nodes = [node for node in nodes if node.pk in only]
        validate_oids(node.oid for node in nodes)

        # The OLTs, locked in id order, valid, and answering every OID.
        targets = list(
            Olt.objects.select_for_update(no_key=True)
            .select_related("brand", "model")
            .filter(pk__in=olt_ids)
            .order_by("pk")
        )
        missing = set(olt_ids) - {olt.pk for olt in targets}
        if missing:
            raise WorkflowError(_("OLT(s) %(ids)s no longer exist.") % {"ids": sorted(missing)})
        validate_olts(targets)
        check_fit((node.key, node.oid, olt) for olt in targets for node in nodes)

        # Each OLT in turn.
        report = ApplyReport(template_name=template.name, dry_run=dry_run)
        resolver = TaskTemplateResolver()
        for olt in targets:
            report.olts.append(_apply_to_olt(template, nodes, olt, now, resolver))

        if dry_run:
            transaction.set_rollback(True)
    if dry_run:
        logger.debug("Dry run of template %s: %s", template.pk, report.summary())
    elif report.changed:
        logger.info("Applied template %s: %s", template.pk, report.summary())
    return report


def _apply_to_olt(
    template: WorkflowTemplate,
    nodes: list[WorkflowTemplateNode],
    olt: Olt,
    now: datetime,
    resolver: TaskTemplateResolver,
) -> OltApplyReport:
    workflow, workflow_created = OltWorkflow.objects.get_or_create(olt=olt, template=template)
    workflow.olt = olt
    workflow.template = template
    entry = OltApplyReport(olt=olt, workflow_created=workflow_created)

    existing = list(
        WorkflowNode.objects.filter(workflow__olt=olt).select_related(
            "workflow", "template_node__template"
        )
    )
    by_key = {node.key: node for node in existing}
    by_template_node = {node.template_node_id: node for node in existing if node.template_node_id}

    for template_node in nodes:
        # MATCH: by template node first, then by key.
        node = by_template_node.get(template_node.pk)
        if node is not None:
            action = "synced"
            holder = by_key.get(template_node.key)
            if holder is not None and holder.pk != node.pk:
                raise WorkflowError(
                    _(
                        "Template node %(key)r cannot be renamed on OLT %(olt)r: the OLT already "
                        "has a node with that key."
                    )
                    % {"key": template_node.key, "olt": olt.name}
                )
        else:
            node = by_key.get(template_node.key)
            if node is None:
                node = WorkflowNode(workflow=workflow, template_node=template_node)
                action = "created"
            elif node.template_node_id is None:
                action = "linked"
            elif node.template_node.template_id == template.pk:
                action = "synced"
            else:
                entry.skipped.append(
                    SkippedNode(
                        template_node.key,
                        _("the OLT's node with this key belongs to template %(template)r")
                        % {"template": node.template_node.template.name},
                    )
                )
                continue

        # CHAINED: the master must be this template's node on this OLT.
        master = None
        if template_node.run_after_id:
            master = by_template_node.get(template_node.run_after_id)
            if master is None or master.workflow_id != workflow.pk:
                entry.skipped.append(
                    SkippedNode(
                        template_node.key,
                        _("it runs after %(master)r, which is not this template's node on this OLT")
                        % {"master": template_node.run_after.key},
                    )
                )
                continue

        # Copy the template's fields, save, compile. The values come from the validated
        # template node (or were validated when the node overrode them), and the key is free on
        # this OLT by the matching above: no per-node validation queries are needed.
        old_key = node.key
        changed = _copy_from_template(node, template_node, workflow, master)
        if changed:
            node.save()
        if old_key != node.key:
            by_key.pop(old_key, None)
        by_key[node.key] = node
        by_template_node[template_node.pk] = node
        compiled = compile_node(node, now=now, resolver=resolver, fresh=action == "created")
        if compiled.changed:
            entry.jobs_changed += 1
        if action == "linked":
            entry.jobs_changed += _unchain_left_behind(node, now, resolver)

        if action == "synced" and not (changed or compiled.changed):
            action = "unchanged"
        getattr(entry, action).append(node.key)
    return entry


def _unchain_left_behind(node: WorkflowNode, now: datetime, resolver: TaskTemplateResolver) -> int:
    """Nodes of the workflow a linked node left that ran after it now run on their own
    interval (a chain stays inside one workflow). Returns how many jobs were written."""
    written = 0
    followers = node_queryset().filter(run_after=node).exclude(workflow_id=node.workflow_id)
    for follower in followers:
        follower.run_after = None
        follower.save(update_fields=["run_after"])
        logger.info(
            "Node %s (%s) no longer runs after node %s, which moved to workflow %s",
            follower.pk,
            follower.key,
            node.pk,
            node.workflow_id,
        )
        if compile_node(follower, now=now, resolver=resolver).changed:
            written += 1
    return written


def _copy_from_template(
    node: WorkflowNode,
    template_node: WorkflowTemplateNode,
    workflow: OltWorkflow,
    master: WorkflowNode | None,
) -> bool:
    """Copy what the template decides onto ``node``; return whether anything differed."""
    new = node.pk is None
    values: dict[str, object] = {
        "workflow": workflow,
        "template_node": template_node,
        "run_after": master,
        "key": template_node.key,
        "name": template_node.name,
        "oid": template_node.oid,
        "task_template": template_node.task_template,
    }
    for name, flag in OVERRIDABLE_FIELDS:
        if new or not getattr(node, flag):
            values[name] = copy.deepcopy(getattr(template_node, name))

    changed = new
    for name, value in values.items():
        field = WorkflowNode._meta.get_field(name)
        if field.is_relation:
            # Assign the loaded object either way: compiling reads it without a query.
            if getattr(node, field.attname) != (value.pk if value is not None else None):
                changed = True
            setattr(node, name, value)
        elif getattr(node, name) != value:
            setattr(node, name, value)
            changed = True
    return changed
