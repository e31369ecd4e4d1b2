"""Maps kept as JSON text: create requests send an object, responses carry a JSON string."""

from __future__ import annotations

import json
from typing import Any

from mockcml.core.errors import InvalidArgument
from mockcml.kit.wire import loads


def dump(value: dict[str, Any] | None) -> str:
    if not value:
        return "{}"  # the common case, without the encoder
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def load(text: str | None) -> dict[str, Any]:
    return json.loads(text) if text and text != "{}" else {}


def body_env(value: Any, where: str) -> dict[str, Any]:
    """``environment`` of a create or update body: an object, or the JSON string (PATCH)."""
    return parse_env_string(value, where) if isinstance(value, str) else value


def parse_env_string(value: str, where: str) -> dict[str, str]:
    """A PATCH sends ``environment`` as the JSON-encoded string the GET returned."""
    if value == "":
        return {}
    try:
        data = loads(value, f"{where}: environment")  # invalid text inside is a 400 too
    except (ValueError, RecursionError):  # not JSON, too deep, or an over-long integer
        raise InvalidArgument(f"{where}: environment must be a JSON-encoded object") from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise InvalidArgument(f"{where}: environment must map names to strings")
    return data
