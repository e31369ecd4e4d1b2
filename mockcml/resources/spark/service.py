"""Workspace Spark defaults: read one per pushdown mode, set by a site administrator.

A mode the administrator has not set reads as the CML default of that mode (without
RAZ). [inferred] The text set must read as spark-defaults.conf: each line blank, a
``#`` comment, or a ``spark.*`` key followed by a value (space, tab or ``=``).
"""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import Session

from mockcml.core.errors import InvalidArgument
from mockcml.kit.forms import flag
from mockcml.resources.spark.defaults import cml_default
from mockcml.resources.spark.tables import WorkspaceSparkDefault

_LINE = re.compile(r"^spark\.[\w.\-]+(\s+|\s*=\s*)\S.*$")


def _text(value: str) -> str:
    for number, line in enumerate(value.splitlines(), 1):
        line = line.strip()
        if line and not line.startswith("#") and not _LINE.match(line):
            raise InvalidArgument(
                f"workspace_spark_default line {number} is not 'spark.<key> <value>': {line!r}")
    return value


def read(session: Session, raw_pushdown: str) -> dict[str, str]:
    pushdown = flag(raw_pushdown, "is_pushdown")
    row = session.get(WorkspaceSparkDefault, pushdown)
    value = row.value if row is not None else cml_default(pushdown, False)
    return {"workspace_spark_default": value, "is_pushdown": "true" if pushdown else "false"}


def default_row(body: dict[str, Any], now: float) -> dict[str, Any]:
    """SetWorkspaceSparkDefault's row (checked), for the operation and fixtures."""
    if "is_pushdown" not in body:
        raise InvalidArgument("is_pushdown is required (true or false)")
    return {"is_pushdown": flag(body["is_pushdown"], "is_pushdown"),
            "value": _text(body.get("workspace_spark_default") or ""), "updated_at": now}


def write(session: Session, body: dict[str, Any], now: float) -> None:
    fields = default_row(body, now)
    row = session.get(WorkspaceSparkDefault, fields["is_pushdown"])
    if row is None:
        session.add(WorkspaceSparkDefault(**fields))
    else:
        row.value, row.updated_at = fields["value"], now
