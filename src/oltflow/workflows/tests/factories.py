"""Builders shared by the catalog, workflow, inventory and job tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from oltflow.catalog.models import Brand, OltModel
from oltflow.inventory.models import Olt
from oltflow.workflows.models import WorkflowTemplate
from oltflow.workflows.services.builtin import load_builtin

#: A fixed "now" for services: 12:00:05 UTC, five seconds past a minute boundary.
NOW = datetime(2026, 12, 3, 12, 0, 5, tzinfo=UTC)


def load_catalog() -> None:
    """The built-in catalog with its two workflow templates."""
    load_builtin(now=NOW)


def make_olt(name: str, brand: str = "Huawei", model: str = "MA5800", **fields: Any) -> Olt:
    olt_brand = Brand.objects.get(name=brand)
    olt = Olt(
        name=name,
        brand=olt_brand,
        model=OltModel.objects.get(brand=olt_brand, name=model),
        host=fields.pop("host", "192.0.2.1"),
        community=fields.pop("community", "public"),
        **fields,
    )
    olt.full_clean()
    olt.save()
    return olt


def huawei_template() -> WorkflowTemplate:
    return WorkflowTemplate.objects.get(name="Huawei GPON")


def zte_template() -> WorkflowTemplate:
    return WorkflowTemplate.objects.get(name="ZTE GPON")
