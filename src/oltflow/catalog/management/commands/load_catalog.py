"""``oltflow load_catalog``: install or update the built-in catalog and workflow templates."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from oltflow.catalog.errors import CatalogError
from oltflow.workflows.services import WorkflowError
from oltflow.workflows.services.builtin import load_builtin


class Command(BaseCommand):
    help = (
        "Install or update the built-in catalog (Huawei and ZTE brands, models, index formulas, "
        "OIDs, task functions and templates) and its default workflow templates. Running it "
        "again changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_builtin()
        except (CatalogError, WorkflowError) as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] >= 1:
            state = "updated" if report.changed else "already up to date"
            self.stdout.write(f"Catalog {state}: {report.summary()}")
