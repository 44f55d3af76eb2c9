"""The only module that touches gufo-snmp: opening a session and translating its exceptions.

Facts about gufo-snmp 0.13 this module and the client rely on (checked against its source and
on loopback agents):

* ``gufo.snmp.sync.SnmpSession`` calls ``policer.wait_sync()`` before every request PDU it
  sends (GET, GETNEXT, each GETBULK); the hook policer below counts PDUs and applies our rate
  cap there.
* A timeout raises ``TimeoutError``; an ICMP port-unreachable raises
  ``TimeoutError("connection refused")`` at once; ``__enter__`` can leak ``BlockingIOError``.
* The receive buffer is 4080 bytes: a larger answer arrives truncated and fails to decode
  (``SnmpDecodeError("incomplete")``). A too-large request fails with ``SnmpEncodeError``.
* Error-status is ignored: varbinds answered noSuchObject, noSuchInstance, endOfMibView or
  echoed as NULL (v1 noSuchName, tooBig, genErr) are silently left out of ``get_many``.
* Any SNMPv3 REPORT PDU raises ``SnmpAuthError``.
"""

from __future__ import annotations

from collections.abc import Callable

import gufo.snmp as gufo
from gufo.snmp.policer import BasePolicer
from gufo.snmp.sync import SnmpSession

from oltflow.snmp.errors import (
    SnmpAuthError,
    SnmpConfigError,
    SnmpError,
    SnmpMalformedAnswerError,
    SnmpNoSuchObjectError,
    SnmpTimeoutError,
    SnmpUnreachableError,
)
from oltflow.snmp.target import SnmpTarget

_AUTH_KEYS: dict[str, type[gufo.BaseAuthKey]] = {
    "md5": gufo.Md5Key,
    "sha": gufo.Sha1Key,
    "sha224": gufo.Sha224Key,
    "sha256": gufo.Sha256Key,
    "sha384": gufo.Sha384Key,
    "sha512": gufo.Sha512Key,
}
_PRIV_KEYS: dict[str, type[gufo.BasePrivKey]] = {
    "des": gufo.DesKey,
    "aes": gufo.Aes128Key,
    "aes192": gufo.Aes192Key,
    "aes256": gufo.Aes256Key,
}
_VERSIONS = {"v1": gufo.SnmpVersion.v1, "v2c": gufo.SnmpVersion.v2c, "v3": gufo.SnmpVersion.v3}


class AnswerUndecodableError(SnmpMalformedAnswerError):
    """An answer failed to decode: truncated by the 4080-byte buffer, or really malformed."""


class RequestTooBigError(SnmpConfigError):
    """The request PDU does not fit gufo-snmp's 4080-byte send buffer."""


class _HookPolicer(BasePolicer):
    """Calls ``before_request`` before every PDU gufo-snmp sends."""

    def __init__(self, before_request: Callable[[], None]) -> None:
        self._before_request = before_request

    def get_timeout(self, ts: int) -> int | None:
        return None

    def wait_sync(self) -> None:
        self._before_request()


def _user(target: SnmpTarget) -> gufo.User:
    auth = None
    priv = None
    if target.auth_protocol != "none":
        auth = _AUTH_KEYS[target.auth_protocol](target.auth_key.encode())
    if target.priv_protocol != "none":
        priv = _PRIV_KEYS[target.priv_protocol](target.priv_key.encode())
    return gufo.User(target.user, auth_key=auth, priv_key=priv)


def open_session(target: SnmpTarget, before_request: Callable[[], None]) -> SnmpSession:
    """Create a gufo-snmp session for ``target`` and, for SNMPv3, discover the engine."""
    try:
        session = SnmpSession(
            target.host,
            port=target.port,
            community=target.community,
            user=_user(target) if target.version == "v3" else None,
            version=_VERSIONS[target.version],
            timeout=target.timeout,
            max_repetitions=target.max_repetitions,
            policer=_HookPolicer(before_request),
        )
        # SNMPv3 engine discovery and time synchronisation; a no-op for v1/v2c.
        session.refresh()
    except Exception as exc:
        raise translate(exc, target, "opening the session") from exc
    return session


def translate(exc: BaseException, target: SnmpTarget, doing: str) -> SnmpError:
    """Map an exception raised inside gufo-snmp to one of ours (the caller raises it)."""
    where = f"{doing} on {target.address}"
    if isinstance(exc, SnmpError):
        return exc
    if isinstance(exc, TimeoutError) and "refused" in str(exc):
        return SnmpUnreachableError(f"connection refused {where}")
    if isinstance(exc, TimeoutError | BlockingIOError):
        return SnmpTimeoutError(f"no answer within {target.timeout:g} s {where}")
    if isinstance(exc, gufo.NoSuchInstance):
        return SnmpNoSuchObjectError(f"no such object {where}")
    if isinstance(exc, gufo.SnmpAuthError):
        return SnmpAuthError(f"SNMPv3 authentication failed {where} (user, keys or protocols)")
    if isinstance(exc, gufo.SnmpDecodeError):
        return AnswerUndecodableError(f"undecodable answer ({exc}) {where}")
    if isinstance(exc, gufo.SnmpEncodeError):
        return RequestTooBigError(f"request too large to encode ({exc}) {where}")
    if isinstance(exc, OSError):
        return SnmpUnreachableError(f"network error {where}: {exc}")
    if isinstance(exc, ValueError):
        return SnmpConfigError(f"invalid request {where}: {exc}")
    return SnmpMalformedAnswerError(f"unexpected failure {where}: {exc!r}")
