"""Helpers shared by the workflow services: validation, ordering and recompiling."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oltflow.catalog.models import Oid
from oltflow.inventory.models import Olt
from oltflow.jobs.services import TaskTemplateResolver, compile_node
from oltflow.workflows.errors import WorkflowError, describe_validation_error
from oltflow.workflows.models import NodeFields, WorkflowNode

logger = logging.getLogger(__name__)

#: Node fields a template always decides.
TEMPLATE_FIELDS = ("key", "name", "oid", "task_template")
#: Node fields a template decides unless the node overrides them, with the override flag.
OVERRIDABLE_FIELDS = (
    ("interval_seconds", "override_interval"),
    ("priority", "override_priority"),
    ("enabled", "override_enabled"),
    ("parameters", "override_parameters"),
)
#: How many offending objects an error message lists before it says "and N more".
MAX_LISTED = 10

N = TypeVar("N", bound=NodeFields)


def now_or(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


def validate(obj: models.Model, label: str) -> None:
    """Run the model's full validation; raise WorkflowError naming ``label`` and the fields."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise WorkflowError(
            _("%(label)s: %(errors)s") % {"label": label, "errors": describe_validation_error(exc)}
        ) from None


def validate_oids(oids: Iterable[Oid]) -> None:
    for oid in {oid.pk: oid for oid in oids}.values():
        validate(oid, _("OID %(name)r (%(oid)s)") % {"name": oid.name, "oid": oid.oid})


def validate_olts(olts: Iterable[Olt]) -> None:
    for olt in olts:
        validate(olt, _("OLT %(name)r") % {"name": olt.name})


def listing(items: Sequence[str]) -> str:
    shown = "; ".join(items[:MAX_LISTED])
    if len(items) > MAX_LISTED:
        shown += _("; and %(count)d more") % {"count": len(items) - MAX_LISTED}
    return shown


def misfit_message(oid: Oid, olt: Olt, key: str) -> str:
    scope = oid.model.name if oid.model_id else _("any model")
    return _(
        "OID %(oid_name)r (%(oid)s) of node %(key)r is for %(brand)s %(scope)s, not for OLT "
        "%(olt)r (%(olt_brand)s %(olt_model)s)"
    ) % {
        "oid_name": oid.name,
        "oid": oid.oid,
        "key": key,
        "brand": oid.brand.name,
        "scope": scope,
        "olt": olt.name,
        "olt_brand": olt.brand.name,
        "olt_model": olt.model.name,
    }


def check_fit(pairs: Iterable[tuple[str, Oid, Olt]]) -> None:
    """Refuse OIDs that the OLT's brand and model do not answer, naming every pair."""
    problems = [
        misfit_message(oid, olt, key)
        for key, oid, olt in pairs
        if not oid.fits(olt.brand_id, olt.model_id)
    ]
    if problems:
        raise WorkflowError(_("Refused: %(problems)s.") % {"problems": listing(problems)})


def masters_first(nodes: Sequence[N]) -> list[N]:
    """Order nodes so that each comes after the node it runs after (when that is in the list).

    Raises WorkflowError on a cycle of ``run_after`` links.
    """
    by_pk = {node.pk: node for node in nodes}
    ordered: list[N] = []
    state: dict[int, str] = {}

    def visit(node: N, path: list[str]) -> None:
        if state.get(node.pk) == "done":
            return
        if state.get(node.pk) == "visiting":
            raise WorkflowError(
                _("Nodes run after each other in a circle: %(path)s.") % {"path": " -> ".join(path)}
            )
        state[node.pk] = "visiting"
        master = by_pk.get(node.run_after_id) if node.run_after_id else None
        if master is not None:
            visit(master, [*path, master.key])
        state[node.pk] = "done"
        ordered.append(node)

    for node in sorted(nodes, key=lambda n: (n.key, n.pk)):
        visit(node, [node.key])
    return ordered


def node_queryset() -> models.QuerySet[WorkflowNode]:
    """WorkflowNodes with everything compiling reads."""
    return WorkflowNode.objects.select_related(
        "workflow__olt__brand",
        "workflow__olt__model",
        "workflow__template",
        "oid__brand",
        "oid__model",
        "task_template__function",
        "run_after",
    )


def recompile(nodes: Iterable[WorkflowNode], *, now: datetime | None = None) -> int:
    """Compile ``nodes`` again (masters first); return how many jobs or hosts were written."""
    now = now_or(now)
    resolver = TaskTemplateResolver()
    written = 0
    with transaction.atomic():
        for node in masters_first(list(nodes)):
            if compile_node(node, now=now, resolver=resolver).changed:
                written += 1
    return written
