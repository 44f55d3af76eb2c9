"""Writing snmpsim ``.snmprec`` data: one ``OID|TAG|VALUE`` record per line, sorted by OID."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

INTEGER = "2"
OCTET_STRING = "4"
OCTET_STRING_HEX = "4x"
OBJECT_ID = "6"
TIMETICKS = "67"

Record = tuple[str, str, str]


def integer(oid: str, value: int) -> Record:
    return oid, INTEGER, str(value)


def octets(oid: str, value: bytes | str) -> Record:
    """An OCTET STRING record; anything but plain printable ASCII is written as hex."""
    if isinstance(value, str):
        if value and all(" " <= char <= "~" for char in value):
            return oid, OCTET_STRING, value
        value = value.encode("utf-8")
    return oid, OCTET_STRING_HEX, value.hex()


def _key(record: Record) -> tuple[int, ...]:
    return tuple(int(part) for part in record[0].split("."))


def write(path: Path, records: Iterable[Record]) -> int:
    """Write ``records`` sorted by OID to ``path`` (atomically); return how many."""
    ordered = sorted(records, key=_key)
    for previous, current in zip(ordered, ordered[1:], strict=False):
        if previous[0] == current[0]:
            raise ValueError(f"OID {current[0]} appears twice in {path.name}")
    text = "".join(f"{oid}|{tag}|{value}\n" for oid, tag, value in ordered)
    scratch = path.with_suffix(path.suffix + ".tmp")
    scratch.write_text(text, encoding="ascii")
    scratch.replace(path)
    return len(ordered)
