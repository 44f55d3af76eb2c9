"""oltflow's SNMP layer: client, typed errors, index decoding and value transforms.

Plain Python on gufo-snmp; nothing here imports Django.
"""

from oltflow.snmp.client import GetResult, SnmpClient, SnmpValue
from oltflow.snmp.errors import (
    SnmpAuthError,
    SnmpConfigError,
    SnmpDeadlineError,
    SnmpError,
    SnmpMalformedAnswerError,
    SnmpNoSuchObjectError,
    SnmpRowLimitError,
    SnmpTimeoutError,
    SnmpUnreachableError,
    SnmpWalkLimitError,
    SnmpWalkLoopError,
)
from oltflow.snmp.index import IndexDecodeError, IndexLayout, OnuPosition
from oltflow.snmp.target import SnmpTarget

__all__ = [
    "GetResult",
    "IndexDecodeError",
    "IndexLayout",
    "OnuPosition",
    "SnmpAuthError",
    "SnmpClient",
    "SnmpConfigError",
    "SnmpDeadlineError",
    "SnmpError",
    "SnmpMalformedAnswerError",
    "SnmpNoSuchObjectError",
    "SnmpRowLimitError",
    "SnmpTarget",
    "SnmpTimeoutError",
    "SnmpUnreachableError",
    "SnmpValue",
    "SnmpWalkLimitError",
    "SnmpWalkLoopError",
]
