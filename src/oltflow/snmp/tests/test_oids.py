"""Numeric OID normalisation."""

from __future__ import annotations

import pytest

from oltflow.snmp import SnmpConfigError
from oltflow.snmp.oids import normalize_oid


@pytest.mark.parametrize(
    ("oid", "normal"),
    [
        ("1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.5.0"),
        (".1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.5.0"),
        (" .1.3.6.01.2 ", "1.3.6.1.2"),
        ("1.3", "1.3"),
    ],
)
def test_numeric_oids_lose_their_leading_dot(oid: str, normal: str) -> None:
    assert normalize_oid(oid) == normal


@pytest.mark.parametrize(
    ("oid", "message"),
    [
        ("1", "at least two"),
        ("", "at least two"),
        ("1.3.x", "'x'"),
        ("1..3", "''"),
        ("sysName.0", "'sysName'"),
        ("1.3.-6", "'-6'"),
    ],
)
def test_anything_else_is_refused(oid: str, message: str) -> None:
    with pytest.raises(SnmpConfigError, match=message):
        normalize_oid(oid)
