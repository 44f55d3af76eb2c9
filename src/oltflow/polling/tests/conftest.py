"""Fixtures of the polling tests: the built-in catalog, test settings and a fleet of our own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command

from oltflow.polling.tests.helpers import POLLING_FLEET
from oltflow.simulator.fleet import RunningFleet
from oltflow.simulator.spec import Fleet


@pytest.fixture(autouse=True)
def _polling_settings(settings: Any) -> None:
    # No minimum gap between claims of one job host; no heartbeat thread during short runs.
    settings.OLTFLOW = {**settings.OLTFLOW, "MIN_GAP_SECONDS": 0, "HEARTBEAT_SECONDS": 3600}


@pytest.fixture
def catalog(db: None) -> None:
    call_command("load_catalog", verbosity=0)


@pytest.fixture(scope="session")
def polling_fleet(
    snmp_fleet_factory: Callable[[Fleet], RunningFleet],
) -> RunningFleet:
    return snmp_fleet_factory(POLLING_FLEET)
