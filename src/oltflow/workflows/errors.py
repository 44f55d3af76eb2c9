"""Errors raised by the workflow services."""

from __future__ import annotations

from oltflow.catalog.errors import describe_validation_error


class WorkflowError(ValueError):
    """A template, node, OID or OLT cannot be applied or compiled as asked.

    The message names the objects involved, so it can be shown to an operator as it is.
    """


__all__ = ["WorkflowError", "describe_validation_error"]
