"""Inventory services: store what discovery listed and what a get read, in bulk.

Each function writes in one transaction and a number of statements that does not depend on
the number of ONUs up to ``BATCH_SIZE`` rows per statement (SQLite's parameter limit may split
a statement further).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F

from oltflow.inventory.models import Onu, OnuSample, OnuValue
from oltflow.snmp.index import OnuPosition

logger = logging.getLogger(__name__)

#: Rows (or ids) per INSERT or UPDATE statement.
BATCH_SIZE = 1000

_ERROR_LENGTH = OnuValue._meta.get_field("error").max_length or 255


@dataclass(frozen=True)
class ListedOnu:
    """An ONU a discovery walk listed: its raw row index and, when decoded, its position."""

    raw_index: str
    position: OnuPosition | None = None


@dataclass
class DiscoveryCounts:
    """What ``record_discovery`` changed.

    ``new``: listed for the first time; ``seen``: listed and already known (``reappeared``
    counts those of them that were absent); ``missing``: present ONUs the walk did not list;
    ``absent``: those of them marked absent now; ``still_absent``: absent ONUs still unlisted.
    """

    new: int = 0
    seen: int = 0
    reappeared: int = 0
    missing: int = 0
    absent: int = 0
    still_absent: int = 0


@dataclass(frozen=True)
class Reading:
    """The latest value of one field of one ONU, as a get read it.

    ``number`` None means not numeric; ``no_reading`` means the OLT answered its "no reading"
    value; ``error`` (for example a malformed value) means there is no value.
    """

    onu_id: int
    text: str = ""
    number: float | None = None
    no_reading: bool = False
    error: str = ""


@dataclass
class ValueCounts:
    """What ``record_values`` wrote; ``dropped`` counts readings of ONUs deleted meanwhile."""

    written: int = 0
    samples: int = 0
    dropped: int = 0


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), BATCH_SIZE):
        yield ids[start : start + BATCH_SIZE]


def record_discovery(
    olt_id: int, listed: Sequence[ListedOnu], *, now: datetime, absent_after: int
) -> DiscoveryCounts:
    """Record a complete discovery walk of OLT ``olt_id`` that listed ``listed``.

    Listed ONUs are inserted or updated (position, present, misses reset, last seen ``now``);
    a reappearing ONU keeps its row, its first sighting and its values. Every known ONU the
    walk did not list counts one more miss; a present one is marked absent (``absent_since``
    ``now``) when its misses reach ``absent_after``, and keeps its data.
    """
    if absent_after < 1:
        raise ValueError(f"absent_after {absent_after} must be at least 1")
    counts = DiscoveryCounts()
    with transaction.atomic():
        # What the OLT had before this walk.
        known = {
            raw_index: (pk, present, misses)
            for raw_index, pk, present, misses in Onu.objects.filter(olt_id=olt_id)
            .order_by()
            .values_list("raw_index", "id", "present", "misses")
        }

        # Listed ONUs: one upsert for new and known alike.
        rows = []
        for onu in listed:
            before = known.get(onu.raw_index)
            if before is None:
                counts.new += 1
            else:
                counts.seen += 1
                counts.reappeared += not before[1]
            position = onu.position
            rows.append(
                Onu(
                    olt_id=olt_id,
                    raw_index=onu.raw_index,
                    frame=position.frame if position else None,
                    slot=position.slot if position else None,
                    port=position.port if position else None,
                    onu_id=position.onu_id if position else None,
                    present=True,
                    misses=0,
                    first_seen_at=now,
                    last_seen_at=now,
                    absent_since=None,
                )
            )
        if rows:
            Onu.objects.bulk_create(
                rows,
                batch_size=BATCH_SIZE,
                update_conflicts=True,
                unique_fields=["olt", "raw_index"],
                update_fields=[
                    "frame",
                    "slot",
                    "port",
                    "onu_id",
                    "present",
                    "misses",
                    "last_seen_at",
                    "absent_since",
                ],
            )

        # Known ONUs the walk did not list: one more miss; absent once they reach the limit.
        listed_indexes = {onu.raw_index for onu in listed}
        missed: list[int] = []
        now_absent: list[int] = []
        for raw_index, (pk, present, misses) in known.items():
            if raw_index in listed_indexes:
                continue
            if not present:
                counts.still_absent += 1
                missed.append(pk)
            elif misses + 1 >= absent_after:
                counts.missing += 1
                counts.absent += 1
                now_absent.append(pk)
            else:
                counts.missing += 1
                missed.append(pk)
        for chunk in _chunks(missed):
            Onu.objects.filter(pk__in=chunk).update(misses=F("misses") + 1)
        for chunk in _chunks(now_absent):
            Onu.objects.filter(pk__in=chunk).update(
                misses=F("misses") + 1, present=False, absent_since=now
            )
    return counts


def record_values(
    olt_id: int, field: str, readings: Sequence[Reading], *, now: datetime
) -> ValueCounts:
    """Store ``readings`` of ``field`` for ONUs of OLT ``olt_id`` as their latest values.

    One OnuValue per ONU and field is inserted or updated; numeric readings that are neither
    "no reading" nor errors are also appended to the history (OnuSample) at ``now``. Readings
    of ONUs deleted since they were read are dropped.
    """
    counts = ValueCounts()
    with transaction.atomic():
        existing = set(Onu.objects.filter(olt_id=olt_id).order_by().values_list("id", flat=True))
        kept = [reading for reading in readings if reading.onu_id in existing]
        counts.dropped = len(readings) - len(kept)

        values = [
            OnuValue(
                onu_id=reading.onu_id,
                field=field,
                text=reading.text,
                number=reading.number,
                no_reading=reading.no_reading,
                error=reading.error[:_ERROR_LENGTH],
                updated_at=now,
            )
            for reading in kept
        ]
        if values:
            OnuValue.objects.bulk_create(
                values,
                batch_size=BATCH_SIZE,
                update_conflicts=True,
                unique_fields=["onu", "field"],
                update_fields=["text", "number", "no_reading", "error", "updated_at"],
            )
        counts.written = len(values)

        samples = [
            OnuSample(onu_id=reading.onu_id, field=field, number=reading.number, sampled_at=now)
            for reading in kept
            if reading.number is not None and not reading.no_reading and not reading.error
        ]
        if samples:
            OnuSample.objects.bulk_create(samples, batch_size=BATCH_SIZE)
        counts.samples = len(samples)

    if counts.dropped:
        logger.info(
            "Dropped %d readings of %s on OLT %s: their ONUs were deleted meanwhile",
            counts.dropped,
            field,
            olt_id,
        )
    return counts
