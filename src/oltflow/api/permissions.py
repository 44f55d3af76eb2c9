"""Who may do what through the API.

The rule is Django's model permissions: every signed-in user can read, and writing needs the
``add``, ``change`` or ``delete`` permission of the model concerned. Superusers hold them all;
a user with no permissions (for example one who is only in a "readers" group) is read-only and
gets 403 on any write. Actions that are not plain CRUD (apply a template, run a job now) name
the permission they need on the view's ``action_permissions``.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissions
from rest_framework.request import Request


class ModelPermissions(DjangoModelPermissions):
    """Read for every signed-in user; add, change and delete need the model's permission."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        if request.method in SAFE_METHODS:
            return True
        required = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
        if required is not None:
            return request.user.has_perms(required)
        return super().has_permission(request, view)
