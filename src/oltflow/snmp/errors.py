"""The SNMP layer's own exceptions.

Callers never see gufo-snmp's exceptions: the client translates them into these. Every class
says whether trying again later can help (``retryable``): a timeout or an unreachable agent may
pass, a wrong password or a broken agent will not.
"""

from __future__ import annotations

from typing import Any


class SnmpError(Exception):
    """Base class of every error raised by ``oltflow.snmp``.

    ``partial`` carries what was read before the failure (walk rows or a ``GetResult``) when
    the operation got that far, else ``None``.
    """

    retryable: bool = False

    def __init__(self, message: str, *, partial: Any = None) -> None:
        super().__init__(message)
        self.partial = partial


class SnmpTimeoutError(SnmpError):
    """The agent did not answer within the timeout, after every retry."""

    retryable = True


class SnmpUnreachableError(SnmpError):
    """The request could not reach an agent (ICMP port unreachable, no route, bad address)."""

    retryable = True


class SnmpAuthError(SnmpError):
    """SNMPv3 authentication or privacy failed (unknown user, wrong key, wrong protocol)."""


class SnmpNoSuchObjectError(SnmpError):
    """The agent answered noSuchObject or noSuchInstance for a single requested OID."""


class SnmpMalformedAnswerError(SnmpError):
    """The answer could not be decoded, or did not fit the client's receive buffer."""


class SnmpWalkLoopError(SnmpError):
    """A walk received an OID that is not greater than the previous one (a broken agent)."""


class SnmpWalkLimitError(SnmpError):
    """A walk hit one of its guards: the deadline or the row cap."""


class SnmpDeadlineError(SnmpWalkLimitError):
    """A walk did not finish before its deadline."""


class SnmpRowLimitError(SnmpWalkLimitError):
    """A walk returned more rows than its cap allows."""


class SnmpConfigError(SnmpError, ValueError):
    """An SNMP target or request was configured with an invalid value."""
