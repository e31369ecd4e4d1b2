"""HTTP side of users and keys: decode the call, ask the service, shape the answer."""

from __future__ import annotations

from mockcml.core.errors import InvalidArgument, PermissionDenied
from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.resources.users.service import AUDIENCES, key_audiences


@operation("ValidateAPIKey")
def validate_api_key(call: Call) -> dict:
    audience = (call.body or {}).get("audience") or "API"
    if audience not in AUDIENCES:
        raise InvalidArgument(f"unknown audience {audience!r}, expected API or Application")
    if audience not in key_audiences(call.key):
        # Seen on a live workspace: an API key checked for "Application" is a 403 / code 7.
        raise PermissionDenied("audience mismatch")
    return {"valid": True, "username": call.user.username, "message": "API key is valid"}
