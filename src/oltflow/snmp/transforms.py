"""Value transforms: a raw SNMP value to the text and number stored for an ONU.

Transforms and their parameters (every one also takes ``no_reading``, a list of raw values
that mean "no reading", such as Huawei's 2147483647 for an offline ONT's optical levels):

========== =================================== ============================================
name       parameters                          result
========== =================================== ============================================
integer    unit, min, max                      the integer; ``number`` is the integer
text       (none)                              trimmed text, invalid UTF-8 replaced
hex_serial (none)                              ``HWTC`` + 8 hex digits (4 ASCII vendor
                                               letters + 4 bytes), from 8 raw bytes or an
                                               already textual serial
hex        separator                           upper-case hex digits, e.g. a MAC address
scale      factor, offset, decimals, unit,     ``raw * factor + offset``, e.g. Huawei optical
           min, max                            power: factor 0.01, unit "dBm"
enum       map, strict                         ``map[str(raw)]``, e.g. {"1": "online"};
                                               ``number`` is the raw code
========== =================================== ============================================

``unit`` is appended to ``text`` ("1234 m"); ``min`` and ``max`` bound the raw value; a
scale's ``decimals`` defaults to the places its factor, offset and raw value need.
``validate_params`` checks a parameter set (the catalog admin calls it);
``compile_transform`` validates once and returns a function for many values; ``apply`` does
both for one value. Malformed raw values raise ``ValueTransformError``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

TRANSFORMS = ("integer", "text", "hex_serial", "hex", "scale", "enum")

# Raw integers outside this range cannot come from SNMP (Integer32 .. Counter64).
_SNMP_INT_MIN = -(2**63)
_SNMP_INT_MAX = 2**64 - 1

_ALLOWED: dict[str, frozenset[str]] = {
    "integer": frozenset({"no_reading", "unit", "min", "max"}),
    "text": frozenset({"no_reading"}),
    "hex_serial": frozenset({"no_reading"}),
    "hex": frozenset({"no_reading", "separator"}),
    "scale": frozenset({"no_reading", "factor", "offset", "decimals", "unit", "min", "max"}),
    "enum": frozenset({"no_reading", "map", "strict"}),
}
_REQUIRED: dict[str, frozenset[str]] = {"scale": frozenset({"factor"}), "enum": frozenset({"map"})}

_TEXT_SERIAL = re.compile(r"^[A-Za-z0-9]{4}[0-9A-Fa-f]{8}$")
_HEX_SERIAL = re.compile(r"^[0-9A-Fa-f]{16}$")
_ZTE_SERIAL_PREFIX = re.compile(r"^\d+,")

Raw = int | float | bytes | str


class TransformParamsError(ValueError):
    """A transform name or parameter set that cannot be used."""


class ValueTransformError(ValueError):
    """A raw value the transform cannot make sense of."""


@dataclass(frozen=True)
class TransformedValue:
    """``text`` for display, ``number`` for history (``None`` when not numeric)."""

    text: str
    number: float | None
    no_reading: bool = False


NO_READING = TransformedValue(text="", number=None, no_reading=True)


# Parameter validation


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def validate_params(name: str, params: Mapping[str, Any]) -> None:
    """Raise ``TransformParamsError`` naming the first unknown or invalid parameter."""
    if name not in _ALLOWED:
        raise TransformParamsError(
            f"unknown transform {name!r}; expected one of {', '.join(TRANSFORMS)}"
        )
    if not isinstance(params, Mapping):
        raise TransformParamsError(f"parameters of {name!r} must be an object, not {params!r}")
    allowed = _ALLOWED[name]
    for key in params:
        if key not in allowed:
            raise TransformParamsError(
                f"unknown parameter {key!r} for transform {name!r}; allowed: "
                f"{', '.join(sorted(allowed))}"
            )
    for key in sorted(_REQUIRED.get(name, ())):
        if key not in params:
            raise TransformParamsError(f"parameter {key!r} is required by transform {name!r}")
    for key, value in params.items():
        _check_param(name, key, value)
    if "min" in params and "max" in params and params["min"] > params["max"]:
        raise TransformParamsError(
            f"parameter 'min' {params['min']} is above 'max' {params['max']}"
        )


def _check_param(name: str, key: str, value: Any) -> None:
    problem = None
    if key == "no_reading":
        if not isinstance(value, list) or not all(
            isinstance(item, int | str) and not isinstance(item, bool) for item in value
        ):
            problem = "must be a list of integers or strings"
    elif key == "unit":
        if not isinstance(value, str) or len(value) > 16:
            problem = "must be a string of at most 16 characters"
    elif key in ("min", "max", "offset"):
        if not _is_number(value):
            problem = "must be a finite number"
    elif key == "factor":
        if not _is_number(value) or value == 0:
            problem = "must be a finite number other than 0"
    elif key == "decimals":
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 9:
            problem = "must be an integer from 0 to 9"
    elif key == "separator":
        if not isinstance(value, str) or len(value) > 3:
            problem = "must be a string of at most 3 characters"
    elif key == "strict":
        if not isinstance(value, bool):
            problem = "must be true or false"
    elif key == "map" and (
        not isinstance(value, Mapping)
        or not value
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
    ):
        problem = 'must be a non-empty object of strings, e.g. {"1": "online"}'
    if problem:
        raise TransformParamsError(f"parameter {key!r} of transform {name!r} {problem}: {value!r}")


# Raw value helpers


def _kind(raw: Any) -> str:
    return type(raw).__name__


def _as_text(raw: Raw) -> str:
    """Decode an octet string without ever raising: invalid UTF-8 becomes U+FFFD."""
    if isinstance(raw, bytes):
        return raw.decode("utf-8", errors="replace")
    return str(raw)


def _as_int(name: str, raw: Raw) -> int:
    if isinstance(raw, bool) or raw is None:
        raise ValueTransformError(f"{name} expects an integer, got {_kind(raw)} {raw!r}")
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, bytes | str):
        text = _as_text(raw).strip().strip("\x00")
        if not text:
            raise ValueTransformError(f"{name} got an empty value")
        try:
            value = int(text, 10)
        except ValueError:
            raise ValueTransformError(f"{name} expects an integer, got {raw!r}") from None
    else:
        raise ValueTransformError(f"{name} expects an integer, got {_kind(raw)} {raw!r}")
    if not _SNMP_INT_MIN <= value <= _SNMP_INT_MAX:
        raise ValueTransformError(f"{name} got {value}, outside any SNMP integer range")
    return value


def _as_number(name: str, raw: Raw) -> float:
    if isinstance(raw, bool) or raw is None:
        raise ValueTransformError(f"{name} expects a number, got {_kind(raw)} {raw!r}")
    if isinstance(raw, int):
        return float(_as_int(name, raw))
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise ValueTransformError(f"{name} got a non-finite number {raw!r}")
        return raw
    if isinstance(raw, bytes | str):
        text = _as_text(raw).strip().strip("\x00")
        if not text:
            raise ValueTransformError(f"{name} got an empty value")
        try:
            value = float(text)
        except ValueError:
            raise ValueTransformError(f"{name} expects a number, got {raw!r}") from None
        if not math.isfinite(value):
            raise ValueTransformError(f"{name} got a non-finite number {raw!r}")
        return value
    raise ValueTransformError(f"{name} expects a number, got {_kind(raw)} {raw!r}")


def _is_sentinel(raw: Raw, sentinels: list[int | str]) -> bool:
    if not sentinels:
        return False
    if isinstance(raw, bytes):
        raw = _as_text(raw).strip()
    elif isinstance(raw, str):
        raw = raw.strip()
    for sentinel in sentinels:
        if raw == sentinel or str(raw) == str(sentinel):
            return True
    return False


def _check_bounds(name: str, value: float, params: Mapping[str, Any]) -> None:
    if "min" in params and value < params["min"]:
        raise ValueTransformError(f"{name} got {value:g}, below the minimum {params['min']}")
    if "max" in params and value > params["max"]:
        raise ValueTransformError(f"{name} got {value:g}, above the maximum {params['max']}")


def _with_unit(text: str, params: Mapping[str, Any]) -> str:
    unit = params.get("unit")
    return f"{text} {unit}" if unit else text


def _decimals_of(number: float) -> int:
    """Decimal places of a number: 0.01 gives 2, 0.002 gives 3, 10 gives 0."""
    text = f"{abs(number):.9f}".rstrip("0")
    return min(len(text.split(".")[1]), 9) if "." in text else 0


# The transforms


def _integer(params: Mapping[str, Any], raw: Raw) -> TransformedValue:
    value = _as_int("integer", raw)
    _check_bounds("integer", value, params)
    return TransformedValue(text=_with_unit(str(value), params), number=float(value))


def _text(params: Mapping[str, Any], raw: Raw) -> TransformedValue:
    if raw is None or isinstance(raw, bool) or not isinstance(raw, bytes | str | int | float):
        raise ValueTransformError(f"text expects an octet string, got {_kind(raw)} {raw!r}")
    text = _as_text(raw).replace("\x00", "").strip()
    return TransformedValue(text=text, number=None)


def _hex_serial(params: Mapping[str, Any], raw: Raw) -> TransformedValue:
    if isinstance(raw, bytes) and len(raw) == 8:
        vendor, serial = raw[:4], raw[4:]
        if all(0x30 <= byte <= 0x39 or 0x41 <= byte <= 0x5A for byte in vendor):
            return TransformedValue(text=vendor.decode("ascii") + serial.hex().upper(), number=None)
        return TransformedValue(text=raw.hex().upper(), number=None)
    if not isinstance(raw, bytes | str) or isinstance(raw, bool):
        raise ValueTransformError(f"hex_serial expects 8 bytes or a serial, got {_kind(raw)}")
    text = _as_text(raw).replace("\x00", "").strip()
    if not text:
        raise ValueTransformError("hex_serial got an empty value")
    # ZTE's 3902.1082 tables prefix the serial with "1,".
    text = _ZTE_SERIAL_PREFIX.sub("", text)
    if _HEX_SERIAL.match(text):
        return _hex_serial(params, bytes.fromhex(text))
    if _TEXT_SERIAL.match(text):
        return TransformedValue(text=text[:4].upper() + text[4:].upper(), number=None)
    raise ValueTransformError(
        f"hex_serial expects 8 bytes, 16 hex digits or 4 letters and 8 hex digits, got {raw!r}"
    )


def _hex(params: Mapping[str, Any], raw: Raw) -> TransformedValue:
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if not isinstance(raw, bytes):
        raise ValueTransformError(f"hex expects an octet string, got {_kind(raw)} {raw!r}")
    if not raw:
        raise ValueTransformError("hex got an empty value")
    separator = params.get("separator", "")
    return TransformedValue(
        text=raw.hex(separator).upper() if separator else raw.hex().upper(), number=None
    )


def _scale(params: Mapping[str, Any], raw: Raw) -> TransformedValue:
    value = _as_number("scale", raw)
    _check_bounds("scale", value, params)
    factor = params["factor"]
    offset = params.get("offset", 0)
    number = value * factor + offset
    decimals = params.get(
        "decimals",
        min(9, max(_decimals_of(factor) + _decimals_of(value), _decimals_of(offset))),
    )
    number = round(number, decimals)
    return TransformedValue(text=_with_unit(f"{number:.{decimals}f}", params), number=number)


def _enum(params: Mapping[str, Any], raw: Raw) -> TransformedValue:
    if raw is None or isinstance(raw, bool) or not isinstance(raw, int | bytes | str):
        raise ValueTransformError(f"enum expects a code, got {_kind(raw)} {raw!r}")
    key = str(raw) if isinstance(raw, int) else _as_text(raw).strip()
    if not key:
        raise ValueTransformError("enum got an empty value")
    number = float(int(key)) if re.fullmatch(r"-?\d+", key) else None
    mapping = params["map"]
    if key in mapping:
        return TransformedValue(text=mapping[key], number=number)
    if params.get("strict", False):
        raise ValueTransformError(
            f"enum code {key!r} is not in the map ({', '.join(sorted(mapping))})"
        )
    return TransformedValue(text=key, number=number)


_FUNCTIONS: dict[str, Callable[[Mapping[str, Any], Raw], TransformedValue]] = {
    "integer": _integer,
    "text": _text,
    "hex_serial": _hex_serial,
    "hex": _hex,
    "scale": _scale,
    "enum": _enum,
}


def compile_transform(name: str, params: Mapping[str, Any]) -> Callable[[Raw], TransformedValue]:
    """Validate ``params`` once and return a function applying the transform to raw values."""
    validate_params(name, params)
    function = _FUNCTIONS[name]
    frozen = dict(params)
    sentinels = list(frozen.get("no_reading", []))

    def transform(raw: Raw) -> TransformedValue:
        if _is_sentinel(raw, sentinels):
            return NO_READING
        return function(frozen, raw)

    return transform


def apply(name: str, params: Mapping[str, Any], raw: Raw) -> TransformedValue:
    """Transform one raw value (see the module docstring)."""
    return compile_transform(name, params)(raw)
