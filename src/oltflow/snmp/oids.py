"""Numeric OID strings."""

from __future__ import annotations

import re

from oltflow.snmp.errors import SnmpConfigError

#: sysUpTime.0, the cheap object every agent answers; used to tell a dead agent from a bad PDU.
SYS_UPTIME = "1.3.6.1.2.1.1.3.0"

_CANONICAL = re.compile(r"(?:0|[1-9][0-9]*)(?:\.(?:0|[1-9][0-9]*))+")


def normalize_oid(oid: str) -> str:
    """Return ``oid`` without a leading dot, after checking it is a numeric OID.

    Raises ``SnmpConfigError`` (a ``ValueError``) for anything else, naming the bad part.
    """
    text = oid[1:] if oid.startswith(".") else oid
    if _CANONICAL.fullmatch(text):
        return text
    text = text.strip().lstrip(".")
    parts = text.split(".")
    if len(parts) < 2:
        raise SnmpConfigError(f"OID {oid!r} needs at least two numeric parts")
    for part in parts:
        if not part.isdigit() or not part.isascii():
            raise SnmpConfigError(f"OID {oid!r} has a non-numeric part {part!r}")
    return ".".join(str(int(part)) for part in parts)
