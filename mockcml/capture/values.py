"""Small conversions shared by the converters: wire values to fixture values."""

from __future__ import annotations

import json
from typing import Any

from mockcml.kit.wire import parse_timestamp

REMAINING = 3600.0  # seconds an in-progress phase still lasts in the written scenario
COUNTS = ("accelerator_label_id", "resource_group_id", "resource_profile_id")


def placeholder(username: str, index: int) -> str:
    return f"{username}-placeholder-key" + (f"-{index + 1}" if index else "")


def epoch(text: str | None) -> float | None:
    return None if not text else parse_timestamp(text)


def secs(value: float) -> float | int:
    value = max(0.0, round(value, 6))
    return int(value) if value == int(value) else value


def env_map(text: Any) -> dict[str, str]:
    if isinstance(text, dict):
        return text
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def as_int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def put(out: dict[str, Any], name: str, value: Any, default: Any = None) -> None:
    """Write ``name`` unless it says nothing (empty) or what the format assumes anyway."""
    if value is None or value == default or value in ("", [], {}):
        return
    out[name] = value
