"""From an OLT row to the ``SnmpTarget`` the SNMP client talks to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from oltflow.snmp.target import SnmpTarget

if TYPE_CHECKING:
    from oltflow.inventory.models import Olt


def olt_target(olt: Olt) -> SnmpTarget:
    """The SNMP settings of ``olt``.

    Raises ``SnmpConfigError`` when they do not make a valid target; its message names the
    setting at fault, never a secret (and the target's ``repr`` hides them too).
    """
    return SnmpTarget(
        host=olt.host,
        port=olt.snmp_port,
        version=olt.snmp_version,
        community=olt.community,
        user=olt.v3_user,
        auth_protocol=olt.v3_auth_protocol,
        auth_key=olt.v3_auth_key,
        priv_protocol=olt.v3_priv_protocol,
        priv_key=olt.v3_priv_key,
        timeout=olt.timeout_seconds,
        retries=olt.retries,
        max_repetitions=olt.max_repetitions,
        max_varbinds=olt.max_varbinds,
        rate_limit=olt.request_rate,
    )
