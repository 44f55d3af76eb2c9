"""Just enough BER to read and rewrite the header of an SNMP message.

An SNMPv1/v2c message is ``SEQUENCE { INTEGER version, OCTET STRING community, PDU }``; the
relay reads the version and community and may replace the community, leaving the PDU bytes
untouched. SNMPv3 messages (version 3) are passed on unread.
"""

from __future__ import annotations

from dataclasses import dataclass

SEQUENCE = 0x30
INTEGER = 0x02
OCTET_STRING = 0x04


class BerError(ValueError):
    """Bytes that are not the BER this module expects."""


def read_tlv(data: bytes, offset: int) -> tuple[int, int, int]:
    """Return ``(tag, value_start, value_end)`` of the TLV at ``offset`` (definite lengths)."""
    if offset + 2 > len(data):
        raise BerError("truncated TLV header")
    tag = data[offset]
    first = data[offset + 1]
    position = offset + 2
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        if count == 0 or count > 4 or position + count > len(data):
            raise BerError("unsupported or truncated length")
        length = int.from_bytes(data[position : position + count], "big")
        position += count
    end = position + length
    if end > len(data):
        raise BerError("value runs past the end of the message")
    return tag, position, end


def encode_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    body = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def encode_tlv(tag: int, value: bytes) -> bytes:
    return bytes([tag]) + encode_length(len(value)) + value


def encode_integer(value: int) -> bytes:
    size = max(1, (value.bit_length() + 8) // 8)
    return encode_tlv(INTEGER, value.to_bytes(size, "big", signed=True))


@dataclass(frozen=True)
class MessageHeader:
    """Version, community and where the PDU starts in an SNMP message."""

    version: int
    community: bytes | None
    pdu_start: int


def read_header(message: bytes) -> MessageHeader:
    """Read the version and (v1/v2c) community of an SNMP message."""
    tag, start, end = read_tlv(message, 0)
    if tag != SEQUENCE or end != len(message):
        raise BerError("not an SNMP message")
    tag, value_start, value_end = read_tlv(message, start)
    if tag != INTEGER or value_end - value_start > 4:
        raise BerError("message version is not a small INTEGER")
    version = int.from_bytes(message[value_start:value_end], "big", signed=True)
    if version == 3:
        return MessageHeader(version=version, community=None, pdu_start=value_end)
    tag, community_start, community_end = read_tlv(message, value_end)
    if tag != OCTET_STRING:
        raise BerError("community is not an OCTET STRING")
    return MessageHeader(
        version=version,
        community=message[community_start:community_end],
        pdu_start=community_end,
    )


def replace_community(message: bytes, community: bytes) -> bytes:
    """The same v1/v2c message with another community."""
    header = read_header(message)
    if header.community is None:
        raise BerError("SNMPv3 messages have no community")
    body = encode_integer(header.version)
    body += encode_tlv(OCTET_STRING, community) + message[header.pdu_start :]
    return encode_tlv(SEQUENCE, body)
