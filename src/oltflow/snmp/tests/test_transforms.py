"""Value transforms: one test group per transform, malformed input included."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oltflow.snmp.transforms import (
    TRANSFORMS,
    TransformedValue,
    TransformParamsError,
    ValueTransformError,
    apply,
    compile_transform,
    validate_params,
)

HUAWEI_OPTICAL = {"factor": 0.01, "unit": "dBm", "no_reading": [2147483647]}


# integer


@pytest.mark.parametrize(
    ("params", "raw", "text", "number"),
    [
        ({}, 1234, "1234", 1234.0),
        ({"unit": "m"}, 1234, "1234 m", 1234.0),
        ({}, -1, "-1", -1.0),
        ({}, b"42", "42", 42.0),
        ({}, " 7 ", "7", 7.0),
        ({}, 2**64 - 1, str(2**64 - 1), float(2**64 - 1)),
    ],
)
def test_integer(params: dict[str, Any], raw: Any, text: str, number: float) -> None:
    assert apply("integer", params, raw) == TransformedValue(text=text, number=number)


@pytest.mark.parametrize(
    ("params", "raw", "message"),
    [
        ({}, b"", "empty"),
        ({}, "twelve", "expects an integer"),
        ({}, b"\xff\xfe", "expects an integer"),
        ({}, 1.5, "expects an integer"),
        ({}, True, "expects an integer"),
        ({}, None, "expects an integer"),
        ({}, 2**64, "outside any SNMP integer range"),
        ({"max": 30000}, 40000, "above the maximum 30000"),
        ({"min": 0}, -1, "below the minimum 0"),
    ],
)
def test_integer_rejects_malformed(params: dict[str, Any], raw: Any, message: str) -> None:
    with pytest.raises(ValueTransformError, match=message):
        apply("integer", params, raw)


def test_distance_is_an_integer_in_metres_with_no_reading() -> None:
    distance = compile_transform("integer", {"unit": "m", "no_reading": [-1]})

    assert distance(15673) == TransformedValue("15673 m", 15673.0)
    assert distance(-1) == TransformedValue("", None, no_reading=True)


# text


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"CUST-000123 Av. Grau 12", "CUST-000123 Av. Grau 12"),
        (b"  padded  \x00\x00\x00", "padded"),
        ("Pe\u00f1a".encode(), "Pe\u00f1a"),
        (b"bad \xff\xfe utf8", "bad \ufffd\ufffd utf8"),
        (b"", ""),
        ("already text", "already text"),
        (17, "17"),
    ],
)
def test_text(raw: Any, text: str) -> None:
    assert apply("text", {}, raw) == TransformedValue(text=text, number=None)


@pytest.mark.parametrize("raw", [None, True, ["list"], {"a": 1}])
def test_text_rejects_what_is_not_a_value(raw: Any) -> None:
    with pytest.raises(ValueTransformError, match="text expects"):
        apply("text", {}, raw)


@settings(deadline=None, max_examples=200)
@given(raw=st.binary(max_size=200))
def test_text_never_fails_on_any_octet_string(raw: bytes) -> None:
    result = apply("text", {}, raw)

    assert result.text == result.text.strip()
    assert "\x00" not in result.text


# hex_serial


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"HWTC\x01\x02\x03\xab", "HWTC010203AB"),
        (b"ZTEG\xc1\xe5\xb3\xad", "ZTEGC1E5B3AD"),
        (b"\x00\x01\x02\x03\x04\x05\x06\x07", "0001020304050607"),
        ("HWTC010203AB", "HWTC010203AB"),
        ("hwtc010203ab", "HWTC010203AB"),
        (b"485754430102 03AB".replace(b" ", b""), "HWTC010203AB"),
        ("4857544301CA1B70", "HWTC01CA1B70"),
        ("1,ZTEGC1E5B3AD", "ZTEGC1E5B3AD"),
        (" HWTC010203AB\x00", "HWTC010203AB"),
    ],
)
def test_hex_serial(raw: Any, text: str) -> None:
    assert apply("hex_serial", {}, raw) == TransformedValue(text=text, number=None)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"HWTC\x01\x02\x03", "expects 8 bytes"),
        ("HWTC0102", "expects 8 bytes"),
        ("HWTC01020304XY", "expects 8 bytes"),
        (12345678, "expects 8 bytes or a serial"),
        (None, "expects 8 bytes or a serial"),
    ],
)
def test_hex_serial_rejects_malformed(raw: Any, message: str) -> None:
    with pytest.raises(ValueTransformError, match=message):
        apply("hex_serial", {}, raw)


# hex


def test_hex() -> None:
    assert apply("hex", {}, b"\x00\x1a\x2b") == TransformedValue("001A2B", None)
    assert apply("hex", {"separator": ":"}, b"\x00\x1a\x2b\x3c\x4d\x5e").text == "00:1A:2B:3C:4D:5E"


@pytest.mark.parametrize(("raw", "message"), [(b"", "empty"), (5, "expects an octet string")])
def test_hex_rejects_malformed(raw: Any, message: str) -> None:
    with pytest.raises(ValueTransformError, match=message):
        apply("hex", {}, raw)


# scale


@pytest.mark.parametrize(
    ("params", "raw", "text", "number"),
    [
        (HUAWEI_OPTICAL, -2051, "-20.51 dBm", -20.51),
        (HUAWEI_OPTICAL, 230, "2.30 dBm", 2.3),
        # hwGponOntOpticalDdmOltRxOntPower as deployed firmware reports it (+10000).
        ({"factor": 0.01, "offset": -100, "unit": "dBm"}, 7920, "-20.80 dBm", -20.8),
        # ZTE 3902.1082 optical level: raw * 0.002 - 30.
        ({"factor": 0.002, "offset": -30, "unit": "dBm"}, 5000, "-20.000 dBm", -20.0),
        ({"factor": 0.1, "decimals": 0}, 255, "26", 26.0),
        ({"factor": 2}, b"21", "42", 42.0),
        ({"factor": 1}, "-3.5", "-3.5", -3.5),
    ],
)
def test_scale(params: dict[str, Any], raw: Any, text: str, number: float) -> None:
    assert apply("scale", params, raw) == TransformedValue(text=text, number=number)


def test_scale_reports_no_reading_sentinels() -> None:
    assert apply("scale", HUAWEI_OPTICAL, 2147483647) == TransformedValue("", None, True)
    assert apply("scale", HUAWEI_OPTICAL, b"2147483647").no_reading


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        ("n/a", "expects a number"),
        (None, "expects a number"),
        (float("nan"), "non-finite"),
        (b"inf", "non-finite"),
    ],
)
def test_scale_rejects_malformed(raw: Any, message: str) -> None:
    with pytest.raises(ValueTransformError, match=message):
        apply("scale", HUAWEI_OPTICAL, raw)


def test_scale_rejects_out_of_range_raw_values() -> None:
    optical = {**HUAWEI_OPTICAL, "min": -5000, "max": 1000}

    with pytest.raises(ValueTransformError, match="below the minimum -5000"):
        apply("scale", optical, -6000)


# enum


RUN_STATUS = {"map": {"1": "online", "2": "offline"}}


@pytest.mark.parametrize(
    ("params", "raw", "text", "number"),
    [
        (RUN_STATUS, 1, "online", 1.0),
        (RUN_STATUS, b"2", "offline", 2.0),
        (RUN_STATUS, 7, "7", 7.0),
        ({"map": {"up": "online"}}, "up", "online", None),
    ],
)
def test_enum(params: dict[str, Any], raw: Any, text: str, number: float | None) -> None:
    assert apply("enum", params, raw) == TransformedValue(text=text, number=number)


@pytest.mark.parametrize(
    ("params", "raw", "message"),
    [
        ({**RUN_STATUS, "strict": True}, 7, "code '7' is not in the map"),
        (RUN_STATUS, b"", "empty"),
        (RUN_STATUS, None, "expects a code"),
        (RUN_STATUS, 1.0, "expects a code"),
    ],
)
def test_enum_rejects_malformed(params: dict[str, Any], raw: Any, message: str) -> None:
    with pytest.raises(ValueTransformError, match=message):
        apply("enum", params, raw)


# parameters


@pytest.mark.parametrize("name", TRANSFORMS)
def test_every_transform_accepts_no_parameters_unless_one_is_required(name: str) -> None:
    if name == "scale":
        validate_params(name, {"factor": 1})
    elif name == "enum":
        validate_params(name, {"map": {"1": "a"}})
    else:
        validate_params(name, {})


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("round", {}, "unknown transform 'round'"),
        ("integer", {"units": "m"}, "unknown parameter 'units' for transform 'integer'"),
        ("text", {"unit": "m"}, "unknown parameter 'unit' for transform 'text'"),
        ("scale", {}, "parameter 'factor' is required"),
        ("scale", {"factor": 0}, "parameter 'factor'"),
        ("scale", {"factor": "0.01"}, "parameter 'factor'"),
        ("scale", {"factor": 1, "offset": float("inf")}, "parameter 'offset'"),
        ("scale", {"factor": 1, "decimals": 12}, "parameter 'decimals'"),
        ("scale", {"factor": 1, "min": 5, "max": 1}, "'min' 5 is above 'max' 1"),
        ("integer", {"unit": 5}, "parameter 'unit'"),
        ("integer", {"no_reading": 2147483647}, "parameter 'no_reading'"),
        ("integer", {"no_reading": [True]}, "parameter 'no_reading'"),
        ("enum", {}, "parameter 'map' is required"),
        ("enum", {"map": {}}, "parameter 'map'"),
        ("enum", {"map": {"1": 1}}, "parameter 'map'"),
        ("enum", {"map": {"1": "a"}, "strict": "yes"}, "parameter 'strict'"),
        ("hex", {"separator": "----"}, "parameter 'separator'"),
        ("integer", ["unit"], "must be an object"),
    ],
)
def test_invalid_parameters_are_named(name: str, params: Any, message: str) -> None:
    with pytest.raises(TransformParamsError, match=message):
        validate_params(name, params)
    with pytest.raises(TransformParamsError):
        apply(name, params, 1)


def test_errors_are_value_errors() -> None:
    assert issubclass(TransformParamsError, ValueError)
    assert issubclass(ValueTransformError, ValueError)
