"""Site administration: the check every workspace-wide admin operation makes, and the
int64 parameters those operations take in their paths and query strings."""

from __future__ import annotations

from typing import Any

from mockcml.core.errors import InvalidArgument, PermissionDenied
from mockcml.kit.wire import query_value


def require_site_admin(user: Any, what: str) -> None:
    """PERMISSION_DENIED (403, code 7) unless the caller is a site administrator."""
    if not user.is_admin:
        raise PermissionDenied(f"{what} is for site administrators")


def int64_param(raw: Any, name: str) -> int:
    """A path or query value typed string/int64, parsed as grpc-gateway parses it.

    Anything but a decimal integer in the int64 range is a type mismatch (400, code 3),
    before the handler looks anything up.
    """
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    return query_value("integer", "int64", str(raw).strip(), name)


def required_int64(raw: Any, name: str) -> int:
    """An int64 that must be sent: a missing or empty value is INVALID_ARGUMENT."""
    if raw is None or raw == "":
        raise InvalidArgument(f"{name} is required")
    return int64_param(raw, name)


def int64_text(value: int | None) -> str:
    """An int64 as protojson writes it: a JSON string."""
    return str(value or 0)
