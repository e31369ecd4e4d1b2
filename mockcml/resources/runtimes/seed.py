"""Runtimes of fixture files: who registered them, and the rows they become (``runtime_row``,
as RegisterCustomRuntime makes them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockcml.kit.rows import column_defaults
from mockcml.kit.sql import table_of
from mockcml.resources.runtimes.service import runtime_row
from mockcml.resources.runtimes.tables import Runtime

if TYPE_CHECKING:
    from mockcml.fixtures.load import Rows
    from mockcml.fixtures.validate import Checker as C
    from mockcml.fixtures.validate import Scenario


def check(c: C, s: Scenario) -> None:
    for runtime in s.runtimes:
        c.ref_user(runtime, "register_user", c.usernames)


def add_rows(rows: Rows, s: Scenario, ids: dict[str, int]) -> None:
    base = column_defaults(table_of(Runtime))
    for runtime in s.runtimes:
        register_user = ids.get(runtime.get("register_user") or "", 0)
        rows.add(table_of(Runtime), {**base, **runtime_row(
            runtime["image_identifier"], runtime, register_user)})
