"""Errors of the catalog services, and turning validation errors into one readable line."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class CatalogError(ValueError):
    """A catalog entry that cannot be stored; the message names the entry and the fields."""


def describe_validation_error(exc: ValidationError) -> str:
    """One line out of a ValidationError: ``field: message; other: message``."""
    if hasattr(exc, "error_dict"):
        parts = []
        for name, errors in exc.message_dict.items():
            label = "" if name == "__all__" else f"{name}: "
            parts.append(label + " ".join(errors))
        return "; ".join(parts)
    return " ".join(exc.messages)
