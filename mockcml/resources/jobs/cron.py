"""Cron schedules: validation, the next firing time in the job's time zone, a description."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

from mockcml.core.errors import InvalidArgument


def check(schedule: str) -> str:
    schedule = " ".join(schedule.split())
    if len(schedule.split(" ")) != 5 or not croniter.is_valid(schedule):
        raise InvalidArgument(f"schedule {schedule!r} is not a 5-field cron expression")
    return schedule


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidArgument(f"timezone {name!r} is not a known IANA time zone") from None


# Parsing an expression costs more than finding a firing; a catch-up asks one schedule for
# thousands of firings. A croniter is stateful, so each thread keeps its own, reset to the
# start time before every use (exactly what a new one would hold).
_parsed = threading.local()
_KEPT = 256


def next_after(schedule: str, timezone: str, after: float) -> float:
    """The first firing strictly after ``after`` (epoch seconds), read in ``timezone``."""
    start = datetime.fromtimestamp(after, UTC).astimezone(zone(timezone))
    kept: dict[str, croniter] = _parsed.__dict__.setdefault("kept", {})
    it = kept.get(schedule)
    if it is None:
        if len(kept) >= _KEPT:
            kept.clear()
        it = kept[schedule] = croniter(schedule, start)
    else:
        it.set_current(start, force=True)
    return it.get_next(datetime).timestamp()


def describe(schedule: str, timezone: str) -> str:
    minute, hour, dom, month, dow = schedule.split(" ")
    parts = []
    if minute.isdigit() and hour.isdigit():
        parts.append(f"At {int(hour):02d}:{int(minute):02d}")
    else:
        parts.append(f"At minute {minute}" + (f" past hour {hour}" if hour != "*" else ""))
    if dom != "*":
        parts.append(f"on day-of-month {dom}")
    if month != "*":
        parts.append(f"in month {month}")
    if dow != "*":
        parts.append(f"on day-of-week {dow}")
    return ", ".join(parts) + f" ({timezone})"
