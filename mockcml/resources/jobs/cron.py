"""Cron schedules: validation, the next firing time in the job's time zone, a description."""

from __future__ import annotations

import functools
import platform
import struct
import threading
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mockcml.core.errors import InvalidArgument


def _import_croniter() -> type:
    """croniter, imported without the child process its import starts: it asks
    ``platform.architecture()`` whether Python is 32-bit, which runs the ``file`` command on
    the interpreter (40-50 ms of start-up's wall time). The pointer size, which
    ``architecture`` falls back on, gives the same answer."""
    asked = platform.architecture
    platform.architecture = lambda *_args, **_kwargs: (f"{struct.calcsize('P') * 8}bit", "")
    try:
        from croniter import croniter
    finally:
        platform.architecture = asked
    return croniter


if TYPE_CHECKING:
    from croniter import croniter
else:
    croniter = _import_croniter()


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
_DAY = 86_400


def next_after(schedule: str, timezone: str, after: float) -> float:
    """The first firing strictly after ``after`` (epoch seconds), read in ``timezone``."""
    tz = zone(timezone)
    found = _near(schedule, tz, after)
    if found is not None:
        return found
    start = datetime.fromtimestamp(after, UTC).astimezone(tz)
    kept: dict[str, croniter] = _parsed.__dict__.setdefault("kept", {})
    it = kept.get(schedule)
    if it is None:
        if len(kept) >= _KEPT:
            kept.clear()
        it = kept[schedule] = croniter(schedule, start)
    else:
        it.set_current(start, force=True)
    return it.get_next(datetime).timestamp()


@functools.lru_cache(maxsize=_KEPT)
def _fields(schedule: str) -> tuple[tuple[int, ...] | None, ...] | None:
    """(minutes, hours, days, months, weekdays) as sorted values, None for ``*``; None
    for what only croniter handles (L, W, #, ...)."""
    expanded, nth = croniter.expand(schedule)
    if nth or len(expanded) != 5:
        return None
    out: list[tuple[int, ...] | None] = []
    for values in expanded:
        if values == ["*"]:
            out.append(None)
        else:
            numbers = [v for v in values if isinstance(v, int)]
            if len(numbers) != len(values):
                return None
            out.append(tuple(sorted(numbers)))
    return tuple(out)


def _near(schedule: str, tz: ZoneInfo, after: float) -> float | None:
    """The next firing within a day, found by walking the clock fields in local time, when
    the zone's UTC offset is the same from a day before ``after`` to two days after it
    (far from any daylight-saving change, local time is UTC plus a constant, so the first
    matching local minute is croniter's answer); None otherwise, and croniter decides."""
    fields = _fields(schedule)
    if fields is None:
        return None
    local = datetime.fromtimestamp(after, tz)
    offset = local.utcoffset()
    if any(datetime.fromtimestamp(after + k * _DAY, tz).utcoffset() != offset for k in (-1, 2)):
        return None
    minutes, hours, days, months, weekdays = fields
    t = local.replace(tzinfo=None, second=0, microsecond=0) + timedelta(minutes=1)
    end = t + timedelta(days=1)
    while t <= end:
        if months is not None and t.month not in months:
            t = (t.replace(day=1) + timedelta(days=32)).replace(day=1, hour=0, minute=0)
            continue
        if not _day_matches(t, days, weekdays):
            t = t.replace(hour=0, minute=0) + timedelta(days=1)
            continue
        if hours is not None and t.hour not in hours:
            t = t.replace(minute=0) + timedelta(hours=1)
            continue
        minute = t.minute if minutes is None else next((m for m in minutes if m >= t.minute), None)
        if minute is None:
            t = t.replace(minute=0) + timedelta(hours=1)
            continue
        found = t.replace(minute=minute)
        assert offset is not None  # an aware time from a zone
        return found.replace(tzinfo=UTC).timestamp() - offset.total_seconds()
    return None


def _day_matches(t: datetime, days: tuple[int, ...] | None, weekdays: tuple[int, ...] | None,
                 ) -> bool:
    # cron counts weekdays from Sunday = 0; with both fields restricted, either may match
    # (croniter's default, as in Vixie cron).
    day_ok = days is None or t.day in days
    weekday_ok = weekdays is None or (t.weekday() + 1) % 7 in weekdays
    if days is not None and weekdays is not None:
        return day_ok or weekday_ok
    return day_ok and weekday_ok


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
