"""``oltflow up`` and the demo's fleet, without starting the product."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from oltflow.web.demo import demo_fleet


def test_demo_fleet_is_mixed_sized_and_has_its_troublemakers() -> None:
    fleet = demo_fleet()

    assert len(fleet.olts) == 8
    assert {olt.vendor for olt in fleet.olts} == {"huawei", "zte"}
    assert all(64 <= olt.onu_count <= 512 for olt in fleet.olts)
    assert {olt.onu_count for olt in fleet.olts} >= {64, 512}
    assert sum(1 for olt in fleet.olts if not olt.responsive) == 1
    assert sum(1 for olt in fleet.olts if olt.delay_s > 0) == 1
    assert any(olt.churn_epochs for olt in fleet.olts)


def test_up_refuses_in_process_workers_with_a_broker(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        OLTFLOW_HOME=str(tmp_path),
        OLTFLOW_BROKER_URL="redis://127.0.0.1:6379/0",
        OLTFLOW_DATABASE_URL="postgres://postgres@127.0.0.1:5432/oltflow_elsewhere",
    )

    done = subprocess.run(
        [sys.executable, "-m", "oltflow", "up"], env=env, capture_output=True, text=True, timeout=60
    )

    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    for command in ("oltflow web", "oltflow coordinator", "oltflow worker"):
        assert command in lines[0]
