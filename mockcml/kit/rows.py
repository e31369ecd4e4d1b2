"""Small helpers for building table rows as plain dicts (fixture bulk loads)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.sql.schema import Table


def column_defaults(table: Table) -> dict[str, Any]:
    """A row of column defaults, so that every row of a batch names the same columns."""
    row: dict[str, Any] = {}
    for column in table.columns:
        default = column.default
        value = None
        if default is not None and getattr(default, "is_scalar", False):
            value = getattr(default, "arg", None)
        row[column.name] = value
    return row


def copy_given(row: dict[str, Any], entry: dict[str, Any], names: tuple[str, ...]) -> None:
    """``row[name] = entry[name]`` for each name the entry gives (a value, not None)."""
    for name in names:
        value = entry.get(name)
        if value is not None:
            row[name] = value
