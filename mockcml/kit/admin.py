"""Site administration: operations only a workspace's site administrators may call."""

from __future__ import annotations

from typing import Any

from mockcml.core.errors import PermissionDenied


def require_site_admin(user: Any, what: str) -> None:
    """PERMISSION_DENIED (403, code 7) unless ``user`` is a site administrator.

    A real workspace refuses these operations to an ordinary API key the same way
    (ListWorkloadExecutions answers an ordinary key 403 with code 7).
    """
    if not user.is_admin:
        raise PermissionDenied(f"{what} is for site administrators")
