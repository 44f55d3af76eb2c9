"""olt_target(): an OLT row's SNMP settings as the client's target, secrets kept out of sight."""

from __future__ import annotations

import pytest

from oltflow.catalog.models import Brand, OltModel
from oltflow.inventory.models import Olt
from oltflow.polling.targets import olt_target
from oltflow.snmp.errors import SnmpConfigError

pytestmark = pytest.mark.django_db


def olt(**fields: object) -> Olt:
    brand = Brand.objects.create(name="Acme")
    model = OltModel.objects.create(brand=brand, name="A1")
    return Olt(name="olt", brand=brand, model=model, host="127.0.0.1", **fields)


def test_every_snmp_setting_reaches_the_target() -> None:
    # Given an SNMPv3 OLT with every setting away from its default
    row = olt(
        snmp_port=1161,
        snmp_version="v3",
        v3_user="poller",
        v3_auth_protocol="sha256",
        v3_auth_key="auth-secret-1",
        v3_priv_protocol="aes",
        v3_priv_key="priv-secret-1",
        timeout_seconds=2.5,
        retries=3,
        max_repetitions=20,
        max_varbinds=30,
        request_rate=40.0,
    )

    # When its target is built
    target = olt_target(row)

    # Then it carries them all, and shows none of the secrets
    assert (target.host, target.port, target.version, target.user) == (
        "127.0.0.1",
        1161,
        "v3",
        "poller",
    )
    assert (target.auth_protocol, target.auth_key) == ("sha256", "auth-secret-1")
    assert (target.priv_protocol, target.priv_key) == ("aes", "priv-secret-1")
    assert (target.timeout, target.retries) == (2.5, 3)
    assert (target.max_repetitions, target.max_varbinds, target.rate_limit) == (20, 30, 40.0)
    assert "secret" not in repr(target)


def test_v2c_community_and_no_rate_cap() -> None:
    target = olt_target(olt(community="s3cret-community"))

    assert (target.version, target.community, target.rate_limit) == (
        "v2c",
        "s3cret-community",
        None,
    )
    assert "s3cret" not in str(target)


def test_invalid_settings_raise_the_snmp_config_error_without_secrets() -> None:
    with pytest.raises(SnmpConfigError) as caught:
        olt_target(olt(snmp_version="v3", v3_auth_protocol="sha", v3_auth_key="hidden-key"))

    assert "user is required" in str(caught.value)
    assert "hidden-key" not in str(caught.value)
