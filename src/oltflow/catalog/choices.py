"""Choice sets of the catalog: the kinds of SNMP work and the value transforms."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a catalog OID is used for; it decides the runner, the queue and the default priority."""

    DISCOVERY = "discovery", _("Discovery")
    GET = "get", _("Get")
    WALK = "walk", _("Walk")


class Transform(models.TextChoices):
    """How a raw SNMP value becomes the value stored for an ONU (see oltflow.snmp.transforms)."""

    INTEGER = "integer", _("Integer")
    TEXT = "text", _("Text")
    HEX_SERIAL = "hex_serial", _("Hex serial")
    HEX = "hex", _("Hex")
    SCALE = "scale", _("Scaled number")
    ENUM = "enum", _("Enumeration")


class Runner(models.TextChoices):
    """The Python runner a TaskFunction stands for (see oltflow.polling.registry)."""

    DISCOVERY = "discovery", _("Discovery walk")
    GET = "get", _("Get per ONU")
    SIMULATE = "simulate", _("Simulated work (demos and benchmarks)")


class IndexMode(models.TextChoices):
    LINEAR = "linear", _("Linear (base + steps)")
    SHIFT = "shift", _("Bit fields (shifts and widths)")
