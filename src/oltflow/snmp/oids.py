"""Numeric OID strings: normalisation and ordering."""

from __future__ import annotations

from oltflow.snmp.errors import SnmpConfigError

#: sysUpTime.0, the cheap object every agent answers; used to tell a dead agent from a bad PDU.
SYS_UPTIME = "1.3.6.1.2.1.1.3.0"


def normalize_oid(oid: str) -> str:
    """Return ``oid`` without a leading dot, after checking it is a numeric OID.

    Raises ``SnmpConfigError`` (a ``ValueError``) for anything else, naming the bad part.
    """
    text = oid.strip()
    if text.startswith("."):
        text = text[1:]
    parts = text.split(".")
    if len(parts) < 2:
        raise SnmpConfigError(f"OID {oid!r} needs at least two numeric parts")
    for part in parts:
        if not part.isdigit() or not part.isascii():
            raise SnmpConfigError(f"OID {oid!r} has a non-numeric part {part!r}")
    return ".".join(str(int(part)) for part in parts)


def oid_key(oid: str) -> tuple[int, ...]:
    """The sort key of a numeric OID: lexicographic order of its sub-identifiers."""
    return tuple(int(part) for part in oid.split("."))


def is_under(oid: str, prefix: str) -> bool:
    """Whether ``oid`` lies strictly inside the subtree ``prefix``."""
    return oid.startswith(prefix + ".")
