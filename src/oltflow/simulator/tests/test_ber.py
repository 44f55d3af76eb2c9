"""The relay's BER helpers: reading and replacing an SNMP message's community."""

from __future__ import annotations

import pytest

from oltflow.simulator.ber import (
    SEQUENCE,
    BerError,
    encode_integer,
    encode_length,
    encode_tlv,
    read_header,
    replace_community,
)

PDU = bytes.fromhex("a01902040102030402010002010030083006060101050500")


def _message(version: int, community: bytes) -> bytes:
    return encode_tlv(SEQUENCE, encode_integer(version) + encode_tlv(0x04, community) + PDU)


@pytest.mark.parametrize("length", [0, 5, 127, 128, 255, 256, 70_000])
def test_lengths_use_the_short_form_only_below_128(length: int) -> None:
    encoded = encode_length(length)

    assert len(encoded) == 1 if length < 128 else encoded[0] == 0x80 | (len(encoded) - 1)


def test_a_community_can_be_replaced_by_a_longer_or_shorter_one() -> None:
    message = _message(1, b"olt-7")

    longer = replace_community(message, b"olt-7~e12" + b"x" * 200)
    back = replace_community(longer, b"olt-7")

    assert read_header(longer).community == b"olt-7~e12" + b"x" * 200
    assert longer.endswith(PDU)
    assert back == message


def test_v3_messages_have_no_community() -> None:
    message = encode_tlv(SEQUENCE, encode_integer(3) + encode_tlv(0x30, b"") + PDU)

    assert read_header(message).community is None
    with pytest.raises(BerError):
        replace_community(message, b"x")


@pytest.mark.parametrize(
    "data",
    [b"", b"\x30", b"\x04\x00", b"\x30\x05\x02\x01\x01", b"\x30\x03\x04\x01a", b"\x30\x84\xff"],
)
def test_garbage_is_refused(data: bytes) -> None:
    with pytest.raises(BerError):
        read_header(data)
