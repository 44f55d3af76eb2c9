"""The pieces under the runners: decoding a walk's rows, and the inventory write services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from oltflow.catalog.models import Brand, OltModel
from oltflow.inventory.models import Olt, Onu, OnuSample, OnuValue
from oltflow.inventory.services import ListedOnu, Reading, record_discovery, record_values
from oltflow.polling.discovery import list_onus
from oltflow.snmp.index import HUAWEI_GPON, IndexLayout, OnuPosition

ROOT = "1.3.6.1.4.1.2011.6.128.1.1.2.46.1.1"


def rows(*indexes: str) -> list[tuple[str, int]]:
    return [(f"{ROOT}.{index}", 1) for index in indexes]


def test_a_walk_without_a_formula_stores_raw_indexes_and_counts_errors() -> None:
    listing = list_onus(
        rows("4194312192.1", "4194312192.2"), ROOT, layout=None, no_layout_reason="no formula"
    )

    assert [(onu.raw_index, onu.position) for onu in listing.onus] == [
        ("4194312192.1", None),
        ("4194312192.2", None),
    ]
    assert (listing.errors, listing.error_samples) == (2, ["no formula"])


def test_indexes_too_long_to_store_are_skipped_and_positions_must_fit_the_columns() -> None:
    long_index = ".".join(["1"] * 40)
    listing = list_onus(rows(long_index, "4194312192.1"), ROOT, layout=HUAWEI_GPON)

    assert [onu.raw_index for onu in listing.onus] == ["4194312192.1"]
    assert listing.onus[0].position == OnuPosition(0, 1, 0, 1)
    assert (listing.skipped, listing.errors) == (1, 1)

    # slot 40,000 decodes, but does not fit a small integer column
    layout = IndexLayout(mode="linear", slot_step=256, port_step=1)
    listing = list_onus(rows(f"{40_000 * 256}.1"), f".{ROOT}", layout=layout)
    assert listing.onus[0].position is None
    assert "outside 0..32767" in listing.error_samples[0]


@pytest.fixture
def olt(db: None) -> Olt:
    brand = Brand.objects.create(name="Acme")
    return Olt.objects.create(
        name="olt",
        brand=brand,
        model=OltModel.objects.create(brand=brand, name="A1"),
        host="127.0.0.1",
        community="public",
    )


def test_absence_needs_consecutive_misses_and_a_sighting_resets_them(olt: Olt) -> None:
    now = timezone.now()
    a, b = ListedOnu("1.1"), ListedOnu("1.2")
    record_discovery(olt.pk, [a, b], now=now, absent_after=2)

    # b missed once, seen again, then missed twice
    record_discovery(olt.pk, [a], now=now + timedelta(minutes=1), absent_after=2)
    assert Onu.objects.get(raw_index="1.2").misses == 1
    record_discovery(olt.pk, [a, b], now=now + timedelta(minutes=2), absent_after=2)
    assert Onu.objects.get(raw_index="1.2").misses == 0
    record_discovery(olt.pk, [a], now=now + timedelta(minutes=3), absent_after=2)
    counts = record_discovery(olt.pk, [a], now=now + timedelta(minutes=4), absent_after=2)
    assert (counts.missing, counts.absent, counts.still_absent) == (1, 1, 0)
    onu = Onu.objects.get(raw_index="1.2")
    assert (onu.present, onu.misses, onu.absent_since) == (False, 2, now + timedelta(minutes=4))

    # An absent ONU still missing counts as still absent, not as missing again
    counts = record_discovery(olt.pk, [a], now=now + timedelta(minutes=5), absent_after=2)
    assert (counts.missing, counts.absent, counts.still_absent) == (0, 0, 1)
    assert Onu.objects.get(raw_index="1.2").misses == 3

    with pytest.raises(ValueError, match="at least 1"):
        record_discovery(olt.pk, [a], now=now, absent_after=0)


def test_values_of_deleted_onus_are_dropped_and_only_good_numbers_become_samples(
    olt: Olt,
) -> None:
    now = timezone.now()
    record_discovery(olt.pk, [ListedOnu("1.1"), ListedOnu("1.2")], now=now, absent_after=3)
    kept, deleted = Onu.objects.order_by("raw_index")
    deleted_pk = deleted.pk
    deleted.delete()

    counts = record_values(
        olt.pk,
        "rx_power",
        [
            Reading(kept.pk, text="-20.00 dBm", number=-20.0),
            Reading(deleted_pk, text="-21.00 dBm", number=-21.0),
        ],
        now=now,
    )
    assert (counts.written, counts.samples, counts.dropped) == (1, 1, 1)

    # A later error replaces the value, keeps the history, and adds no sample
    counts = record_values(olt.pk, "rx_power", [Reading(kept.pk, error="x" * 300)], now=now)
    value = OnuValue.objects.get(onu=kept, field="rx_power")
    assert (value.text, value.number, value.error) == ("", None, "x" * 255)
    assert (counts.written, counts.samples) == (1, 0)
    assert list(OnuSample.objects.values_list("number", flat=True)) == [-20.0]
