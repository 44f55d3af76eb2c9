"""Test data shared by the web, API and metrics tests: a small catalog, OLTs with compiled jobs,
ONUs with values and history, and executions in every state.

Rows are built with the models and the jobs app's ``compile_node`` service, as the product
builds them, so the pages and endpoints under test read realistic data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from oltflow.catalog.choices import Kind, Runner, Transform
from oltflow.catalog.models import Brand, IndexFormula, Oid, OltModel, TaskFunction, TaskTemplate
from oltflow.inventory.models import Olt, Onu, OnuSample, OnuValue
from oltflow.jobs.choices import ExecutionStatus
from oltflow.jobs.models import Execution, SnmpJobHost
from oltflow.workflows.models import (
    OltWorkflow,
    WorkflowNode,
    WorkflowTemplate,
    WorkflowTemplateNode,
)

PASSWORD = "correct horse battery staple"


@dataclass
class World:
    brand: Brand
    formula: IndexFormula
    model: OltModel
    discovery_oid: Oid
    rx_oid: Oid
    template: WorkflowTemplate
    olts: list[Olt] = field(default_factory=list)
    now: datetime = field(default_factory=timezone.now)

    def host(self, olt: Olt, kind: str) -> SnmpJobHost:
        return SnmpJobHost.objects.select_related("job").get(olt=olt, job__kind=kind)


def build_catalog() -> dict[str, object]:
    brand = Brand.objects.create(name="Huawei")
    formula = IndexFormula.objects.create(
        name="huawei-gpon", brand=brand, base=4194304000, slot_step=8192, port_step=256
    )
    model = OltModel.objects.create(brand=brand, name="MA5800", index_formula=formula)
    discovery_oid = Oid.objects.create(
        name="ONU table",
        oid="1.3.6.1.4.1.2011.6.128.1.1.2.46.1.15",
        brand=brand,
        kind=Kind.DISCOVERY,
    )
    rx_oid = Oid.objects.create(
        name="ONU RX power",
        oid="1.3.6.1.4.1.2011.6.128.1.1.2.51.1.4",
        brand=brand,
        kind=Kind.GET,
        target_field="rx_power",
        transform=Transform.SCALE,
        transform_params={"factor": 0.01},
    )
    for kind, runner in ((Kind.DISCOVERY, Runner.SIMULATE), (Kind.GET, Runner.SIMULATE)):
        function = TaskFunction.objects.create(name=f"{kind} (simulated)", kind=kind, runner=runner)
        TaskTemplate.objects.create(name=f"{kind} default", function=function, is_default=True)
    return {
        "brand": brand,
        "formula": formula,
        "model": model,
        "discovery_oid": discovery_oid,
        "rx_oid": rx_oid,
    }


def add_olt(world: World, name: str, *, onus: int = 0, index: int = 0) -> Olt:
    """An OLT with the world's template applied (nodes compiled into jobs) and ``onus`` ONUs."""
    from oltflow.jobs.services import compile_node

    olt = Olt.objects.create(
        name=name,
        brand=world.brand,
        model=world.model,
        host=f"192.0.2.{index + 1}",
        community="s3cret-community",
    )
    workflow = OltWorkflow.objects.create(olt=olt, template=world.template)
    nodes = {}
    masters_first = sorted(
        world.template.nodes.all(), key=lambda n: (n.run_after_id is not None, n.key)
    )
    for template_node in masters_first:
        nodes[template_node.pk] = WorkflowNode.objects.create(
            workflow=workflow,
            template_node=template_node,
            key=template_node.key,
            name=template_node.name,
            oid=template_node.oid,
            interval_seconds=template_node.interval_seconds,
            priority=template_node.priority,
            run_after=nodes.get(template_node.run_after_id),
        )
        compile_node(nodes[template_node.pk], now=world.now)
    for n in range(onus):
        add_onu(world, olt, slot=n // 16, port=n % 16 // 4, onu_id=n % 4)
    world.olts.append(olt)
    return olt


def add_onu(
    world: World,
    olt: Olt,
    *,
    slot: int,
    port: int,
    onu_id: int,
    present: bool = True,
    serial: str | None = None,
    rx_power: float | None = None,
) -> Onu:
    ifindex = 4194304000 + slot * 8192 + port * 256
    onu = Onu.objects.create(
        olt=olt,
        raw_index=f"{ifindex}.{onu_id}",
        frame=0,
        slot=slot,
        port=port,
        onu_id=onu_id,
        present=present,
        first_seen_at=world.now - timedelta(days=1),
        last_seen_at=world.now,
    )
    serial = serial or f"HWTC{olt.pk:02X}{slot:02X}{port:02X}{onu_id:02X}"
    rx = rx_power if rx_power is not None else -18.0 - slot - port / 10 - onu_id / 100
    values = {
        "serial": (serial, None),
        "description": (f"customer {olt.name}-{slot}-{port}-{onu_id}", None),
        "run_status": ("online" if present else "offline", None),
        "rx_power": (f"{rx:.2f}", rx),
    }
    OnuValue.objects.bulk_create(
        OnuValue(onu=onu, field=name, text=text, number=number, updated_at=world.now)
        for name, (text, number) in values.items()
    )
    return onu


def add_samples(world: World, onu: Onu, count: int, *, every: timedelta) -> None:
    OnuSample.objects.bulk_create(
        OnuSample(
            onu=onu,
            field="rx_power",
            number=-20.0 + (i % 7) / 10,
            sampled_at=world.now - every * (count - i),
        )
        for i in range(count)
    )


def add_execution(
    world: World,
    olt: Olt,
    kind: str,
    status: str,
    *,
    ago: timedelta = timedelta(minutes=5),
    duration: float = 2.0,
    late: float = 0.5,
    error: str = "",
    summary: dict | None = None,
) -> Execution:
    host = world.host(olt, kind)
    due = world.now - ago
    started = due + timedelta(seconds=late)
    ended = status not in (ExecutionStatus.PENDING, ExecutionStatus.RUNNING)
    return Execution.objects.create(
        job_host=host,
        olt=olt,
        kind=kind,
        status=status,
        queue=f"{kind}_main",
        due_at=due,
        created_at=due,
        started_at=None if status == ExecutionStatus.PENDING else started,
        finished_at=started + timedelta(seconds=duration) if ended else None,
        duration_seconds=duration if ended else None,
        error=error,
        summary=summary if summary is not None else {},
    )


@pytest.fixture
def world(db: None) -> World:
    """Three OLTs (two ONUs-rich, one empty) with a discovery-then-get template applied."""
    catalog = build_catalog()
    template = WorkflowTemplate.objects.create(name="Huawei basic")
    discovery = WorkflowTemplateNode.objects.create(
        template=template,
        key="discovery.onus",
        name="ONU discovery",
        oid=catalog["discovery_oid"],
        interval_seconds=300,
    )
    WorkflowTemplateNode.objects.create(
        template=template,
        key="get.rx_power",
        name="RX power",
        oid=catalog["rx_oid"],
        interval_seconds=60,
        run_after=discovery,
    )
    world = World(template=template, **catalog)
    add_olt(world, "olt-a", onus=40, index=0)
    add_olt(world, "olt-b", onus=8, index=1)
    add_olt(world, "olt-c", onus=0, index=2)
    return world


def make_user(username: str, *, superuser: bool = False, group: str | None = None) -> User:
    if superuser:
        user = User.objects.create_superuser(username, f"{username}@example.net", PASSWORD)
    else:
        user = User.objects.create_user(username, f"{username}@example.net", PASSWORD)
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def admin_user(db: None) -> User:
    return make_user("operator", superuser=True)


@pytest.fixture
def reader(db: None) -> User:
    return make_user("reader", group="readers")


@pytest.fixture
def browser(client: Client, admin_user: User) -> Client:
    """Django's test client signed in as a superuser, as the dashboard's user."""
    client.force_login(admin_user)
    return client


@pytest.fixture
def api(admin_user: User) -> APIClient:
    """An API client signed in as a superuser, by token as scripts do."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=admin_user).key}")
    return client


@pytest.fixture
def reader_api(reader: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(reader)
    return client
