"""The two extra filters of the usage routes: a time window and a many-column search.

[inferred] Neither format is documented beyond "a JSON object". ``time_range_search_filter``
maps each accepted key to ``{"start": <RFC 3339>, "end": <RFC 3339>}`` (either may be left
out); ``multi_column_search_filter`` maps its one key to a string looked up, as a
case-sensitive substring, in every column the key stands for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy.sql.elements import ColumnElement

from mockcml.core.errors import InvalidArgument
from mockcml.kit.listing import Column
from mockcml.kit.wire import parse_timestamp


@dataclass(frozen=True)
class Window:
    start: float | None = None
    end: float | None = None


def _object(raw: str | None, name: str) -> dict[str, Any]:
    if raw is None or not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise InvalidArgument(f"{name} is not a valid JSON object") from None
    if not isinstance(data, dict):
        raise InvalidArgument(f"{name} must be a JSON object")
    return data


def windows(raw: str | None, keys: tuple[str, ...]) -> dict[str, Window]:
    """The windows of ``time_range_search_filter``, by key."""
    name = "time_range_search_filter"
    out = {}
    for key, value in _object(raw, name).items():
        if key not in keys:
            raise InvalidArgument(f"{name}: unknown key {key!r}, allowed keys are {list(keys)}")
        if not isinstance(value, dict) or set(value) - {"start", "end"}:
            raise InvalidArgument(f'{name}: {key} must be {{"start": ..., "end": ...}}')
        bounds = []
        for side in ("start", "end"):
            text = value.get(side)
            if text is not None and not isinstance(text, str):
                raise InvalidArgument(f"{name}: {key}.{side} must be an RFC 3339 string")
            bounds.append(parse_timestamp(text, f"{name}.{key}.{side}") if text else None)
        start, end = bounds
        if start is not None and end is not None and end < start:
            raise InvalidArgument(f"{name}: {key} ends before it starts")
        out[key] = Window(*bounds)
    return out


def overlaps(window: Window, started: Column, ended: Column,
             now: float) -> list[ColumnElement[bool]]:
    """Rows that were running at some moment of the window (NULL ``ended``: still running)."""
    conditions = []
    if window.end is not None:
        conditions.append(started < window.end)
    if window.start is not None:
        conditions.append(func.coalesce(ended, now) > window.start)
    return conditions


def within(window: Window, column: Column) -> list[ColumnElement[bool]]:
    conditions = []
    if window.start is not None:
        conditions.append(column >= window.start)
    if window.end is not None:
        conditions.append(column <= window.end)
    return conditions


def multi_column(raw: str | None, columns: dict[str, list[Column]]
                 ) -> list[ColumnElement[bool]]:
    name = "multi_column_search_filter"
    conditions = []
    for key, value in _object(raw, name).items():
        if key not in columns:
            raise InvalidArgument(f"{name}: unknown key {key!r}, allowed keys are "
                                  f"{sorted(columns)}")
        if isinstance(value, (dict, list)) or value is None:
            raise InvalidArgument(f"{name}: value of {key!r} must be a string")
        conditions.append(or_(*(func.instr(func.coalesce(col, ""), str(value)) > 0
                                for col in columns[key])))
    return conditions
