"""Execution states, grouped: active states hold their OLT, terminal states free it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExecutionStatus(models.TextChoices):
    PENDING = "PENDING", _("Pending")
    RUNNING = "RUNNING", _("Running")
    SUCCESS = "SUCCESS", _("Success")
    FAILED = "FAILED", _("Failed")
    INTERRUPTED = "INTERRUPTED", _("Interrupted")


ACTIVE_STATUSES = (ExecutionStatus.PENDING, ExecutionStatus.RUNNING)
TERMINAL_STATUSES = (ExecutionStatus.SUCCESS, ExecutionStatus.FAILED, ExecutionStatus.INTERRUPTED)
