"""A private Net-SNMP ``snmpd`` on loopback, for benchmarks and SNMPv3 privacy tests.

snmpsim cannot serve SNMPv3 privacy and spends about a CPU-second per 2,000 varbinds; ``snmpd``
does both well. ``NetSnmpAgent`` writes its own configuration and persistent directory, runs
``snmpd`` in the foreground bound to one loopback port, and waits until it answers. Static
tables are served from ``override OID TYPE VALUE`` lines kept in a separate file loaded with
``includeFile`` (a plain ``include`` is silently ignored).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType

from oltflow.simulator.fleet import free_udp_port
from oltflow.snmp.client import SnmpClient
from oltflow.snmp.errors import SnmpError
from oltflow.snmp.target import SnmpTarget

logger = logging.getLogger(__name__)

_AUTH = {"md5": "MD5", "sha": "SHA", "sha256": "SHA-256", "sha512": "SHA-512"}
_PRIV = {"des": "DES", "aes": "AES"}


@dataclass(frozen=True)
class NetSnmpUser:
    """An SNMPv3 user of the agent; protocols use ``SnmpTarget`` spellings."""

    name: str
    auth_protocol: str = "sha"
    auth_key: str = "oltflow-auth-key"
    priv_protocol: str = "aes"
    priv_key: str = "oltflow-priv-key"

    @property
    def level(self) -> str:
        if self.priv_protocol != "none":
            return "priv"
        return "auth" if self.auth_protocol != "none" else "noauth"

    def config_lines(self) -> list[str]:
        create = f"createUser {self.name}"
        if self.auth_protocol != "none":
            create += f' {_AUTH[self.auth_protocol]} "{self.auth_key}"'
            if self.priv_protocol != "none":
                create += f' {_PRIV[self.priv_protocol]} "{self.priv_key}"'
        return [create, f"rouser {self.name} {self.level}"]


def override_line(oid: str, kind: str, value: int | str) -> str:
    """An ``override`` line; ``kind`` is integer, octet_str, counter, gauge, timeticks..."""
    if kind == "octet_str":
        return f'override .{oid} octet_str "{value}"'
    return f"override .{oid} {kind} {value}"


class NetSnmpAgent:
    """Runs ``snmpd`` for as long as the context lasts."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        community: str = "public",
        users: Sequence[NetSnmpUser] = (),
        overrides: Sequence[str] = (),
        start_timeout: float = 60.0,
        snmpd: str = "snmpd",
    ) -> None:
        if not host.startswith("127."):
            raise ValueError(f"host {host} must be a loopback address")
        self.host = host
        self.port = port or free_udp_port(host)
        self.community = community
        self.users = tuple(users)
        self.overrides = tuple(overrides)
        self.start_timeout = start_timeout
        self._snmpd = snmpd
        self._workdir: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    def target(self, **overrides: object) -> SnmpTarget:
        """A v2c target for this agent; keyword arguments override any field."""
        settings: dict[str, object] = {
            "host": self.host,
            "port": self.port,
            "community": self.community,
            "timeout": 2.0,
        }
        settings.update(overrides)
        return SnmpTarget(**settings)  # type: ignore[arg-type]

    def user_target(self, user: NetSnmpUser, **overrides: object) -> SnmpTarget:
        """An SNMPv3 target for one of the agent's users."""
        settings: dict[str, object] = {
            "version": "v3",
            "user": user.name,
            "auth_protocol": user.auth_protocol,
            "auth_key": user.auth_key if user.auth_protocol != "none" else "",
            "priv_protocol": user.priv_protocol,
            "priv_key": user.priv_key if user.priv_protocol != "none" else "",
        }
        settings.update(overrides)
        return self.target(**settings)

    def _config(self, workdir: Path) -> str:
        lines = [
            f"agentAddress udp:{self.host}:{self.port}",
            f"rocommunity {self.community} {self.host}",
            "sysLocation oltflow test lab",
            "sysContact oltflow",
            "sysServices 72",
        ]
        for user in self.users:
            lines.extend(user.config_lines())
        if self.overrides:
            data = workdir / "overrides.conf"
            data.write_text("\n".join(self.overrides) + "\n", encoding="ascii")
            lines.append(f"includeFile {data}")
        return "\n".join(lines) + "\n"

    def start(self) -> None:
        if shutil.which(self._snmpd) is None:
            raise RuntimeError(f"{self._snmpd} is not installed (Debian package snmpd)")
        self._workdir = Path(tempfile.mkdtemp(prefix="oltflow-snmpd-"))
        config = self._workdir / "snmpd.conf"
        config.write_text(self._config(self._workdir), encoding="ascii")
        (self._workdir / "persist").mkdir()
        (self._workdir / "mibs").mkdir()
        env = {
            "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
            "SNMP_PERSISTENT_DIR": str(self._workdir / "persist"),
            "MIBDIRS": str(self._workdir / "mibs"),
            "MIBS": "",
        }
        command = [self._snmpd, "-f", "-C", "-c", str(config), "-Lf", str(self._workdir / "log")]
        command += ["-p", str(self._workdir / "snmpd.pid")]
        logger.info("Starting snmpd on %s:%d", self.host, self.port)
        self._process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
        )
        try:
            self._wait()
        except BaseException:
            self.stop()
            raise

    def _wait(self) -> None:
        assert self._process is not None
        target = replace(self.target(), timeout=0.5, retries=0)
        deadline = time.monotonic() + self.start_timeout
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(f"snmpd exited with status {self._process.returncode}")
            try:
                with SnmpClient(target) as client:
                    client.get_many(["1.3.6.1.2.1.1.3.0"])
                return
            except SnmpError:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"snmpd did not answer within {self.start_timeout:g} s"
                    ) from None
                time.sleep(0.2)

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=5)
        self._process = None
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def __enter__(self) -> NetSnmpAgent:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
