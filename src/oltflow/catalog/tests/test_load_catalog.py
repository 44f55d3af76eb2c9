"""The built-in catalog: loading is idempotent, updates in place, and its data decode right."""

from __future__ import annotations

import copy
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from oltflow.catalog.models import Brand, IndexFormula, Oid, OltModel, TaskFunction, TaskTemplate
from oltflow.catalog.services import builtin_data
from oltflow.jobs.models import SnmpJob
from oltflow.workflows.models import WorkflowTemplate, WorkflowTemplateNode
from oltflow.workflows.services import apply_template
from oltflow.workflows.services.builtin import load_builtin
from oltflow.workflows.tests.factories import NOW, make_olt

WRITES = ("INSERT", "UPDATE", "DELETE")


def counts() -> dict[str, int]:
    models = (Brand, OltModel, IndexFormula, Oid, TaskFunction, TaskTemplate, WorkflowTemplate)
    return {model.__name__: model.objects.count() for model in (*models, WorkflowTemplateNode)}


def test_load_catalog_twice_changes_nothing(db: None) -> None:
    first = StringIO()
    call_command("load_catalog", stdout=first)
    loaded = counts()

    second = StringIO()
    with CaptureQueriesContext(connection) as queries:
        call_command("load_catalog", stdout=second)

    assert counts() == loaded
    assert [
        q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith(WRITES)
    ] == []
    assert "Catalog updated" in first.getvalue()
    assert "already up to date" in second.getvalue()
    assert loaded == {
        "Brand": 2,
        "OltModel": 5,
        "IndexFormula": 3,
        "Oid": len(builtin_data().oids),
        "TaskFunction": 4,
        "TaskTemplate": 4,
        "WorkflowTemplate": 2,
        "WorkflowTemplateNode": 20,
    }


def test_shipped_entries_are_updated_in_place_by_natural_key(db: None) -> None:
    load_builtin(now=NOW)
    serial = Oid.objects.get(brand__name="Huawei", name="ONT serial")
    Oid.objects.filter(pk=serial.pk).update(description="edited", transform="text")

    report = load_builtin(now=NOW)

    restored = Oid.objects.get(pk=serial.pk)
    assert (restored.description, restored.transform) == (serial.description, "hex_serial")
    assert report.catalog.updated["OIDs"] == 1


def test_the_operators_choice_of_default_task_template_survives_a_reload(db: None) -> None:
    load_builtin(now=NOW)
    TaskTemplate.objects.filter(name="Get").update(is_default=False)
    TaskTemplate.objects.filter(name="Simulated get").update(is_default=True)

    load_builtin(now=NOW)

    assert list(
        TaskTemplate.objects.filter(is_default=True).order_by("name").values_list("name", flat=True)
    ) == [
        "Discovery",
        "Simulated get",
    ]


def test_a_changed_shipped_template_node_reaches_the_applied_olts(db: None) -> None:
    load_builtin(now=NOW)
    template = WorkflowTemplate.objects.get(name="Huawei GPON")
    apply_template(template, [make_olt("olt-1")], now=NOW)
    data = copy.deepcopy(builtin_data())
    [huawei] = [entry for entry in data.workflow_templates if entry["name"] == "Huawei GPON"]
    [status] = [node for node in huawei["nodes"] if node["key"] == "status.run"]
    status["interval_seconds"] = 120

    report = load_builtin(data, now=NOW)

    assert report.nodes_updated == ["Huawei GPON/status.run"]
    assert SnmpJob.objects.get(node__key="status.run").interval_seconds == 120


def test_default_templates_poll_at_the_agreed_intervals(db: None) -> None:
    load_builtin(now=NOW)

    for name in ("Huawei GPON", "ZTE GPON"):
        intervals = dict(
            WorkflowTemplate.objects.get(name=name).nodes.values_list("key", "interval_seconds")
        )
        assert intervals["discovery.onus"] == 180
        assert intervals["status.run"] == 60
        assert (
            intervals["optical.rx"] == intervals["optical.tx"] == intervals["optical.olt_rx"] == 300
        )
        assert {key for key, seconds in intervals.items() if seconds == 3600} == {
            "info.serial",
            "info.description",
            "info.model",
            "info.distance",
            "status.last_down_cause",
        }


@pytest.mark.parametrize(
    ("formula", "index", "position"),
    [
        ("huawei-gpon", "4194312448.5", (0, 1, 1, 5)),
        ("huawei-gpon", "4194304000.0", (0, 0, 0, 0)),
        ("zte-gpon-zxgpon", "268501248.3", (1, 1, 1, 3)),
        ("zte-gpon-zxgpon", "268566784.9", (1, 2, 1, 9)),
        ("zte-gpon-zxan", "285278465.3", (1, 1, 1, 3)),
        ("zte-gpon-zxan", "285278977.12", (1, 3, 1, 12)),
    ],
)
def test_the_shipped_index_formulas_decode_known_indexes(
    db: None, formula: str, index: str, position: tuple[int, int, int, int]
) -> None:
    load_builtin(now=NOW)
    layout = IndexFormula.objects.get(name=formula).layout()

    decoded = layout.decode(index)

    assert (decoded.frame, decoded.slot, decoded.port, decoded.onu_id) == position
    assert layout.encode(decoded) == index


def test_the_shipped_oids_have_the_expected_transforms(db: None) -> None:
    load_builtin(now=NOW)
    huawei = {o.target_field or o.kind: o for o in Oid.objects.filter(brand__name="Huawei")}
    zte = {o.target_field or o.kind: o for o in Oid.objects.filter(brand__name="ZTE")}

    assert huawei["rx_power"].transform_params == {
        "factor": 0.01,
        "unit": "dBm",
        "no_reading": [2147483647],
    }
    assert huawei["serial"].transform == "hex_serial"
    assert huawei["run_status"].transform_params["map"]["1"] == "online"
    assert huawei["distance"].transform_params["unit"] == "m"
    assert zte["olt_rx_power"].index_formula.name == "zte-gpon-zxan"
    assert zte["rx_power"].index_suffix == "1"
    assert all(oid.model_id is None for oid in (*huawei.values(), *zte.values()))
    for oid in Oid.objects.all():
        oid.full_clean()
        assert oid.description, oid.name


def test_a_brand_wide_oid_is_unique_per_brand(db: None) -> None:
    load_builtin(now=NOW)
    existing = Oid.objects.get(brand__name="Huawei", name="ONT serial")
    twin = Oid(
        brand=existing.brand,
        name="Serial again",
        oid=existing.oid,
        kind="get",
        target_field="serial2",
        transform="text",
    )

    with pytest.raises(ValidationError):
        twin.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
