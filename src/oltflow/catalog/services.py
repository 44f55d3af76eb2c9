"""Catalog services: install and update catalog entries by their natural keys."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from oltflow.catalog import builtin
from oltflow.catalog.errors import CatalogError, describe_validation_error
from oltflow.catalog.models import (
    Brand,
    IndexFormula,
    Oid,
    OltModel,
    TaskFunction,
    TaskTemplate,
)

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class CatalogData:
    """Catalog entries as plain data (see ``oltflow.catalog.builtin`` for the format)."""

    brands: list[dict[str, Any]] = field(default_factory=list)
    index_formulas: list[dict[str, Any]] = field(default_factory=list)
    olt_models: list[dict[str, Any]] = field(default_factory=list)
    oids: list[dict[str, Any]] = field(default_factory=list)
    task_functions: list[dict[str, Any]] = field(default_factory=list)
    task_templates: list[dict[str, Any]] = field(default_factory=list)
    workflow_templates: list[dict[str, Any]] = field(default_factory=list)


def builtin_data() -> CatalogData:
    """The catalog oltflow ships."""
    return CatalogData(
        brands=builtin.BRANDS,
        index_formulas=builtin.INDEX_FORMULAS,
        olt_models=builtin.OLT_MODELS,
        oids=builtin.OIDS,
        task_functions=builtin.TASK_FUNCTIONS,
        task_templates=builtin.TASK_TEMPLATES,
        workflow_templates=builtin.WORKFLOW_TEMPLATES,
    )


@dataclass
class LoadReport:
    """Entries created, updated and unchanged, by kind; which OIDs and task templates changed
    (their jobs must be recompiled)."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    changed_oids: list[Oid] = field(default_factory=list)
    changed_task_templates: list[TaskTemplate] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()))

    def summary(self) -> str:
        kinds = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        return "; ".join(
            f"{kind}: {self.created[kind]} created, {self.updated[kind]} updated, "
            f"{self.unchanged[kind]} unchanged"
            for kind in kinds
        )


def load_catalog(data: CatalogData | None = None) -> LoadReport:
    """Create or update catalog entries (brands to task templates), all or nothing.

    An existing entry is found by its natural key and only the fields that differ are saved,
    so loading the same data twice changes nothing. A task template's ``is_default`` and
    ``enabled`` are set on creation only. Raises CatalogError naming an invalid entry.
    """
    data = data or builtin_data()
    report = LoadReport()
    with transaction.atomic():
        brands = {}
        for entry in data.brands:
            brands[entry["name"]] = upsert(
                Brand, report, {"name": entry["name"]}, _rest(entry, "name")
            )[0]
        formulas = {}
        for entry in data.index_formulas:
            values = _rest(entry, "name", "brand")
            values["brand"] = _brand(brands, entry["brand"])
            formulas[entry["name"]] = upsert(IndexFormula, report, {"name": entry["name"]}, values)[
                0
            ]
        olt_models = {}
        for entry in data.olt_models:
            brand = _brand(brands, entry["brand"])
            values = _rest(entry, "brand", "name", "index_formula")
            values["index_formula"] = formulas[entry["index_formula"]]
            olt_models[(brand.name, entry["name"])] = upsert(
                OltModel, report, {"brand": brand, "name": entry["name"]}, values
            )[0]
        for entry in data.oids:
            brand = _brand(brands, entry["brand"])
            model = olt_models[(brand.name, entry["model"])] if entry.get("model") else None
            values = _rest(entry, "brand", "model", "oid", "kind")
            if values.get("index_formula"):
                values["index_formula"] = formulas[values["index_formula"]]
            lookup = {"brand": brand, "model": model, "oid": entry["oid"], "kind": entry["kind"]}
            oid, state = upsert(Oid, report, lookup, values)
            if state == "updated":
                report.changed_oids.append(oid)
        functions = {}
        for entry in data.task_functions:
            functions[entry["name"]] = upsert(
                TaskFunction, report, {"name": entry["name"]}, _rest(entry, "name")
            )[0]
        for entry in data.task_templates:
            values = _rest(entry, "name", "function", "is_default", "enabled")
            values["function"] = functions[entry["function"]]
            initial = {
                "is_default": entry.get("is_default", False),
                "enabled": entry.get("enabled", True),
            }
            task_template, state = upsert(
                TaskTemplate, report, {"name": entry["name"]}, values, initial=initial
            )
            if state == "updated":
                report.changed_task_templates.append(task_template)
    if report.changed:
        logger.info("Loaded the catalog: %s", report.summary())
    return report


def upsert(
    model: type[M],
    report: LoadReport,
    lookup: dict[str, Any],
    values: dict[str, Any],
    *,
    initial: dict[str, Any] | None = None,
) -> tuple[M, str]:
    """Find ``model`` by ``lookup``; create it, or save the ``values`` that differ.

    Returns the object and ``"created"``, ``"updated"`` or ``"unchanged"``. ``initial`` holds
    values used on creation only. Raises CatalogError when the result does not validate.
    """
    kind = str(model._meta.verbose_name_plural)
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values, **(initial or {}))
        _validate(obj, lookup)
        obj.save()
        report.created[kind] += 1
        return obj, "created"
    changed = assign(obj, values)
    if not changed:
        report.unchanged[kind] += 1
        return obj, "unchanged"
    _validate(obj, lookup)
    obj.save(update_fields=changed)
    report.updated[kind] += 1
    return obj, "updated"


def assign(obj: models.Model, values: dict[str, Any]) -> list[str]:
    """Set the fields of ``obj`` whose value differs; return their names."""
    changed = []
    for name, value in values.items():
        model_field = obj._meta.get_field(name)
        if model_field.is_relation:
            differs = getattr(obj, model_field.attname) != (value.pk if value else None)
        else:
            differs = getattr(obj, name) != value
        if differs:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _validate(obj: models.Model, lookup: dict[str, Any]) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        key = ", ".join(f"{name}={value}" for name, value in lookup.items())
        raise CatalogError(
            _("%(entry)s (%(key)s): %(errors)s")
            % {
                "entry": obj._meta.verbose_name,
                "key": key,
                "errors": describe_validation_error(exc),
            }
        ) from None


def _brand(brands: dict[str, Brand], name: str) -> Brand:
    brand = brands.get(name) or Brand.objects.filter(name=name).first()
    if brand is None:
        raise CatalogError(_("Unknown brand %(name)r.") % {"name": name})
    return brand


def _rest(entry: dict[str, Any], *skip: str) -> dict[str, Any]:
    return {name: value for name, value in entry.items() if name not in skip}
