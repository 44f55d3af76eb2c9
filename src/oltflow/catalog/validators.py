"""Validators shared by catalog, inventory and workflow models."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_DOTTED_OID = re.compile(r"^[0-2](\.(0|[1-9][0-9]*))+$")
_NODE_KEY = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_INDEX_SUFFIX = re.compile(r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$")


def validate_dotted_oid(value: str) -> None:
    """Accept a numeric OID such as ``1.3.6.1.2.1.1.1`` (no leading dot, no names)."""
    if not _DOTTED_OID.match(value or ""):
        raise ValidationError(
            _("%(value)r is not a numeric OID such as 1.3.6.1.4.1.2011.6.128.1.1.2.46.1.15"),
            params={"value": value},
            code="invalid_oid",
        )


def validate_node_key(value: str) -> None:
    """A template node key: lower case letters, digits, dots, dashes and underscores."""
    if not _NODE_KEY.match(value or ""):
        raise ValidationError(
            _("%(value)r is not a node key: use lower case letters, digits, '.', '-' and '_'"),
            params={"value": value},
            code="invalid_key",
        )


def validate_index_suffix(value: str) -> None:
    """Numeric index parts such as ``1`` or ``1.2``, without leading or trailing dots."""
    if value and not _INDEX_SUFFIX.match(value):
        raise ValidationError(
            _("%(value)r is not an index suffix: use numbers separated by dots, such as 1"),
            params={"value": value},
            code="invalid_index_suffix",
        )
