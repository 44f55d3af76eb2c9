"""Index layouts: known vendor indexes, exact round trips, clear refusals."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oltflow.snmp.index import (
    HUAWEI_GPON,
    IFINDEX_MAX,
    PRESETS,
    ZTE_GPON_ZXAN,
    ZTE_GPON_ZXGPON,
    IndexDecodeError,
    IndexLayout,
    OnuPosition,
)

LAYOUTS = {
    **PRESETS,
    "linear-with-frames": IndexLayout(
        mode="linear",
        base=1000,
        frame_step=1 << 20,
        slot_step=1 << 12,
        port_step=1 << 6,
        frame_offset=1,
        slot_offset=1,
        port_offset=1,
        max_onu_id=63,
    ),
    "shift-low-bits": IndexLayout(
        mode="shift", slot_shift=0, slot_bits=4, port_shift=4, port_bits=4, max_onu_id=7
    ),
}


@pytest.mark.parametrize(
    ("index", "position"),
    [
        # Huawei: 0xFA000000 + slot<<13 + port<<8, ONT id after the dot (0/1/0 and 0/2/15).
        ("4194312192.0", OnuPosition(0, 1, 0, 0)),
        ("4194320384.5", OnuPosition(0, 2, 0, 5)),
        ("4194324224.127", OnuPosition(0, 2, 15, 127)),
        # ZTE 3902.1012 tables: 268501248 is gpon-olt_1/1/1, 268566784 is gpon-olt_1/2/1.
        ("268501248.5", OnuPosition(1, 1, 1, 5)),
        ("268566784.5", OnuPosition(1, 2, 1, 5)),
        ("268567040.128", OnuPosition(1, 2, 2, 128)),
    ],
)
def test_known_vendor_indexes(index: str, position: OnuPosition) -> None:
    layout = HUAWEI_GPON if index.startswith("4194") else ZTE_GPON_ZXGPON

    assert layout.decode(index) == position
    assert layout.encode(position) == index


def test_zte_table_families_number_the_same_port_differently() -> None:
    # gpon-onu_1/2/1:5 in both families of one C320.
    position = OnuPosition(frame=1, slot=2, port=1, onu_id=5)

    assert ZTE_GPON_ZXGPON.encode(position) == "268566784.5"
    assert ZTE_GPON_ZXAN.encode(position) == "285278721.5"
    assert ZTE_GPON_ZXAN.decode("285278465.1") == OnuPosition(1, 1, 1, 1)


def _positions(layout: IndexLayout) -> st.SearchStrategy[OnuPosition]:
    ranges = layout.ranges()
    return st.builds(
        OnuPosition,
        frame=st.integers(*ranges["frame"]),
        slot=st.integers(*ranges["slot"]),
        port=st.integers(*ranges["port"]),
        onu_id=st.integers(*ranges["onu_id"]),
    )


@pytest.mark.parametrize("name", sorted(LAYOUTS))
@settings(deadline=None)
@given(data=st.data())
def test_every_valid_position_round_trips(name: str, data: st.DataObject) -> None:
    layout = LAYOUTS[name]
    position = data.draw(_positions(layout))

    try:
        index = layout.encode(position)
    except IndexDecodeError as exc:
        # Only the far end of an unbounded linear slot range may pass 32 bits.
        assert "above" in str(exc)
        return

    assert layout.decode(index) == position
    assert layout.encode(layout.decode(index)) == index


def _indexes(layout: IndexLayout) -> st.SearchStrategy[str]:
    """Any ifIndex, or one next to a valid port's ifIndex; any ONU id near the maximum."""
    ranges = layout.ranges()
    near_valid = st.builds(
        lambda frame, slot, port, nudge: min(
            IFINDEX_MAX, max(0, layout.base + nudge + _raw_ifindex(layout, frame, slot, port))
        ),
        st.integers(*ranges["frame"]),
        st.integers(*ranges["slot"]),
        st.integers(*ranges["port"]),
        st.sampled_from([0, 0, 0, 1, -1, 255, 256]),
    )
    ifindexes = st.one_of(st.integers(0, IFINDEX_MAX), near_valid)
    onu_ids = st.integers(0, layout.max_onu_id + 2)
    return st.builds(lambda i, o: f"{i}.{o}", ifindexes, onu_ids)


def _raw_ifindex(layout: IndexLayout, frame: int, slot: int, port: int) -> int:
    """ifIndex minus base, computed independently of the code under test."""
    frame -= layout.frame_offset
    slot -= layout.slot_offset
    port -= layout.port_offset
    if layout.mode == "linear":
        return frame * layout.frame_step + slot * layout.slot_step + port * layout.port_step
    return (frame << layout.frame_shift) | (slot << layout.slot_shift) | (port << layout.port_shift)


@pytest.mark.parametrize("name", sorted(LAYOUTS))
@settings(deadline=None)
@given(data=st.data())
def test_every_decodable_index_round_trips(name: str, data: st.DataObject) -> None:
    layout = LAYOUTS[name]
    index = data.draw(_indexes(layout))

    try:
        position = layout.decode(index)
    except IndexDecodeError as exc:
        assert str(exc)
        return

    assert layout.encode(position) == index
    ifindex = int(index.split(".")[0])
    assert ifindex - layout.base == _raw_ifindex(
        layout, position.frame, position.slot, position.port
    )


@pytest.mark.parametrize(
    ("layout", "slots", "ports"),
    [
        (HUAWEI_GPON, range(0, 16), range(0, 16)),
        (ZTE_GPON_ZXGPON, range(1, 17), range(1, 17)),
        (ZTE_GPON_ZXAN, range(1, 17), range(1, 17)),
    ],
)
def test_presets_round_trip_every_onu_of_a_full_chassis(
    layout: IndexLayout, slots: range, ports: range
) -> None:
    frame = layout.ranges()["frame"][0] if layout.mode == "linear" else 1
    seen = set()
    for slot in slots:
        for port in ports:
            for onu_id in range(layout.max_onu_id + 1):
                position = OnuPosition(frame, slot, port, onu_id)
                index = layout.encode(position)
                assert layout.decode(index) == position
                seen.add(index)

    assert len(seen) == len(slots) * len(ports) * (layout.max_onu_id + 1)


@pytest.mark.parametrize(
    ("index", "message"),
    [
        ("", "'<ifIndex>.<onuId>'"),
        ("4194312192", "found 1 parts"),
        ("4194312192.1.2", "found 3 parts"),
        ("abc.1", "ifIndex 'abc'"),
        ("4194312192.x", "ONU id 'x'"),
        ("-4194312192.1", "ifIndex '-4194312192'"),
        ("4194312192.-1", "ONU id '-1'"),
        ("04194312192.1", "ifIndex '04194312192' .* leading zero"),
        ("4194312192.007", "ONU id '007' .* leading zero"),
        ("4194312192.128", "ONU id 128 .* above the maximum 127"),
        ("99999999999.1", "ifIndex 99999999999 .* above 4294967295"),
        ("268501248.1", "below the base 4194304000"),
        ("4194312193.1", "not on a port boundary"),
        ("4194312192 .1", "ifIndex '4194312192 '"),
        ("４１９.1", "not a decimal number"),
    ],
)
def test_malformed_indexes_are_refused_with_the_part_named(index: str, message: str) -> None:
    with pytest.raises(IndexDecodeError, match=message):
        HUAWEI_GPON.decode(index)


def test_shift_layouts_refuse_stray_bits() -> None:
    with pytest.raises(IndexDecodeError, match="bits outside the frame, slot and port"):
        ZTE_GPON_ZXGPON.decode("268501249.1")


@pytest.mark.parametrize(
    ("position", "message"),
    [
        (OnuPosition(0, 1, 32, 0), "port 32 is outside 0..31"),
        (OnuPosition(1, 1, 0, 0), "frame 1 is outside 0..0"),
        (OnuPosition(0, -1, 0, 0), "slot -1 is outside"),
        (OnuPosition(0, 1, 0, 128), "ONU id 128 is outside 0..127"),
        (OnuPosition(0, 1, 0, True), "ONU id must be an integer"),  # type: ignore[arg-type]
        (OnuPosition(0, "1", 0, 0), "slot must be an integer"),  # type: ignore[arg-type]
    ],
)
def test_out_of_range_positions_are_refused(position: OnuPosition, message: str) -> None:
    with pytest.raises(IndexDecodeError, match=message):
        HUAWEI_GPON.encode(position)


def test_index_errors_are_value_errors() -> None:
    assert issubclass(IndexDecodeError, ValueError)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"mode": "spiral"}, "mode 'spiral'"),
        ({"mode": "linear", "slot_step": 256, "port_step": 0}, "port_step"),
        ({"mode": "linear", "slot_step": 300, "port_step": 256}, "slot_step 300"),
        ({"mode": "linear", "slot_step": 256, "port_step": 1, "frame_step": 1000}, "frame_step"),
        ({"mode": "linear", "base": -1, "slot_step": 2, "port_step": 1}, "base -1"),
        ({"mode": "shift", "slot_bits": 0, "port_bits": 8}, "slot_bits"),
        ({"mode": "shift", "slot_shift": 4, "slot_bits": 8, "port_bits": 8}, "overlaps"),
        ({"mode": "shift", "slot_shift": 30, "slot_bits": 4, "port_bits": 8}, "passes bit 31"),
        ({"mode": "shift", "base": 1, "slot_shift": 8, "slot_bits": 8, "port_bits": 8}, "base"),
        ({"mode": "linear", "slot_step": "8192", "port_step": 256}, "slot_step must be"),
        ({"mode": "linear", "slot_step": 8192, "port_step": 256, "max_onu_id": -1}, "max_onu"),
    ],
)
def test_invalid_layouts_name_the_field(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        IndexLayout(**fields)  # type: ignore[arg-type]


def test_a_layout_takes_exactly_the_index_formula_columns() -> None:
    columns = {
        "mode": "linear",
        "base": 4194304000,
        "frame_step": 0,
        "slot_step": 8192,
        "port_step": 256,
        "frame_shift": 0,
        "frame_bits": 0,
        "slot_shift": 0,
        "slot_bits": 0,
        "port_shift": 0,
        "port_bits": 0,
        "frame_offset": 0,
        "slot_offset": 0,
        "port_offset": 0,
        "max_onu_id": 127,
    }

    assert IndexLayout(**columns) == HUAWEI_GPON
