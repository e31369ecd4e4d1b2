"""Human durations for the clock controls: ``90s``, ``2h``, ``1h30m``, ``500ms`` or seconds."""

from __future__ import annotations

import re

_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")


def parse(value: str | float | int) -> float:
    if isinstance(value, bool):
        raise ValueError("a duration is a number of seconds or text like '90s' or '2h'")
    if isinstance(value, (int, float)):
        seconds = float(value)
    else:
        text = value.strip().lower().replace(" ", "")
        try:
            seconds = float(text)
        except ValueError:
            parts = _PART.findall(text)
            if not parts or "".join(n + u for n, u in parts) != text:
                raise ValueError(f"{value!r} is not a duration like '90s', '2h' or '1h30m'") from None
            seconds = sum(float(n) * _UNITS[u] for n, u in parts)
    if seconds < 0:
        raise ValueError("a duration must not be negative")
    return seconds
