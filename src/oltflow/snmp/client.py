"""The SNMP client oltflow polls OLTs with: walks and multi-OID GETs on gufo-snmp.

One ``SnmpClient`` owns one UDP session. It is not thread-safe and refuses to be used by two
threads at once: give every concurrent walk its own client (gufo-snmp sessions time out when
shared). What it adds to the library:

* retries after a timeout (the library has none); an ICMP "port unreachable" is not retried;
* walks guarded against agents that loop (a non-increasing OID), with a deadline and a row cap;
* walks that halve ``max_repetitions`` when an answer is too big for gufo-snmp's 4080-byte
  receive buffer, and remember the size that worked for that column;
* ``get_many`` in PDUs of at most ``max_varbinds`` OIDs that split in halves, down to single
  OIDs, when the agent answers tooBig (or an answer overflows the buffer) or a PDU times out
  while the agent still answers a probe, so that one bad ONU never sinks a batch;
* OIDs the agent answered noSuchObject/noSuchInstance, or silently left out, are reported in
  ``GetResult.missing``;
* a count of request PDUs and an optional request-rate cap (``policer.TokenBucket``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import TypeVar

from gufo.snmp.sync import SnmpSession

from oltflow.snmp.errors import (
    SnmpConfigError,
    SnmpDeadlineError,
    SnmpError,
    SnmpMalformedAnswerError,
    SnmpNoSuchObjectError,
    SnmpRowLimitError,
    SnmpTimeoutError,
    SnmpUnreachableError,
    SnmpWalkLoopError,
)
from oltflow.snmp.oids import SYS_UPTIME, normalize_oid
from oltflow.snmp.policer import TokenBucket
from oltflow.snmp.session import (
    AnswerUndecodableError,
    RequestTooBigError,
    open_session,
    translate,
)
from oltflow.snmp.target import SnmpTarget

logger = logging.getLogger(__name__)

#: What gufo-snmp returns for a value: ``int`` for numbers (Counter64 too), ``bytes`` for
#: octet strings and opaque, ``str`` for OIDs and IP addresses.
SnmpValue = int | float | bytes | str

T = TypeVar("T")

#: Seconds after which an SNMPv3 session refreshes engine boots and time before its next
#: operation (agents accept requests within 150 s of their clock).
V3_RESYNC_AFTER_S = 100.0


@dataclass(frozen=True)
class GetResult:
    """The outcome of ``SnmpClient.get_many``.

    ``values`` maps each answered OID to its value; ``missing`` lists, in request order, the
    OIDs the agent has no value for; ``errors`` maps OIDs that failed on their own (a timeout
    or an undecodable answer for that single OID) to the error.
    """

    values: dict[str, SnmpValue] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    errors: dict[str, SnmpError] = field(default_factory=dict)


class SnmpClient:
    """Walks and GETs against one agent; use as a context manager.

    ``requests`` counts the request PDUs sent (retries and probes included, the SNMPv3 engine
    discovery excluded).
    """

    #: Defaults of the walk guards; a walk may pass its own.
    DEFAULT_WALK_DEADLINE_S = 300.0
    DEFAULT_WALK_MAX_ROWS = 100_000

    def __init__(self, target: SnmpTarget, *, policer: TokenBucket | None = None) -> None:
        self.target = target
        if policer is None and target.rate_limit is not None:
            policer = TokenBucket(target.rate_limit)
        self._policer = policer
        self._session: SnmpSession | None = None
        self._busy = threading.Lock()
        self._walk_repetitions: dict[str, int] = {}
        self._synchronised_at = 0.0
        self.requests = 0

    # Life cycle

    def __enter__(self) -> SnmpClient:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def open(self) -> None:
        """Open the UDP session (SNMPv3: discover the engine); called by ``__enter__``."""
        if self._session is None:
            self._session = open_session(self.target, self._before_request)
            self._synchronised_at = time.monotonic()
        elif (
            self.target.version == "v3"
            and time.monotonic() - self._synchronised_at > V3_RESYNC_AFTER_S
        ):
            # SNMPv3 agents refuse requests outside their 150 s time window: resynchronise.
            try:
                self._session.refresh()
            except Exception as exc:
                raise translate(exc, self.target, "resynchronising SNMPv3 time") from exc
            self._synchronised_at = time.monotonic()

    def close(self) -> None:
        """Drop the session; its socket closes when garbage-collected."""
        self._session = None

    def _before_request(self) -> None:
        self.requests += 1
        if self._policer is not None:
            self._policer.acquire()

    def _exclusive(self) -> SnmpSession:
        """The open session, reserved for the calling thread until ``_busy`` is released."""
        if not self._busy.acquire(blocking=False):
            raise SnmpConfigError(
                f"SnmpClient for {self.target.address} is already in use: it is not "
                "thread-safe, give each concurrent walk its own client"
            )
        try:
            self.open()
        except BaseException:
            self._busy.release()
            raise
        assert self._session is not None
        return self._session

    # Retries

    def _attempt(self, operation: Callable[[], T], doing: str) -> T:
        """Run ``operation``, retrying timeouts; raise our own errors only."""
        attempts = self.target.retries + 1
        for attempt in range(1, attempts + 1):
            try:
                return operation()
            except SnmpError:
                raise
            except Exception as exc:
                error = translate(exc, self.target, doing)
                if not isinstance(error, SnmpTimeoutError) or attempt == attempts:
                    raise error from exc
                logger.debug(
                    "Timeout %s on %s, attempt %d of %d",
                    doing,
                    self.target.address,
                    attempt,
                    attempts,
                )
        raise AssertionError("unreachable")  # pragma: no cover

    # Walk

    def walk(
        self,
        oid: str,
        *,
        deadline_s: float | None = None,
        max_rows: int | None = None,
    ) -> list[tuple[str, SnmpValue]]:
        """Return every ``(oid, value)`` under ``oid``, in order (GETBULK; GETNEXT on v1).

        Raises ``SnmpWalkLoopError`` on a non-increasing OID, ``SnmpDeadlineError`` after
        ``deadline_s`` seconds (checked between requests, so one request timeout may add to
        it) and ``SnmpRowLimitError`` beyond ``max_rows`` rows; each carries the rows read so
        far in ``partial``.
        """
        root = normalize_oid(oid)
        deadline_s = self.DEFAULT_WALK_DEADLINE_S if deadline_s is None else deadline_s
        max_rows = self.DEFAULT_WALK_MAX_ROWS if max_rows is None else max_rows
        if not deadline_s > 0:
            raise SnmpConfigError(f"deadline_s {deadline_s} must be positive")
        if max_rows < 1:
            raise SnmpConfigError(f"max_rows {max_rows} must be at least 1")
        session = self._exclusive()
        try:
            return self._walk(session, root, deadline_s, max_rows)
        finally:
            self._busy.release()

    def _rows(
        self, session: SnmpSession, root: str, repetitions: int
    ) -> Iterator[tuple[str, SnmpValue]]:
        if self.target.version == "v1":
            return session.getnext(root)
        return session.getbulk(root, max_repetitions=repetitions)

    def _walk(
        self, session: SnmpSession, root: str, deadline_s: float, max_rows: int
    ) -> list[tuple[str, SnmpValue]]:
        # The per-row path is kept lean: it must cost less CPU than snmpbulkwalk does (see
        # bench/snmp_client.py). gufo-snmp only yields OIDs inside ``root``, so rows are
        # ordered by the numbers after the root's prefix alone.
        clock = time.monotonic
        started = clock()
        deadline = started + deadline_s
        requests_before = self.requests
        prefix_length = len(root) + 1
        rows: list[tuple[str, SnmpValue]] = []
        last_key: tuple[int, ...] = ()
        repetitions = self._walk_repetitions.get(root, self.target.max_repetitions)
        iterator = self._rows(session, root, repetitions)
        skip_through: tuple[int, ...] | None = None
        timeouts = 0

        while True:
            # DEADLINE: checked before every row, hence before every request.
            if clock() > deadline:
                raise SnmpDeadlineError(
                    f"walk of {root} on {self.target.address} passed its {deadline_s:g} s "
                    f"deadline after {len(rows)} rows",
                    partial=rows,
                )
            try:
                item = next(iterator, None)
            except Exception as exc:
                error = translate(exc, self.target, f"walking {root}")
                if isinstance(error, SnmpTimeoutError) and timeouts < self.target.retries:
                    # RETRY: the iterator sends the same request again.
                    timeouts += 1
                    logger.debug(
                        "Timeout walking %s on %s, attempt %d of %d",
                        root,
                        self.target.address,
                        timeouts,
                        self.target.retries + 1,
                    )
                    continue
                if (
                    isinstance(error, AnswerUndecodableError)
                    and self.target.version != "v1"
                    and repetitions > 1
                ):
                    # TOO BIG FOR THE BUFFER: walk again with half the repetitions and skip
                    # the rows already read.
                    repetitions = max(1, repetitions // 2)
                    self._walk_repetitions[root] = repetitions
                    logger.info(
                        "GETBULK answer for %s on %s did not decode; walking again with "
                        "max-repetitions %d",
                        root,
                        self.target.address,
                        repetitions,
                    )
                    iterator = self._rows(session, root, repetitions)
                    skip_through = last_key if rows else None
                    continue
                error.partial = rows
                raise error from exc
            if item is None:
                break
            timeouts = 0
            row_oid = item[0]
            try:
                key = tuple(map(int, row_oid[prefix_length:].split(".")))
            except ValueError:
                key = ()  # the root itself, or garbage: not after the previous row
            if skip_through is not None:
                if key <= skip_through:
                    continue
                skip_through = None
            if key <= last_key:
                if self.target.version == "v1" and key == last_key and item[1] is None:
                    # v1 end of the MIB view: noSuchName echoes the requested OID.
                    break
                logger.warning(
                    "Agent %s returned non-increasing OID %s after %s while walking %s",
                    self.target.address,
                    row_oid,
                    rows[-1][0] if rows else root,
                    root,
                )
                raise SnmpWalkLoopError(
                    f"agent {self.target.address} returned OID {row_oid} out of order while "
                    f"walking {root}",
                    partial=rows,
                )
            rows.append(item)
            last_key = key
            if len(rows) > max_rows:
                raise SnmpRowLimitError(
                    f"walk of {root} on {self.target.address} passed its cap of {max_rows} rows",
                    partial=rows[:max_rows],
                )

        logger.debug(
            "Walked %s on %s: %d rows, %d requests, %.3f s",
            root,
            self.target.address,
            len(rows),
            self.requests - requests_before,
            clock() - started,
        )
        return rows

    # GET

    def get(self, oid: str) -> SnmpValue:
        """Return the value of one OID; raise ``SnmpNoSuchObjectError`` when it has none."""
        result = self.get_many([oid])
        key = normalize_oid(oid)
        if key in result.errors:
            raise result.errors[key]
        if key not in result.values:
            raise SnmpNoSuchObjectError(f"{key} has no value on {self.target.address}")
        return result.values[key]

    def get_many(self, oids: Sequence[str]) -> GetResult:
        """GET many OIDs in PDUs of at most ``max_varbinds``; see the module docstring.

        Raises ``SnmpTimeoutError`` only when the agent stops answering altogether (a PDU and
        the liveness probe after it both time out); the error's ``partial`` is a
        ``GetResult`` of what was read.
        """
        wanted = list(dict.fromkeys(normalize_oid(oid) for oid in oids))
        if not wanted:
            return GetResult()
        session = self._exclusive()
        try:
            return self._get_many(session, wanted)
        finally:
            self._busy.release()

    def _get_many(self, session: SnmpSession, wanted: list[str]) -> GetResult:
        started = time.monotonic()
        requests_before = self.requests
        result = GetResult()
        limit = self.target.max_varbinds
        pending: deque[list[str]] = deque(
            wanted[start : start + limit] for start in range(0, len(wanted), limit)
        )

        while pending:
            batch = pending.popleft()
            if len(batch) > limit:
                # An earlier answer showed the agent needs smaller PDUs.
                pending.extendleft(
                    reversed([batch[i : i + limit] for i in range(0, len(batch), limit)])
                )
                continue
            try:
                answer = self._attempt(lambda b=batch: session.get_many(b), "getting OIDs")
            except (AnswerUndecodableError, RequestTooBigError) as exc:
                # TOO BIG: smaller PDUs from now on.
                if len(batch) == 1:
                    result.errors[batch[0]] = SnmpMalformedAnswerError(str(exc))
                    continue
                limit = max(1, len(batch) // 2)
                logger.info(
                    "GET of %d OIDs on %s was too big (%s); using PDUs of %d",
                    len(batch),
                    self.target.address,
                    exc,
                    limit,
                )
                self._split(pending, batch)
                continue
            except SnmpTimeoutError as exc:
                # TIMEOUT: a dead agent, or a PDU the agent chokes on.
                if not self._agent_answers(session):
                    exc.partial = result
                    raise
                if len(batch) == 1:
                    result.errors[batch[0]] = exc
                    logger.info(
                        "OID %s times out on %s while the agent answers otherwise",
                        batch[0],
                        self.target.address,
                    )
                    continue
                self._split(pending, batch)
                continue
            except SnmpError as exc:
                exc.partial = result
                raise
            if not answer and len(batch) > 1:
                # EMPTY: tooBig or genErr (varbinds echoed as NULL), or all missing; split.
                self._split(pending, batch)
                continue
            for oid in batch:
                if oid in answer:
                    result.values[oid] = answer[oid]
                else:
                    result.missing.append(oid)

        logger.debug(
            "Got %d OIDs on %s: %d values, %d missing, %d errors, %d requests, %.3f s",
            len(wanted),
            self.target.address,
            len(result.values),
            len(result.missing),
            len(result.errors),
            self.requests - requests_before,
            time.monotonic() - started,
        )
        # Report missing OIDs in request order whatever order the splits took.
        order = {oid: position for position, oid in enumerate(wanted)}
        result.missing.sort(key=order.__getitem__)
        return result

    @staticmethod
    def _split(pending: deque[list[str]], batch: list[str]) -> None:
        middle = len(batch) // 2
        pending.appendleft(batch[middle:])
        pending.appendleft(batch[:middle])

    def _agent_answers(self, session: SnmpSession) -> bool:
        """Whether the agent still answers a GET of sysUpTime.0 (any answer counts)."""
        try:
            self._attempt(lambda: session.get_many([SYS_UPTIME]), "probing the agent")
        except SnmpTimeoutError:
            return False
        except SnmpUnreachableError:
            raise
        except SnmpError:
            return True
        return True
