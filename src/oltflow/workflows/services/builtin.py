"""Install the built-in catalog and its workflow templates, and propagate what changed."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from oltflow.catalog.errors import CatalogError
from oltflow.catalog.models import Oid, TaskTemplate
from oltflow.catalog.services import CatalogData, LoadReport, assign, builtin_data, load_catalog
from oltflow.workflows.models import WorkflowTemplate, WorkflowTemplateNode
from oltflow.workflows.services.apply import sync_template
from oltflow.workflows.services.common import validate
from oltflow.workflows.services.propagate import sync_oid, sync_task_template

logger = logging.getLogger(__name__)


@dataclass
class BuiltinReport:
    catalog: LoadReport
    templates_created: int = 0
    nodes_created: list[str] = field(default_factory=list)
    nodes_updated: list[str] = field(default_factory=list)
    nodes_unchanged: int = 0

    @property
    def changed(self) -> bool:
        return self.catalog.changed or bool(
            self.templates_created or self.nodes_created or self.nodes_updated
        )

    def summary(self) -> str:
        return (
            f"{self.catalog.summary()}; workflow templates: {self.templates_created} created, "
            f"{len(self.nodes_created)} node(s) created, {len(self.nodes_updated)} updated, "
            f"{self.nodes_unchanged} unchanged"
        )


def load_builtin(data: CatalogData | None = None, *, now: datetime | None = None) -> BuiltinReport:
    """Load the catalog and its workflow templates by natural key, all or nothing.

    Changed OIDs and task templates are recompiled where they are used; changed template nodes
    reach the OLTs their template is applied to. Loading twice changes nothing. A template's
    ``enabled`` flag is set on creation only. Raises CatalogError or WorkflowError naming the
    entry at fault.
    """
    data = data or builtin_data()
    with transaction.atomic():
        report = BuiltinReport(catalog=load_catalog(data))
        for oid in report.catalog.changed_oids:
            sync_oid(oid, now=now)
        for task_template in report.catalog.changed_task_templates:
            sync_task_template(task_template, now=now)
        for entry in data.workflow_templates:
            _load_template(entry, report, now=now)
    if report.changed:
        logger.info("Loaded the built-in catalog: %s", report.summary())
    return report


def _load_template(entry: dict, report: BuiltinReport, *, now: datetime | None) -> None:
    template = WorkflowTemplate.objects.filter(name=entry["name"]).first()
    if template is None:
        template = WorkflowTemplate(
            name=entry["name"],
            description=entry.get("description", ""),
            enabled=entry.get("enabled", True),
        )
        validate(template, _("Workflow template %(name)r") % {"name": entry["name"]})
        template.save()
        report.templates_created += 1
    elif assign(template, {"description": entry.get("description", "")}):
        template.save(update_fields=["description", "updated_at"])

    touched = False
    for node_entry in entry["nodes"]:
        values = {
            "name": node_entry["name"],
            "oid": _oid(*node_entry["oid"]),
            "interval_seconds": node_entry["interval_seconds"],
            "priority": node_entry.get("priority"),
            "enabled": node_entry.get("enabled", True),
            "parameters": node_entry.get("parameters", {}),
            "task_template": _task_template(node_entry.get("task_template")),
        }
        label = f"{template.name}/{node_entry['key']}"
        node = WorkflowTemplateNode.objects.filter(template=template, key=node_entry["key"]).first()
        if node is None:
            node = WorkflowTemplateNode(template=template, key=node_entry["key"], **values)
            report.nodes_created.append(label)
        elif assign(node, values):
            report.nodes_updated.append(label)
        else:
            report.nodes_unchanged += 1
            continue
        validate(
            node,
            _("Template node %(key)r of template %(template)r")
            % {"key": node.key, "template": template.name},
        )
        node.save()
        touched = True

    # One sync for the whole template carries its changes to the OLTs it is applied to.
    if touched:
        sync_template(template, now=now)


def _oid(brand: str, model: str | None, oid: str, kind: str) -> Oid:
    found = Oid.objects.filter(brand__name=brand, oid=oid, kind=kind)
    found = found.filter(model__name=model) if model else found.filter(model__isnull=True)
    result = found.first()
    if result is None:
        raise CatalogError(
            _("No catalog %(kind)s OID %(oid)s for %(brand)s %(model)s.")
            % {"kind": kind, "oid": oid, "brand": brand, "model": model or _("any model")}
        )
    return result


def _task_template(name: str | None) -> TaskTemplate | None:
    if name is None:
        return None
    result = TaskTemplate.objects.filter(name=name).first()
    if result is None:
        raise CatalogError(_("No task template named %(name)r.") % {"name": name})
    return result
