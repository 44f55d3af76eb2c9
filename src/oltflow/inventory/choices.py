"""Choice sets of the inventory: SNMP versions and v3 protocols."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SnmpVersion(models.TextChoices):
    V1 = "v1", "SNMPv1"
    V2C = "v2c", "SNMPv2c"
    V3 = "v3", "SNMPv3"


class AuthProtocol(models.TextChoices):
    NONE = "none", _("None")
    MD5 = "md5", "MD5"
    SHA = "sha", "SHA-1"
    SHA224 = "sha224", "SHA-224"
    SHA256 = "sha256", "SHA-256"
    SHA384 = "sha384", "SHA-384"
    SHA512 = "sha512", "SHA-512"


class PrivProtocol(models.TextChoices):
    NONE = "none", _("None")
    DES = "des", "DES"
    AES = "aes", "AES-128"
