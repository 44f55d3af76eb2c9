from __future__ import annotations

import pytest

from oltflow.inventory.models import Olt
from oltflow.workflows.models import WorkflowTemplate
from oltflow.workflows.tests.factories import huawei_template, load_catalog, make_olt


@pytest.fixture
def catalog(db: None) -> None:
    load_catalog()


@pytest.fixture
def template(catalog: None) -> WorkflowTemplate:
    return huawei_template()


@pytest.fixture
def olts(catalog: None) -> list[Olt]:
    return [
        make_olt(f"olt-{n}", model=model)
        for n, model in enumerate(["MA5800", "MA5680T", "MA5608T"], 1)
    ]
