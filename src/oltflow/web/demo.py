"""The demo of ``oltflow up --demo``: a simulated fleet, registered and polling at once.

``start_demo()`` starts simulated OLTs on loopback (mixed Huawei and ZTE, 64 to 512 ONUs each,
some churn, one slow OLT, one that never answers), registers them as OLTs, applies the built-in
workflow templates, asks every job to run now so the dashboard fills within a minute instead
of waiting for each job's first grid point, and makes sure a demo administrator exists. The
returned ``Demo`` keeps the fleet churning until ``stop()``.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from oltflow.catalog.builtin import HUAWEI, ZTE
from oltflow.catalog.models import Brand, OltModel
from oltflow.coordinator.services import run_now
from oltflow.inventory.models import Olt
from oltflow.jobs.models import SnmpJobHost
from oltflow.simulator.fleet import RunningFleet, start_fleet
from oltflow.simulator.spec import Fleet, SimulatedOlt
from oltflow.workflows.models import WorkflowTemplate
from oltflow.workflows.services import apply_template, sync_olt

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]

DEMO_USER = "demo"
PASSWORD_FILE = "demo-password"
CHURN_EVERY_SECONDS = 120.0

# Per vendor: the brand, the OLT model and the workflow template of the built-in catalog.
VENDOR_SETUP = {
    "huawei": (HUAWEI, "MA5800", "Huawei GPON"),
    "zte": (ZTE, "C320", "ZTE GPON"),
}

# Eight OLTs: (vendor, slots, ports per slot, ONUs per port, behaviour).
DEMO_OLTS = (
    ("huawei", 1, 8, 8, {}),  # 64 ONUs
    ("zte", 1, 8, 16, {}),  # 128
    ("huawei", 2, 8, 12, {"churn_epochs": 3, "churn_rate": 0.05}),  # 192, a little churn
    ("zte", 2, 8, 16, {}),  # 256
    ("huawei", 2, 10, 16, {"delay_s": 0.25}),  # 320, slow to answer
    ("zte", 3, 8, 16, {"churn_epochs": 3, "churn_rate": 0.03}),  # 384, a little churn
    ("huawei", 4, 8, 16, {}),  # 512
    ("zte", 1, 8, 8, {"responsive": False}),  # 64, never answers
)


def demo_fleet(count: int = len(DEMO_OLTS)) -> Fleet:
    """The demo's simulated OLTs: the first ``count`` of ``DEMO_OLTS``, repeated if needed."""
    olts = []
    for number in range(1, count + 1):
        vendor, slots, ports, onus, behaviour = DEMO_OLTS[(number - 1) % len(DEMO_OLTS)]
        kind = "down" if behaviour.get("responsive") is False else vendor
        olts.append(
            SimulatedOlt(
                f"demo-{kind}-{number:02d}",
                vendor=vendor,
                slots=slots,
                ports_per_slot=ports,
                onus_per_port=onus,
                seed=number,
                **behaviour,
            )
        )
    return Fleet(olts=tuple(olts), v3_user=None)


@dataclass
class Demo:
    """A running demo: the fleet, the OLT rows and the administrator's credentials."""

    fleet: RunningFleet
    olts: list[Olt]
    username: str
    password: str
    _stopping: threading.Event = field(default_factory=threading.Event)
    _churn: threading.Thread | None = None

    def start_churn(self, every_seconds: float = CHURN_EVERY_SECONDS) -> None:
        """Move the churning OLTs to their next data set every ``every_seconds``."""
        churning = [olt.name for olt in self.fleet.fleet.olts if olt.churn_epochs]
        if not churning:
            return

        def churn() -> None:
            while not self._stopping.wait(every_seconds):
                for name in churning:
                    epoch = self.fleet.advance_churn(name)
                    logger.info("Demo OLT %s moved to churn epoch %d", name, epoch)

        self._churn = threading.Thread(target=churn, name="oltflow-demo-churn", daemon=True)
        self._churn.start()

    def stop(self) -> None:
        """Stop churning and stop the simulated fleet (its processes included)."""
        self._stopping.set()
        if self._churn is not None:
            self._churn.join()
        self.fleet.stop()


def start_demo(count: int = len(DEMO_OLTS), *, progress: Progress | None = None) -> Demo:
    """Start the simulated fleet and set everything up around it; see the module's text."""
    say = progress or (lambda message: logger.info("%s", message))
    fleet = start_fleet(demo_fleet(count), progress=say)
    try:
        demo = prepare_demo(fleet, progress=say)
    except BaseException:
        fleet.stop()
        raise
    demo.start_churn()
    return demo


def prepare_demo(fleet: RunningFleet, *, progress: Progress | None = None) -> Demo:
    """Register a running fleet's OLTs, apply their templates, run every job now, and make
    sure the demo user exists. The fleet stays the caller's until ``Demo.stop()``."""
    say = progress or (lambda message: logger.info("%s", message))

    # Their OLT rows and workflows.
    olts = register_olts(fleet)
    say(f"Registered {len(olts)} OLTs and applied the built-in workflow templates")

    # Every job once now, discovery first (the claim orders by priority).
    hosts = list(SnmpJobHost.objects.filter(olt__in=olts, enabled=True).values_list("pk"))
    for (host_id,) in hosts:
        run_now(host_id)
    say(f"Asked {len(hosts)} jobs to run now")

    # Someone to sign in as.
    username, password = ensure_admin()
    return Demo(fleet=fleet, olts=olts, username=username, password=password)


def register_olts(fleet: RunningFleet) -> list[Olt]:
    """Create or update an OLT per simulated OLT, then apply its vendor's template."""
    olts: dict[str, list[Olt]] = {}
    with transaction.atomic():
        for simulated in fleet.fleet.olts:
            brand_name, model_name, template_name = VENDOR_SETUP[simulated.vendor]
            brand = Brand.objects.get(name=brand_name)
            olt, _ = Olt.objects.update_or_create(
                name=simulated.name,
                defaults={
                    "brand": brand,
                    "model": OltModel.objects.get(brand=brand, name=model_name),
                    "host": fleet.host,
                    "snmp_port": fleet.port,
                    "snmp_version": "v2c",
                    "community": simulated.community,
                    "timeout_seconds": 2.0,
                    "retries": 1,
                    "max_repetitions": 25,
                    "max_varbinds": 50,
                    "enabled": True,
                    "description": "Simulated by oltflow up --demo",
                },
            )
            sync_olt(olt)
            olts.setdefault(template_name, []).append(olt)
        for template_name, group in olts.items():
            report = apply_template(WorkflowTemplate.objects.get(name=template_name), group)
            logger.info("Demo: %s", report.summary())
    return [olt for group in olts.values() for olt in group]


def ensure_admin() -> tuple[str, str]:
    """The demo superuser and its password, generated once and kept in OLTFLOW_HOME."""
    path = Path(settings.HOME) / PASSWORD_FILE
    if path.exists():
        password = path.read_text().strip()
    else:
        password = secrets.token_urlsafe(12)
        path.write_text(password + "\n")
        path.chmod(0o600)
    user, created = get_user_model().objects.get_or_create(
        username=DEMO_USER, defaults={"is_staff": True, "is_superuser": True}
    )
    if created or not user.check_password(password):
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        logger.info("Demo user %s %s", user.pk, "created" if created else "password reset")
    return DEMO_USER, password
