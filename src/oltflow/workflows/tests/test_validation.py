"""Clear errors naming the field: on the models (full_clean) and through the services."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from oltflow.catalog.models import Brand, Oid, TaskTemplate
from oltflow.catalog.services import CatalogData, CatalogError, load_catalog
from oltflow.inventory.models import Olt
from oltflow.workflows.models import WorkflowTemplate, WorkflowTemplateNode
from oltflow.workflows.services import WorkflowError, apply_template, save_template_node
from oltflow.workflows.tests.factories import NOW, make_olt

HUAWEI_STATUS = "1.3.6.1.4.1.2011.6.128.1.1.2.46.1.15"


def fields_of(exc: ValidationError) -> set[str]:
    return set(exc.message_dict)


@pytest.fixture
def status_oid(catalog: None) -> Oid:
    return Oid.objects.get(brand__name="Huawei", oid=HUAWEI_STATUS)


def template_node(template: WorkflowTemplate, oid: Oid, **fields: object) -> WorkflowTemplateNode:
    values = {"key": "status.fast", "name": "Fast status", "interval_seconds": 30, **fields}
    return WorkflowTemplateNode(template=template, oid=oid, **values)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"interval_seconds": 0}, "interval_seconds"),
        ({"priority": 0}, "priority"),
        ({"priority": 101}, "priority"),
        ({"key": "Status Fast"}, "key"),
        ({"key": "status.run"}, "key"),
        ({"parameters": [1, 2]}, "parameters"),
    ],
)
def test_a_bad_template_node_names_the_field(
    template: WorkflowTemplate, status_oid: Oid, fields: dict, field: str
) -> None:
    node = template_node(template, status_oid, **fields)

    with pytest.raises(ValidationError) as model_error:
        node.full_clean()
    with pytest.raises(WorkflowError) as service_error:
        save_template_node(node, now=NOW)

    assert field in fields_of(model_error.value)
    assert f"{field}:" in str(service_error.value)
    assert repr(node.key) in str(service_error.value)


def test_a_node_cannot_run_after_a_node_of_another_template(
    template: WorkflowTemplate, status_oid: Oid
) -> None:
    other = WorkflowTemplate.objects.create(name="Other")
    master = WorkflowTemplateNode.objects.create(
        template=other, key="status.run", name="Status", oid=status_oid, interval_seconds=60
    )
    node = template_node(template, status_oid, run_after=master)

    with pytest.raises(ValidationError) as model_error:
        node.full_clean()
    with pytest.raises(WorkflowError, match="run_after"):
        save_template_node(node, now=NOW)

    assert "run_after" in fields_of(model_error.value)
    assert not template.nodes.filter(key="status.fast").exists()


def test_a_task_template_of_another_kind_is_refused_on_the_node(
    template: WorkflowTemplate, status_oid: Oid
) -> None:
    node = template_node(
        template, status_oid, task_template=TaskTemplate.objects.get(name="Discovery")
    )

    with pytest.raises(ValidationError) as model_error:
        node.full_clean()

    assert "task_template" in fields_of(model_error.value)


def test_an_invalid_node_saved_behind_the_services_back_is_refused_at_apply(
    template: WorkflowTemplate, status_oid: Oid
) -> None:
    WorkflowTemplateNode.objects.create(
        template=template, key="status.zero", name="Zero", oid=status_oid, interval_seconds=0
    )
    olt = make_olt("olt-a")

    with pytest.raises(WorkflowError) as error:
        apply_template(template, [olt], now=NOW)

    assert "status.zero" in str(error.value)
    assert "interval_seconds" in str(error.value)


@pytest.mark.parametrize("text", ["1.3.6.1.4.1..2011", ".1.3.6.1", "iso.3.6.1", "1.3.6.x", "4.1.2"])
def test_a_malformed_oid_is_refused_naming_the_field(catalog: None, text: str) -> None:
    oid = Oid(
        brand=Brand.objects.get(name="Huawei"),
        name="Bad",
        oid=text,
        kind="get",
        target_field="bad",
        transform="text",
    )

    with pytest.raises(ValidationError) as error:
        oid.full_clean()

    assert "oid" in fields_of(error.value)


def test_a_malformed_oid_stored_behind_the_catalogs_back_is_refused_at_apply(
    template: WorkflowTemplate,
) -> None:
    Oid.objects.filter(brand__name="Huawei", name="ONT serial").update(oid="1.3.6..1")
    olt = make_olt("olt-a")

    with pytest.raises(WorkflowError) as error:
        apply_template(template, [olt], now=NOW)

    assert "ONT serial" in str(error.value)
    assert "oid:" in str(error.value)


@pytest.mark.parametrize(
    ("transform", "params", "word"),
    [
        ("scale", {"factor": 0.01, "divisor": 100}, "divisor"),
        ("scale", {"unit": "dBm"}, "factor"),
        ("text", {"unit": "m"}, "unit"),
        ("enum", {"map": {"1": "up"}, "colour": "red"}, "colour"),
        ("nonsense", {}, "nonsense"),
    ],
)
def test_unknown_transform_parameters_are_refused_naming_them(
    catalog: None, transform: str, params: dict, word: str
) -> None:
    oid = Oid(
        brand=Brand.objects.get(name="Huawei"),
        name="Levels",
        oid="1.3.6.1.4.1.2011.6.128.1.1.2.51.1.99",
        kind="get",
        target_field="levels",
        transform=transform,
        transform_params=params,
    )

    with pytest.raises(ValidationError) as error:
        oid.full_clean()

    assert word in str(error.value)
    assert fields_of(error.value) & {"transform", "transform_params"}


def test_the_catalog_loader_refuses_a_bad_entry_naming_it(catalog: None) -> None:
    data = CatalogData(
        oids=[
            {
                "brand": "Huawei",
                "name": "Broken levels",
                "oid": "1.3.6.1.4.1.2011.6.128.1.1.2.51.1.98",
                "kind": "get",
                "target_field": "levels",
                "transform": "scale",
                "transform_params": {"factor": 0.01, "divisor": 100},
            }
        ]
    )

    with pytest.raises(CatalogError) as error:
        load_catalog(data)

    assert "divisor" in str(error.value)
    assert "transform_params" in str(error.value)
    assert not Oid.objects.filter(name="Broken levels").exists()


def test_snmpv3_without_a_user_is_refused_on_the_olt_and_at_apply(
    template: WorkflowTemplate,
) -> None:
    olt = make_olt("olt-v3")
    Olt.objects.filter(pk=olt.pk).update(snmp_version="v3", v3_user="", community="")
    olt.refresh_from_db()

    with pytest.raises(ValidationError) as model_error:
        olt.full_clean()
    with pytest.raises(WorkflowError) as service_error:
        apply_template(template, [olt], now=NOW)

    assert "v3_user" in fields_of(model_error.value)
    assert "olt-v3" in str(service_error.value)
    assert "v3_user:" in str(service_error.value)


def test_a_second_enabled_default_task_template_for_a_kind_is_refused(catalog: None) -> None:
    second = TaskTemplate(
        name="Another get", function=TaskTemplate.objects.get(name="Get").function, is_default=True
    )

    with pytest.raises(ValidationError) as error:
        second.full_clean()

    assert "is_default" in fields_of(error.value)
    assert "'Get'" in str(error.value)
