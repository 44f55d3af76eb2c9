"""Starting and steering a simulated fleet: snmpsim behind the relay, on loopback.

``start_fleet(Fleet(...))`` writes one ``.snmprec`` file per OLT and churn epoch, starts one
snmpsim process on a private port and the relay (``oltflow.simulator.relay``) on the fleet's
public port, waits until both answer, and returns a ``RunningFleet``. Every OLT answers on
that one port under its own community; the running fleet can then delay an OLT, silence it or
move it to its next churn epoch, which takes effect on the next request.
"""

from __future__ import annotations

import json
import logging
import os
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any

import oltflow
from oltflow.simulator import population, snmprec, vendors
from oltflow.simulator.population import SimOnu
from oltflow.simulator.relay import epoch_community
from oltflow.simulator.spec import Fleet
from oltflow.snmp.client import SnmpClient
from oltflow.snmp.errors import SnmpError
from oltflow.snmp.target import SnmpTarget

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


def free_udp_port(host: str = "127.0.0.1") -> int:
    """A UDP port nothing listens on right now (another process may take it later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    # snmpsim refuses to run as root unless told; it then cannot read a Python under /root.
    env["SNMPSIM_ALLOW_ROOT"] = "true"
    package_root = str(Path(oltflow.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    return env


def write_data(fleet: Fleet, data_dir: Path) -> dict[str, int]:
    """Write every OLT's data files into ``data_dir``; return records written per file."""
    data_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    for olt in fleet.olts:
        if not olt.responsive:
            continue
        for epoch in range(olt.churn_epochs + 1):
            records = vendors.olt_records(olt, population.onus(olt, epoch))
            name = epoch_community(olt.name, epoch)
            written[name] = snmprec.write(data_dir / f"{name}.snmprec", records)
    v3_olt = fleet.v3_olt_name
    if v3_olt is not None and fleet.olt(v3_olt).responsive:
        # snmpsim serves SNMPv3's empty context from "self.snmprec"; a hard link shares data.
        link = data_dir / "self.snmprec"
        link.unlink(missing_ok=True)
        os.link(data_dir / f"{v3_olt}.snmprec", link)
    return written


class RunningFleet:
    """A started fleet: where it answers, and how to steer it. Stop it with ``stop()``."""

    def __init__(
        self,
        fleet: Fleet,
        port: int,
        workdir: Path,
        processes: list[subprocess.Popen[bytes]],
        remove_workdir: bool,
    ) -> None:
        self.fleet = fleet
        self.host = fleet.host
        self.port = port
        self.workdir = workdir
        #: A port nobody serves: requests to it are refused at once (ICMP port unreachable).
        self.closed_port = free_udp_port(fleet.host)
        self._processes = processes
        self._remove_workdir = remove_workdir
        self._epochs = {olt.name: 0 for olt in fleet.olts}
        self._delays = {olt.name: olt.delay_s for olt in fleet.olts}
        self._silent = {olt.name: not olt.responsive for olt in fleet.olts}
        self._write_state()

    # Where to reach the OLTs

    @property
    def communities(self) -> dict[str, str]:
        """OLT name to SNMP community (the same string)."""
        return {olt.name: olt.community for olt in self.fleet.olts}

    def target(self, name: str, **overrides: Any) -> SnmpTarget:
        """An SNMPv2c target for OLT ``name``; keyword arguments override any field."""
        olt = self.fleet.olt(name)
        settings: dict[str, Any] = {
            "host": self.host,
            "port": self.port,
            "version": "v2c",
            "community": olt.community,
            "timeout": 1.0,
            "retries": 1,
            "max_varbinds": min(50, self.fleet.max_varbinds),
        }
        settings.update(overrides)
        return SnmpTarget(**settings)

    def v3_target(self, **overrides: Any) -> SnmpTarget:
        """An SNMPv3 target with the fleet's user (answers as ``fleet.v3_olt_name``)."""
        user = self.fleet.v3_user
        if user is None or self.fleet.v3_olt_name is None:
            raise ValueError("this fleet serves no SNMPv3 user")
        settings: dict[str, Any] = {
            "version": "v3",
            "user": user.name,
            "auth_protocol": user.auth_protocol,
            "auth_key": user.auth_key if user.auth_protocol != "none" else "",
        }
        settings.update(overrides)
        return self.target(self.fleet.v3_olt_name, **settings)

    def describe(self) -> dict[str, Any]:
        """A JSON-ready summary: address, communities, sizes and the v3 user."""
        user = self.fleet.v3_user
        return {
            "host": self.host,
            "port": self.port,
            "closed_port": self.closed_port,
            "olts": [
                {
                    "name": olt.name,
                    "vendor": olt.vendor,
                    "community": olt.community,
                    "onus": olt.onu_count,
                    "responsive": olt.responsive,
                    "delay_s": olt.delay_s,
                    "churn_epochs": olt.churn_epochs,
                }
                for olt in self.fleet.olts
            ],
            "v3": None
            if user is None
            else {
                "user": user.name,
                "auth_protocol": user.auth_protocol,
                "olt": self.fleet.v3_olt_name,
            },
        }

    # Ground truth

    def epoch(self, name: str) -> int:
        return self._epochs[name]

    def onus(self, name: str) -> list[SimOnu]:
        """The ONUs OLT ``name`` reports now (in its current churn epoch)."""
        return population.onus(self.fleet.olt(name), self._epochs[name])

    # Steering

    def advance_churn(self, name: str) -> int:
        """Move OLT ``name`` to its next churn epoch (wrapping to 0); return the new epoch."""
        olt = self.fleet.olt(name)
        if olt.churn_epochs == 0:
            raise ValueError(f"OLT {name!r} has no churn epochs")
        return self.set_epoch(name, (self._epochs[name] + 1) % (olt.churn_epochs + 1))

    def set_epoch(self, name: str, epoch: int) -> int:
        olt = self.fleet.olt(name)
        if not 0 <= epoch <= olt.churn_epochs:
            raise ValueError(f"epoch {epoch} is outside 0..{olt.churn_epochs} for {name!r}")
        self._epochs[name] = epoch
        self._write_state()
        return epoch

    def set_delay(self, name: str, seconds: float) -> None:
        """Delay every answer of OLT ``name`` by ``seconds``."""
        self.fleet.olt(name)
        if seconds < 0:
            raise ValueError(f"delay {seconds} must not be negative")
        self._delays[name] = seconds
        self._write_state()

    def set_silent(self, name: str, silent: bool = True) -> None:
        """Make OLT ``name`` stop (or resume) answering; an unserved OLT stays silent."""
        olt = self.fleet.olt(name)
        self._silent[name] = silent or not olt.responsive
        self._write_state()

    def reset(self) -> None:
        """Back to the spec: epoch 0, the spec's delays and silences."""
        self._epochs = {olt.name: 0 for olt in self.fleet.olts}
        self._delays = {olt.name: olt.delay_s for olt in self.fleet.olts}
        self._silent = {olt.name: not olt.responsive for olt in self.fleet.olts}
        self._write_state()

    def _write_state(self) -> None:
        state = {
            "olts": {
                olt.name: {
                    "delay_s": self._delays[olt.name],
                    "silent": self._silent[olt.name],
                    "serve_as": epoch_community(olt.name, self._epochs[olt.name]),
                }
                for olt in self.fleet.olts
            },
            "v3": self.fleet.v3_olt_name,
        }
        path = self.workdir / "relay-state.json"
        scratch = path.with_suffix(".tmp")
        scratch.write_text(json.dumps(state, indent=1), encoding="utf-8")
        scratch.replace(path)

    # Life cycle

    @property
    def running(self) -> bool:
        return all(process.poll() is None for process in self._processes)

    def stop(self) -> None:
        """Stop the relay and snmpsim; remove the work directory if the fleet created it."""
        for process in self._processes:
            if process.poll() is None:
                process.terminate()
        for process in self._processes:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        self._processes = []
        if self._remove_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> RunningFleet:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _wait_for_agent(target: SnmpTarget, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"snmpsim exited with status {process.returncode} while starting")
        try:
            with SnmpClient(replace(target, timeout=0.3, retries=0)) as client:
                client.get_many(["1.3.6.1.2.1.1.3.0"])
            return
        except SnmpError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"snmpsim did not answer within {timeout:g} s") from None
            time.sleep(0.2)


def _read_line(process: subprocess.Popen[bytes], timeout: float) -> str:
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            raise RuntimeError(f"the relay did not start within {timeout:g} s")
    return process.stdout.readline().decode("utf-8", "replace").strip()


def start_fleet(
    fleet: Fleet,
    *,
    workdir: Path | None = None,
    start_timeout: float = 60.0,
    progress: Progress | None = None,
) -> RunningFleet:
    """Generate the data, start snmpsim and the relay, and return the running fleet."""
    say = progress or (lambda message: logger.info("%s", message))
    remove_workdir = workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="oltflow-sim-")) if workdir is None else workdir
    workdir.mkdir(parents=True, exist_ok=True)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        # Data files, one per OLT and churn epoch.
        started = time.monotonic()
        data_dir = workdir / "data"
        written = write_data(fleet, data_dir)
        say(
            f"Generated {sum(written.values())} records for {len(fleet.olts)} OLTs in "
            f"{time.monotonic() - started:.1f} s"
        )

        # snmpsim on a private port.
        agent_port = free_udp_port(fleet.host)
        log = (workdir / "snmpsim.log").open("wb")
        command = [
            sys.executable,
            "-c",
            "from oltflow.simulator.watchdog import watch_parent; watch_parent(); "
            "from snmpsim.commands.responder import main; raise SystemExit(main())",
            f"--data-dir={data_dir}",
            f"--cache-dir={workdir / 'cache'}",
            f"--agent-udpv4-endpoint={fleet.host}:{agent_port}",
            f"--max-var-binds={fleet.max_varbinds}",
            f"--logging-method=file:{workdir / 'snmpsim-events.log'}",
            "--log-level=error",
        ]
        if fleet.v3_user is not None:
            command.append(f"--v3-user={fleet.v3_user.name}")
            if fleet.v3_user.auth_protocol != "none":
                command.append(f"--v3-auth-key={fleet.v3_user.auth_key}")
                command.append(f"--v3-auth-proto={fleet.v3_user.auth_protocol.upper()}")
        say(f"Starting snmpsim on {fleet.host}:{agent_port}")
        # Own sessions: a terminal's Ctrl-C reaches oltflow, which stops the fleet last, after
        # the executions still using it have finished. They exit on their own if it dies.
        processes.append(
            subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=_child_env(),
                start_new_session=True,
            )
        )
        log.close()
        probe = next((olt for olt in fleet.olts if olt.responsive), None)
        if probe is not None:
            target = SnmpTarget(fleet.host, port=agent_port, community=probe.community)
            _wait_for_agent(target, processes[0], start_timeout)

        # The relay on the public port.
        state = workdir / "relay-state.json"
        state.write_text("{}", encoding="utf-8")
        relay = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "oltflow.simulator.relay",
                f"--listen={fleet.host}:{fleet.port}",
                f"--upstream={fleet.host}:{agent_port}",
                f"--state={state}",
            ],
            stdout=subprocess.PIPE,
            env=_child_env(),
            start_new_session=True,
        )
        processes.append(relay)
        line = _read_line(relay, start_timeout)
        if not line.startswith("listening "):
            raise RuntimeError(f"the relay did not start: {line!r}")
        port = int(line.rsplit(":", 1)[1])
        running = RunningFleet(fleet, port, workdir, processes, remove_workdir)
        (workdir / "fleet.json").write_text(json.dumps(running.describe(), indent=1))
        say(f"Serving {len(fleet.olts)} simulated OLTs on {fleet.host}:{port}")
        return running
    except BaseException:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=5)
        if remove_workdir:
            shutil.rmtree(workdir, ignore_errors=True)
        raise
