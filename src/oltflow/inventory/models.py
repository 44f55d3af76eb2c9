"""The inventory: OLTs with their SNMP settings, their ONUs and the values read from them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from oltflow.catalog.models import Brand, OltModel
from oltflow.inventory.choices import AuthProtocol, PrivProtocol, SnmpVersion


class Olt(models.Model):
    """An OLT and how to talk SNMP to it. Secrets are stored as given and never shown."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="olts")
    model = models.ForeignKey(OltModel, on_delete=models.PROTECT, related_name="olts")
    host = models.CharField(_("host"), max_length=255, help_text=_("IP address or DNS name."))
    snmp_port = models.PositiveIntegerField(
        _("SNMP port"), default=161, validators=[MinValueValidator(1), MaxValueValidator(65535)]
    )
    snmp_version = models.CharField(
        _("SNMP version"), max_length=3, choices=SnmpVersion, default=SnmpVersion.V2C
    )
    community = models.CharField(_("community"), max_length=128, blank=True)
    v3_user = models.CharField(_("SNMPv3 user"), max_length=64, blank=True)
    v3_auth_protocol = models.CharField(
        _("SNMPv3 auth protocol"), max_length=8, choices=AuthProtocol, default=AuthProtocol.NONE
    )
    v3_auth_key = models.CharField(_("SNMPv3 auth key"), max_length=128, blank=True)
    v3_priv_protocol = models.CharField(
        _("SNMPv3 privacy protocol"), max_length=8, choices=PrivProtocol, default=PrivProtocol.NONE
    )
    v3_priv_key = models.CharField(_("SNMPv3 privacy key"), max_length=128, blank=True)
    timeout_seconds = models.FloatField(
        _("timeout (s)"), default=5.0, validators=[MinValueValidator(0.1)]
    )
    retries = models.PositiveSmallIntegerField(_("retries"), default=1)
    max_repetitions = models.PositiveSmallIntegerField(
        _("max repetitions"), default=25, validators=[MinValueValidator(1)]
    )
    max_varbinds = models.PositiveSmallIntegerField(
        _("varbinds per GET"), default=50, validators=[MinValueValidator(1)]
    )
    request_rate = models.FloatField(
        _("request rate cap (per s)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.1)],
        help_text=_("Most SNMP requests per second sent to this OLT; empty = no cap."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("OLT")
        verbose_name_plural = _("OLTs")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.model_id and self.brand_id and self.model.brand_id != self.brand_id:
            errors["model"] = _("The model belongs to another brand.")
        if self.snmp_version in (SnmpVersion.V1, SnmpVersion.V2C) and not self.community:
            errors["community"] = _("SNMPv1 and v2c need a community.")
        if self.snmp_version == SnmpVersion.V3:
            if not self.v3_user:
                errors["v3_user"] = _("SNMPv3 needs a user.")
            if self.v3_auth_protocol != AuthProtocol.NONE and not self.v3_auth_key:
                errors["v3_auth_key"] = _("An auth protocol needs an auth key.")
            if self.v3_priv_protocol != PrivProtocol.NONE:
                if self.v3_auth_protocol == AuthProtocol.NONE:
                    errors["v3_priv_protocol"] = _("Privacy needs an auth protocol too.")
                if not self.v3_priv_key:
                    errors["v3_priv_key"] = _("A privacy protocol needs a privacy key.")
        if errors:
            raise ValidationError(errors)


class Onu(models.Model):
    """An ONU found by discovery, identified on its OLT by the raw SNMP row index."""

    olt = models.ForeignKey(Olt, on_delete=models.CASCADE, related_name="onus")
    raw_index = models.CharField(_("SNMP index"), max_length=64)
    frame = models.PositiveSmallIntegerField(_("frame"), null=True, blank=True)
    slot = models.PositiveSmallIntegerField(_("slot"), null=True, blank=True)
    port = models.PositiveSmallIntegerField(_("port"), null=True, blank=True)
    onu_id = models.PositiveIntegerField(_("ONU id"), null=True, blank=True)
    present = models.BooleanField(_("present"), default=True)
    misses = models.PositiveIntegerField(
        _("consecutive misses"),
        default=0,
        help_text=_("Discovery walks in a row that did not list this ONU."),
    )
    first_seen_at = models.DateTimeField(_("first seen"))
    last_seen_at = models.DateTimeField(_("last seen"))
    absent_since = models.DateTimeField(_("absent since"), null=True, blank=True)

    class Meta:
        ordering = ["olt", "frame", "slot", "port", "onu_id"]
        constraints = [
            models.UniqueConstraint(fields=["olt", "raw_index"], name="onu_unique_index_per_olt")
        ]
        indexes = [models.Index(fields=["olt", "slot", "port"], name="onu_position")]
        verbose_name = _("ONU")
        verbose_name_plural = _("ONUs")

    def __str__(self) -> str:
        if self.slot is None:
            return f"{self.olt.name} {self.raw_index}"
        return f"{self.olt.name} {self.frame or 0}/{self.slot}/{self.port}:{self.onu_id}"


class OnuValue(models.Model):
    """The latest value of one field of one ONU (serial, rx_power, run_status ...)."""

    onu = models.ForeignKey(Onu, on_delete=models.CASCADE, related_name="values")
    field = models.SlugField(_("field"), max_length=64)
    text = models.TextField(_("value"), blank=True)
    number = models.FloatField(_("number"), null=True, blank=True)
    no_reading = models.BooleanField(
        _("no reading"), default=False, help_text=_("The OLT answered its 'no reading' value.")
    )
    error = models.CharField(_("error"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        ordering = ["onu", "field"]
        constraints = [
            models.UniqueConstraint(fields=["onu", "field"], name="onu_value_unique_field")
        ]
        verbose_name = _("ONU value")
        verbose_name_plural = _("ONU values")

    def __str__(self) -> str:
        return f"{self.field}={self.text}"


class OnuSample(models.Model):
    """One numeric reading of one ONU field, kept as history."""

    onu = models.ForeignKey(Onu, on_delete=models.CASCADE, related_name="samples")
    field = models.SlugField(_("field"), max_length=64)
    number = models.FloatField(_("number"))
    sampled_at = models.DateTimeField(_("sampled at"))

    class Meta:
        ordering = ["onu", "field", "sampled_at"]
        indexes = [models.Index(fields=["onu", "field", "sampled_at"], name="onu_sample_series")]
        verbose_name = _("ONU sample")
        verbose_name_plural = _("ONU samples")

    def __str__(self) -> str:
        return f"{self.field}={self.number} at {self.sampled_at:%Y-%m-%d %H:%M:%S}"
