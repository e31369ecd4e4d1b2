"""The ``spark_defaults`` section: the workspace's Spark defaults per pushdown mode, rows
as SetWorkspaceSparkDefault writes them (one ``spark.<key> <value>`` a line)."""

from __future__ import annotations

from typing import Any

from mockcml.core.errors import ApiError
from mockcml.fixtures import kinds as k
from mockcml.fixtures.sections import Section, Seeding
from mockcml.resources.spark import service
from mockcml.resources.spark.tables import WorkspaceSparkDefault

SPARK_DEFAULT = k.Record("SparkDefault", "The workspace's Spark defaults of one mode.", (
    k.Field("is_pushdown", k.Boolean(), "Pushdown (true) or not (false).", required=True),
    k.Field("value", k.Text(), "spark-defaults.conf text: 'spark.<key> <value>' a line.",
            required=True),
), key=("is_pushdown",))


def _check(entries: list[dict[str, Any]]):  # noqa: ANN202
    for entry in entries:
        try:
            service._text(entry.get("value") or "")
        except ApiError as error:
            yield entry, "value", error.message


def _seed(entries: list[dict[str, Any]], seeding: Seeding) -> None:
    # One entry per mode (the record's key) into an empty table: write's first row of each.
    seeding.insert(WorkspaceSparkDefault, [
        service.default_row({"is_pushdown": "true" if e["is_pushdown"] else "false",
                             "workspace_spark_default": e["value"]}, seeding.now)
        for e in entries])


SECTION = Section("spark_defaults", SPARK_DEFAULT, "Workspace Spark defaults.",
                  "spark default", check=_check, seed=_seed)
