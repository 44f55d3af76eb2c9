"""The discovery runner: walk the node's OID and record the ONUs it lists.

Every row under the OID is one ONU, identified by the row's index (the OID parts after the
node's OID). When the catalog OID declares an ``index_suffix`` (tables indexed by more parts
than ``<ifIndex>.<ONU id>``), only rows ending with it count and the suffix is not part of the
ONU's index. The formula that applies (the OID's own, else the OLT model's) decodes each index
into frame/slot/port/ONU id; an index that does not decode is counted as an error and the ONU
is still stored, with its raw index only.

Node parameters: ``absent_after_misses`` (walks in a row that must miss an ONU before it is
marked absent; default ``OLTFLOW["ABSENT_AFTER_MISSES"]``) and ``max_rows`` (the walk's row
cap). The walk's deadline is a share of the execution's time limit (``context.SNMP_SHARE``).

A walk that fails (timeout, unreachable OLT, deadline, row cap, looping agent) raises the SNMP
layer's typed error and writes nothing: a partial listing would count the rest as missing.

Summary: ``rows`` (walked), ``onus`` and ``written`` (ONUs listed and stored), ``new``,
``seen``, ``reappeared``, ``missing``, ``absent``, ``still_absent`` (see
``inventory.services.DiscoveryCounts``), ``skipped`` (rows that are no ONU), ``errors`` with up
to five ``error_samples``, ``absent_after_misses``, ``snmp_requests``, ``seconds``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from oltflow.db import release_connection
from oltflow.inventory.models import Onu
from oltflow.inventory.services import ListedOnu, record_discovery
from oltflow.polling.context import RunContext, load_context
from oltflow.polling.targets import olt_target
from oltflow.snmp.client import SnmpClient, SnmpValue
from oltflow.snmp.index import IndexDecodeError, IndexLayout, OnuPosition
from oltflow.snmp.oids import normalize_oid

if TYPE_CHECKING:
    from oltflow.jobs.models import Execution

logger = logging.getLogger(__name__)

#: Error messages kept in an execution's summary (the count covers them all).
MAX_ERROR_SAMPLES = 5

_INDEX_LENGTH = Onu._meta.get_field("raw_index").max_length or 64
# Position columns are small integers (frame, slot, port) and an integer (ONU id).
_SMALL_MAX = 32767
_ONU_ID_MAX = 2**31 - 1


@dataclass
class Listing:
    """The ONUs of one walk, with the rows that did not make one and the decoding errors."""

    onus: list[ListedOnu] = field(default_factory=list)
    skipped: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)

    def error(self, message: str) -> None:
        self.errors += 1
        if len(self.error_samples) < MAX_ERROR_SAMPLES and message not in self.error_samples:
            self.error_samples.append(message)


def list_onus(
    rows: Sequence[tuple[str, SnmpValue]],
    root: str,
    *,
    index_suffix: str = "",
    layout: IndexLayout | None,
    no_layout_reason: str = "",
) -> Listing:
    """The ONUs listed by ``rows`` of a walk of ``root``, decoded with ``layout``.

    Without a layout every ONU is stored undecoded and counted as an error with
    ``no_layout_reason``. Rows whose index lacks ``index_suffix`` belong to another entity of
    the ONU (another ANI port, say) and are skipped, as are indexes too long to store.
    """
    prefix = normalize_oid(root) + "."
    tail = f".{index_suffix}" if index_suffix else ""
    listing = Listing()
    for row_oid, _value in rows:
        index = row_oid[len(prefix) :] if row_oid.startswith(prefix) else ""
        if tail:
            if not index.endswith(tail):
                listing.skipped += 1
                continue
            index = index[: -len(tail)]
        if not index:
            listing.skipped += 1
            continue
        if len(index) > _INDEX_LENGTH:
            listing.skipped += 1
            listing.error(f"index {index[:40]}... is longer than {_INDEX_LENGTH} characters")
            continue
        position = None
        if layout is None:
            listing.error(no_layout_reason or "no index formula")
        else:
            try:
                position = _storable(layout.decode(index))
            except IndexDecodeError as exc:
                listing.error(str(exc))
        listing.onus.append(ListedOnu(raw_index=index, position=position))
    return listing


def _storable(position: OnuPosition) -> OnuPosition:
    """``position`` if the Onu columns can hold it, else raise ``IndexDecodeError``."""
    for name in ("frame", "slot", "port"):
        value = getattr(position, name)
        if not 0 <= value <= _SMALL_MAX:
            raise IndexDecodeError(f"{name} {value} of {position} is outside 0..{_SMALL_MAX}")
    if not 0 <= position.onu_id <= _ONU_ID_MAX:
        raise IndexDecodeError(f"ONU id {position.onu_id} is outside 0..{_ONU_ID_MAX}")
    return position


def _layout(context: RunContext) -> tuple[IndexLayout | None, str]:
    """The decoder of the OID's rows on this OLT, or None and why there is none."""
    formula = context.formula()
    if formula is None:
        return None, (
            f"no index formula for OID {context.oid.oid} on model {context.olt.model.name}"
        )
    try:
        return formula.layout(), ""
    except ValueError as exc:
        return None, f"index formula {formula.name!r} is invalid: {exc}"


def run(execution: Execution) -> dict[str, Any]:
    """Walk the node's OID on the execution's OLT and record the ONUs; return the summary."""
    started = time.monotonic()
    context = load_context(execution)
    olt, oid = context.olt, context.oid
    absent_after = int(
        context.number(
            "absent_after_misses",
            settings.OLTFLOW["ABSENT_AFTER_MISSES"],
            minimum=1,
            integer=True,
        )
    )
    layout, no_layout_reason = _layout(context)
    if layout is None:
        logger.warning(
            "Discovery of OLT %s (execution %s) stores raw indexes only: %s",
            olt.pk,
            context.execution_id,
            no_layout_reason,
        )

    # Walk: any SNMP failure propagates as the snmp layer's typed error. No connection is held
    # while waiting on the OLT.
    release_connection()
    with SnmpClient(olt_target(olt)) as client:
        rows = client.walk(oid.oid, deadline_s=context.snmp_deadline_s, max_rows=context.max_rows)
    requests = client.requests

    # Decode, then write everything in one transaction.
    listing = list_onus(
        rows,
        oid.oid,
        index_suffix=oid.index_suffix,
        layout=layout,
        no_layout_reason=no_layout_reason,
    )
    counts = record_discovery(olt.pk, listing.onus, now=timezone.now(), absent_after=absent_after)

    summary = {
        "rows": len(rows),
        "onus": len(listing.onus),
        "written": len(listing.onus),
        "new": counts.new,
        "seen": counts.seen,
        "reappeared": counts.reappeared,
        "missing": counts.missing,
        "absent": counts.absent,
        "still_absent": counts.still_absent,
        "skipped": listing.skipped,
        "errors": listing.errors,
        "error_samples": listing.error_samples,
        "absent_after_misses": absent_after,
        "snmp_requests": requests,
        "seconds": round(time.monotonic() - started, 3),
    }
    logger.info(
        "Discovery of OLT %s (execution %s): %d rows, %d ONUs, %d new, %d reappeared, "
        "%d missing, %d now absent, %d errors, %d requests, %.3f s",
        olt.pk,
        context.execution_id,
        summary["rows"],
        summary["onus"],
        counts.new,
        counts.reappeared,
        counts.missing,
        counts.absent,
        listing.errors,
        requests,
        summary["seconds"],
    )
    if listing.errors:
        logger.warning(
            "Discovery of OLT %s (execution %s): %d indexes did not decode, e.g. %s",
            olt.pk,
            context.execution_id,
            listing.errors,
            listing.error_samples[0],
        )
    return summary
