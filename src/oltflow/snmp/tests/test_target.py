"""SnmpTarget: validation, protocol spellings and secrets kept out of repr."""

from __future__ import annotations

import pytest

from oltflow.snmp import SnmpConfigError, SnmpTarget


def test_defaults_describe_a_v2c_agent() -> None:
    target = SnmpTarget("127.0.0.1")

    assert (target.version, target.port, target.community) == ("v2c", 161, "public")
    assert target.address == "127.0.0.1:161"


def test_repr_and_str_never_show_secrets() -> None:
    target = SnmpTarget(
        "127.0.0.1",
        version="v3",
        community="c0mmunity-secret",
        user="poller",
        auth_protocol="sha",
        auth_key="auth-secret",
        priv_protocol="aes",
        priv_key="priv-secret",
    )

    for text in (repr(target), str(target), f"{target}", f"{[target]}"):
        assert "secret" not in text
        assert "poller" in text
        assert "<hidden>" in text


def test_protocol_spellings_are_normalised() -> None:
    target = SnmpTarget(
        "127.0.0.1",
        version="v3",
        user="u",
        auth_protocol="SHA1",
        auth_key="k",
        priv_protocol="AES128",
        priv_key="p",
    )

    assert (target.auth_protocol, target.priv_protocol) == ("sha", "aes")


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"host": ""}, "host"),
        ({"port": 0}, "port"),
        ({"version": "v4"}, "version"),
        ({"version": "v3"}, "user"),
        ({"version": "v3", "user": "u", "auth_protocol": "rot13"}, "auth_protocol"),
        ({"version": "v3", "user": "u", "auth_protocol": "sha"}, "auth_key"),
        ({"version": "v3", "user": "u", "priv_protocol": "aes", "priv_key": "p"}, "priv_protocol"),
        (
            {
                "version": "v3",
                "user": "u",
                "auth_protocol": "md5",
                "auth_key": "k",
                "priv_protocol": "des",
            },
            "priv_key",
        ),
        ({"timeout": 0}, "timeout"),
        ({"retries": -1}, "retries"),
        ({"max_repetitions": 0}, "max_repetitions"),
        ({"max_varbinds": 5000}, "max_varbinds"),
        ({"rate_limit": 0}, "rate_limit"),
    ],
)
def test_invalid_settings_name_the_field(fields: dict[str, object], named: str) -> None:
    settings: dict[str, object] = {"host": "127.0.0.1"}
    settings.update(fields)

    with pytest.raises(SnmpConfigError, match=named):
        SnmpTarget(**settings)  # type: ignore[arg-type]


def test_config_errors_are_value_errors_and_not_retryable() -> None:
    assert issubclass(SnmpConfigError, ValueError)
    assert SnmpConfigError.retryable is False
