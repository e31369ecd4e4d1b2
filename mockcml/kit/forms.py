"""Small validators shared by the administration resources."""

from __future__ import annotations

from typing import Any

from mockcml.core.errors import InvalidArgument


def required_text(body: dict[str, Any], name: str, where: str = "") -> str:
    """A string field that must be sent and not be blank, stripped."""
    value = (body.get(name) or "").strip()
    if not value:
        raise InvalidArgument(f"{where}{name} is required")
    return value


def int_id(raw: Any, name: str) -> int:
    """A numeric path id (int32 in the contract); anything else is INVALID_ARGUMENT."""
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise InvalidArgument(f"{name} must be an integer") from None
    if not 0 < value < 2**31:
        raise InvalidArgument(f"{name} must be a positive int32")
    return value


def flag(raw: str, name: str) -> bool:
    """A boolean carried in a path segment ("true"/"false", as grpc-gateway parses bools)."""
    text = str(raw).strip()
    if text in ("true", "True", "TRUE", "t", "T", "1"):
        return True
    if text in ("false", "False", "FALSE", "f", "F", "0"):
        return False
    raise InvalidArgument(f"{name} must be true or false, not {raw!r}")
