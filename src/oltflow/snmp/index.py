"""ONU row indexes: ``<ifIndex>.<onuId>`` to frame/slot/port/ONU id and back.

OLT tables index an ONU's row by the ifIndex of its PON port and the ONU id. The ifIndex packs
the port's position in one of two ways, described by an ``IndexLayout``:

* ``linear``: ``delta = ifIndex - base``; the frame, slot and port fields are successive
  quotients of ``delta`` by ``frame_step`` (0 = no frame field), ``slot_step`` and
  ``port_step``; what is left must be 0.
* ``shift``: ``delta = ifIndex - base``; each field is ``(delta >> shift) & (2**bits - 1)``
  (``frame_bits`` 0 = no frame field); no bit may lie outside the fields.

Each decoded field is the raw field plus its ``*_offset`` (vendors that count from 1). A
layout without a frame field decodes every index to frame ``frame_offset``. ``decode`` and
``encode`` are exact inverses on every index and position they accept, and reject anything
else with ``IndexDecodeError`` naming the part and the problem.

Presets (checked against public captures of real OLTs, see each docstring):
``HUAWEI_GPON``, ``ZTE_GPON_ZXGPON`` (3902.1012 tables), ``ZTE_GPON_ZXAN`` (3902.1082 tables).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

IFINDEX_MAX = 2**32 - 1
MODES = ("linear", "shift")


class IndexDecodeError(ValueError):
    """An index or position that the layout cannot decode or encode."""


@dataclass(frozen=True)
class OnuPosition:
    """Where an ONU sits: frame (rack/shelf), slot, PON port and ONU id."""

    frame: int
    slot: int
    port: int
    onu_id: int

    def __str__(self) -> str:
        return f"{self.frame}/{self.slot}/{self.port}:{self.onu_id}"


@dataclass(frozen=True)
class IndexLayout:
    """How one OLT table family packs an ONU's position into its row index.

    The field names are the columns of ``catalog.IndexFormula``. Construction validates the
    numbers and raises ``ValueError`` naming the field at fault.
    """

    mode: str = "linear"
    base: int = 0
    frame_step: int = 0
    slot_step: int = 0
    port_step: int = 0
    frame_shift: int = 0
    frame_bits: int = 0
    slot_shift: int = 0
    slot_bits: int = 0
    port_shift: int = 0
    port_bits: int = 0
    frame_offset: int = 0
    slot_offset: int = 0
    port_offset: int = 0
    max_onu_id: int = 255

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "mode":
                if value not in MODES:
                    raise ValueError(f"mode {value!r} is not one of {', '.join(MODES)}")
            elif not isinstance(value, int) or isinstance(value, bool):
                raise ValueError(f"{item.name} must be an integer, not {value!r}")
        if not 0 <= self.base <= IFINDEX_MAX:
            raise ValueError(f"base {self.base} is outside 0..{IFINDEX_MAX}")
        if not 0 <= self.max_onu_id <= IFINDEX_MAX:
            raise ValueError(f"max_onu_id {self.max_onu_id} is outside 0..{IFINDEX_MAX}")
        if self.mode == "linear":
            self._check_linear()
        else:
            self._check_shift()

    def _check_linear(self) -> None:
        if self.port_step < 1:
            raise ValueError("port_step must be at least 1 in linear mode")
        if self.slot_step < self.port_step or self.slot_step % self.port_step:
            raise ValueError(
                f"slot_step {self.slot_step} must be a positive multiple of port_step "
                f"{self.port_step}"
            )
        if self.frame_step < 0:
            raise ValueError("frame_step must not be negative")
        if self.frame_step and (
            self.frame_step < self.slot_step or self.frame_step % self.slot_step
        ):
            raise ValueError(
                f"frame_step {self.frame_step} must be 0 or a multiple of slot_step "
                f"{self.slot_step}"
            )

    def _check_shift(self) -> None:
        used = 0
        for name in ("frame", "slot", "port"):
            shift = getattr(self, f"{name}_shift")
            bits = getattr(self, f"{name}_bits")
            if shift < 0 or bits < 0:
                raise ValueError(f"{name}_shift and {name}_bits must not be negative")
            if name != "frame" and bits < 1:
                raise ValueError(f"{name}_bits must be at least 1 in shift mode")
            if shift + bits > 32:
                raise ValueError(f"{name} field (shift {shift}, {bits} bits) passes bit 31")
            mask = ((1 << bits) - 1) << shift
            if used & mask:
                raise ValueError(f"{name} field (shift {shift}, {bits} bits) overlaps another")
            used |= mask
        if self.base & used:
            raise ValueError(f"base {self.base:#x} sets bits inside the fields ({used:#x})")
        if self.base + used > IFINDEX_MAX:
            raise ValueError(f"base {self.base} plus the fields passes {IFINDEX_MAX}")

    # Field ranges (raw values, before offsets)

    def _raw_counts(self) -> tuple[int, int, int]:
        """How many raw values each of frame, slot and port can take."""
        room = IFINDEX_MAX - self.base
        if self.mode == "shift":
            return 1 << self.frame_bits, 1 << self.slot_bits, 1 << self.port_bits
        ports = self.slot_step // self.port_step
        if self.frame_step:
            return room // self.frame_step + 1, self.frame_step // self.slot_step, ports
        return 1, room // self.slot_step + 1, ports

    def ranges(self) -> dict[str, tuple[int, int]]:
        """Inclusive ``(low, high)`` of frame, slot, port and onu_id after offsets."""
        frames, slots, ports = self._raw_counts()
        return {
            "frame": (self.frame_offset, self.frame_offset + frames - 1),
            "slot": (self.slot_offset, self.slot_offset + slots - 1),
            "port": (self.port_offset, self.port_offset + ports - 1),
            "onu_id": (0, self.max_onu_id),
        }

    # Decoding

    def decode_ifindex(self, ifindex: int) -> tuple[int, int, int]:
        """``(frame, slot, port)`` of a PON port's ifIndex."""
        if not 0 <= ifindex <= IFINDEX_MAX:
            raise IndexDecodeError(f"ifIndex {ifindex} is outside 0..{IFINDEX_MAX}")
        delta = ifindex - self.base
        if delta < 0:
            raise IndexDecodeError(f"ifIndex {ifindex} is below the base {self.base}")
        if self.mode == "linear":
            frame, rest = divmod(delta, self.frame_step) if self.frame_step else (0, delta)
            slot, rest = divmod(rest, self.slot_step)
            port, rest = divmod(rest, self.port_step)
            if rest:
                raise IndexDecodeError(
                    f"ifIndex {ifindex} is not on a port boundary: {rest} left over after "
                    f"port_step {self.port_step}"
                )
        else:
            frame = (delta >> self.frame_shift) & ((1 << self.frame_bits) - 1)
            slot = (delta >> self.slot_shift) & ((1 << self.slot_bits) - 1)
            port = (delta >> self.port_shift) & ((1 << self.port_bits) - 1)
            rebuilt = (frame << self.frame_shift) | (slot << self.slot_shift)
            rebuilt |= port << self.port_shift
            if rebuilt != delta:
                raise IndexDecodeError(
                    f"ifIndex {ifindex} has bits outside the frame, slot and port fields "
                    f"({delta ^ rebuilt:#x})"
                )
        return frame + self.frame_offset, slot + self.slot_offset, port + self.port_offset

    def decode(self, index: str) -> OnuPosition:
        """Position of the ONU whose row index is ``"<ifIndex>.<onuId>"``."""
        if not isinstance(index, str):
            raise IndexDecodeError(f"index must be a string like '4194312448.5', not {index!r}")
        parts = index.split(".")
        if len(parts) != 2:
            raise IndexDecodeError(
                f"index {index!r} must be '<ifIndex>.<onuId>' (found {len(parts)} parts)"
            )
        ifindex = _decimal("ifIndex", parts[0], index)
        onu_id = _decimal("ONU id", parts[1], index)
        if onu_id > self.max_onu_id:
            raise IndexDecodeError(
                f"ONU id {onu_id} in index {index!r} is above the maximum {self.max_onu_id}"
            )
        frame, slot, port = self.decode_ifindex(ifindex)
        return OnuPosition(frame=frame, slot=slot, port=port, onu_id=onu_id)

    # Encoding

    def encode_ifindex(self, frame: int, slot: int, port: int) -> int:
        """The ifIndex of the PON port at ``frame/slot/port``."""
        ranges = self.ranges()
        raw = {}
        for name, value in (("frame", frame), ("slot", slot), ("port", port)):
            if not isinstance(value, int) or isinstance(value, bool):
                raise IndexDecodeError(f"{name} must be an integer, not {value!r}")
            low, high = ranges[name]
            if not low <= value <= high:
                raise IndexDecodeError(f"{name} {value} is outside {low}..{high}")
            raw[name] = value - getattr(self, f"{name}_offset")
        if self.mode == "linear":
            ifindex = self.base + raw["frame"] * self.frame_step
            ifindex += raw["slot"] * self.slot_step + raw["port"] * self.port_step
        else:
            ifindex = self.base | (raw["frame"] << self.frame_shift)
            ifindex |= (raw["slot"] << self.slot_shift) | (raw["port"] << self.port_shift)
        if ifindex > IFINDEX_MAX:
            raise IndexDecodeError(
                f"position {frame}/{slot}/{port} gives ifIndex {ifindex}, above {IFINDEX_MAX}"
            )
        return ifindex

    def encode(self, position: OnuPosition) -> str:
        """The row index ``"<ifIndex>.<onuId>"`` of ``position``."""
        onu_id = position.onu_id
        if not isinstance(onu_id, int) or isinstance(onu_id, bool):
            raise IndexDecodeError(f"ONU id must be an integer, not {onu_id!r}")
        if not 0 <= onu_id <= self.max_onu_id:
            raise IndexDecodeError(f"ONU id {onu_id} is outside 0..{self.max_onu_id}")
        ifindex = self.encode_ifindex(position.frame, position.slot, position.port)
        return f"{ifindex}.{onu_id}"


def _decimal(part: str, text: str, index: str) -> int:
    if not text or not text.isascii() or not text.isdigit():
        raise IndexDecodeError(f"{part} {text!r} in index {index!r} is not a decimal number")
    if len(text) > 1 and text.startswith("0"):
        raise IndexDecodeError(f"{part} {text!r} in index {index!r} has a leading zero")
    value = int(text)
    if value > IFINDEX_MAX:
        raise IndexDecodeError(f"{part} {value} in index {index!r} is above {IFINDEX_MAX}")
    return value


#: Huawei MA5600T/MA5800 GPON (HUAWEI-XPON-MIB tables under 2011.6.128.1.1.2, e.g.
#: hwGponDeviceOntControlRunStatus): PON ifIndex ``0xFA000000 + slot*8192 + port*256``
#: (4194304000 + slot<<13 + port<<8), ONT id 0..127 after the dot (hwGponDeviceOntIndex,
#: "range: 0-127" in the MIB). Frame 0 only: the frame bits of multi-frame chassis are not
#: confirmed, so frame is always decoded as 0.
HUAWEI_GPON = IndexLayout(
    mode="linear", base=4194304000, slot_step=8192, port_step=256, max_onu_id=127
)

#: ZTE C300/C320 tables of the ZXGPON-SERVICE-MIB family, 1.3.6.1.4.1.3902.1012.3 (e.g.
#: zxGponOntDevMgmtTable .28.1.1, zxGponOntStateTable .28.2.1, zxGponRTDTable .11.4.1), indexed
#: by zxGponMgmtPonOltId and zxGponMgmtPonOnuId. zxGponMgmtPonOltId packs type 1 in bits 31-28,
#: shelf 0 in bits 27-24, the slot in bits 23-16 and the PON port in bits 15-8:
#: ``268435456 + slot*65536 + port*256`` (the seed's linear formula, which is right). The CLI
#: names this port ``gpon-olt_1/<slot>/<port>``: hardware captures show 268501248 = 1/1/1 and
#: 268566784 = 1/2/1, so the pairing "gpon-onu_1/2/1:5 = 268501248.5" found in the seed's
#: notes is off by one slot. The rack is not encoded: frame decodes as 1. ONU ids 1..128.
ZTE_GPON_ZXGPON = IndexLayout(
    mode="shift",
    base=0x10000000,
    slot_shift=16,
    slot_bits=8,
    port_shift=8,
    port_bits=8,
    frame_offset=1,
    max_onu_id=128,
)

#: ZTE C300/C320 tables under 1.3.6.1.4.1.3902.1082.500 (ONU names .10.2.3.3.1.2, serials
#: .10.2.3.3.1.18, states .10.2.3.8.1.4, optical levels .20.2.2.2.1.10): the same port is
#: numbered ``0x11000000 + rack<<16 + slot<<8 + port``, so 285278721 = gpon-olt_1/2/1 while
#: the 3902.1012 tables call that port 268566784. One OLT answers both families: a catalog OID
#: must name the layout of its own family. ONU ids 1..128 after the dot.
ZTE_GPON_ZXAN = IndexLayout(
    mode="shift",
    base=0x11000000,
    frame_shift=16,
    frame_bits=8,
    slot_shift=8,
    slot_bits=8,
    port_shift=0,
    port_bits=8,
    max_onu_id=128,
)

#: The presets by name, for seeding ``catalog.IndexFormula`` rows.
PRESETS: dict[str, IndexLayout] = {
    "huawei-gpon": HUAWEI_GPON,
    "zte-gpon-zxgpon": ZTE_GPON_ZXGPON,
    "zte-gpon-zxan": ZTE_GPON_ZXAN,
}
