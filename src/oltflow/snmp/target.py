"""Where and how to reach one OLT's SNMP agent."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal

from oltflow.snmp.errors import SnmpConfigError

SnmpVersionName = Literal["v1", "v2c", "v3"]

VERSIONS = ("v1", "v2c", "v3")
AUTH_PROTOCOLS = ("none", "md5", "sha", "sha224", "sha256", "sha384", "sha512")
PRIV_PROTOCOLS = ("none", "des", "aes", "aes192", "aes256")

# Spellings operators use for the same protocol.
_AUTH_ALIASES = {"": "none", "sha1": "sha", "sha-1": "sha"}
_PRIV_ALIASES = {"": "none", "aes128": "aes", "aes-128": "aes"}

_SECRETS = frozenset({"community", "auth_key", "priv_key"})


@dataclass(frozen=True, repr=False)
class SnmpTarget:
    """An OLT's SNMP settings, validated on construction.

    ``timeout`` is per request in seconds; ``retries`` counts the extra attempts after a
    timeout; ``max_repetitions`` is the GETBULK size; ``max_varbinds`` caps the OIDs of one GET
    PDU; ``rate_limit`` caps requests per second for one client (``None``: no cap).

    Secrets (community, keys) never appear in ``repr`` or ``str``. Note that
    ``dataclasses.asdict`` does return them: it is meant for storage, not for logs.
    """

    host: str
    port: int = 161
    version: SnmpVersionName = "v2c"
    community: str = "public"
    user: str = ""
    auth_protocol: str = "none"
    auth_key: str = ""
    priv_protocol: str = "none"
    priv_key: str = ""
    timeout: float = 5.0
    retries: int = 1
    max_repetitions: int = 25
    max_varbinds: int = 50
    rate_limit: float | None = None

    def __post_init__(self) -> None:
        # Normalise protocol spellings before checking them (frozen: go through object).
        auth = _AUTH_ALIASES.get(self.auth_protocol.lower(), self.auth_protocol.lower())
        priv = _PRIV_ALIASES.get(self.priv_protocol.lower(), self.priv_protocol.lower())
        object.__setattr__(self, "auth_protocol", auth)
        object.__setattr__(self, "priv_protocol", priv)
        self._validate()

    def _validate(self) -> None:
        if not self.host:
            raise SnmpConfigError("host is empty")
        if not 0 < self.port < 65536:
            raise SnmpConfigError(f"port {self.port} is outside 1..65535")
        if self.version not in VERSIONS:
            raise SnmpConfigError(f"version {self.version!r} is not one of {', '.join(VERSIONS)}")
        if self.auth_protocol not in AUTH_PROTOCOLS:
            raise SnmpConfigError(
                f"auth_protocol {self.auth_protocol!r} is not one of {', '.join(AUTH_PROTOCOLS)}"
            )
        if self.priv_protocol not in PRIV_PROTOCOLS:
            raise SnmpConfigError(
                f"priv_protocol {self.priv_protocol!r} is not one of {', '.join(PRIV_PROTOCOLS)}"
            )
        if self.version == "v3":
            if not self.user:
                raise SnmpConfigError("user is required for SNMPv3")
            if self.auth_protocol != "none" and not self.auth_key:
                raise SnmpConfigError("auth_key is required when auth_protocol is set")
            if self.priv_protocol != "none":
                if self.auth_protocol == "none":
                    raise SnmpConfigError("priv_protocol needs an auth_protocol too")
                if not self.priv_key:
                    raise SnmpConfigError("priv_key is required when priv_protocol is set")
        if not self.timeout > 0:
            raise SnmpConfigError(f"timeout {self.timeout} must be positive")
        if self.retries < 0:
            raise SnmpConfigError(f"retries {self.retries} must not be negative")
        if not 1 <= self.max_repetitions <= 1000:
            raise SnmpConfigError(f"max_repetitions {self.max_repetitions} is outside 1..1000")
        if not 1 <= self.max_varbinds <= 1000:
            raise SnmpConfigError(f"max_varbinds {self.max_varbinds} is outside 1..1000")
        if self.rate_limit is not None and not self.rate_limit > 0:
            raise SnmpConfigError(f"rate_limit {self.rate_limit} must be positive or None")

    @property
    def address(self) -> str:
        """``host:port`` for messages."""
        return f"{self.host}:{self.port}"

    def __repr__(self) -> str:
        shown = []
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name in _SECRETS:
                shown.append(f"{item.name}={'<hidden>' if value else repr('')}")
            else:
                shown.append(f"{item.name}={value!r}")
        return f"SnmpTarget({', '.join(shown)})"

    __str__ = __repr__
