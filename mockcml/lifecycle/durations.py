"""The one parser for durations: the clock controls, scripted phase lengths and fixtures.

A duration is a number of seconds (``30``, ``1.5``, ``"30"``) or text made of number-unit
parts (``90s``, ``2h``, ``1h30m``, ``500ms``; units ms, s, m, h, d, w). It is finite and
never negative. Every caller reads durations through ``parse``; they differ only in how a
bad value is reported (a ``ValueError`` for the clock, an INVALID_ARGUMENT naming the
variable for a script, ``None`` for the fixture checker, which reports problems itself)
and in which spellings their format admits (fixtures take unit text only, see
``text_seconds``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from mockcml.core.errors import InvalidArgument

UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")
# The fixture spelling: unit parts only, lower case, no milliseconds and no spaces.
_FIXTURE_TEXT = re.compile(r"^([0-9]+(\.[0-9]+)?[wdhms])+$")


def parse(value: str | float | int) -> float:
    """Seconds in ``value``; ``ValueError`` saying what a duration looks like otherwise."""
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
                raise ValueError(
                    f"{value!r} is not a duration like '90s', '2h' or '1h30m'") from None
            seconds = sum(float(n) * UNITS[u] for n, u in parts)
    if math.isnan(seconds) or math.isinf(seconds):
        raise ValueError("a duration must be a finite number")
    if seconds < 0:
        raise ValueError("a duration must not be negative")
    return seconds


def text_seconds(text: str) -> float | None:
    """A fixture duration (``90s``, ``1h30m``; no bare numbers), or None if it is not one."""
    if not _FIXTURE_TEXT.match(text):
        return None
    return parse(text)


def scripted(values: Mapping[str, str], name: str, label: str | None = None) -> float | None:
    """A phase length scripted as ``name=value`` (an environment variable or a comment
    word), or None when it is absent. ``label`` names it in the INVALID_ARGUMENT message."""
    if name not in values:
        return None
    label = label or name
    try:
        float(values[name])
    except ValueError:
        raise InvalidArgument(f"{label} must be a number of seconds") from None
    try:
        return parse(values[name])
    except ValueError:
        raise InvalidArgument(f"{label} must be a finite, non-negative number") from None


def human(seconds: float) -> str:
    """A short span for messages: 45s, 2m30s, 3h, 1d2h."""
    seconds = abs(seconds)
    if seconds < 60:
        text = f"{seconds:.3f}".rstrip("0").rstrip(".")
        return f"{text}s"
    total = int(round(seconds))
    out = ""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if total >= size:
            out += f"{total // size}{unit}"
            total %= size
    return out
