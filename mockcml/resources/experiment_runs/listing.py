"""ListExperimentRuns: the reference's fixed keys plus dynamic ``metrics.<key>``,
``params.<key>`` and ``tags.<key>`` keys, for both search_filter and sort.

Matching [inferred where the reference is silent]:
  name, creator.*      case-sensitive substring, as on every list
  status               exact: EXPERIMENT_RUN_FINISHED, FINISHED or finished
  params.<k>, tags.<k> case-sensitive substring of the value; runs without the key never match
  metrics.<k>          the run's latest value: a JSON number (or a numeric string) matches
                       exactly; a string may carry an operator, either as a prefix like
                       ListAllResourceGroups' (gt:, gte:, lt:, lte:, eq:, ne:) or MLflow's
                       symbols (>, >=, <, <=, =, ==, !=), e.g. {"metrics.rmse": "lt:0.8"}
Sorting on a dynamic key treats a run without it as an empty value: after every number
for metrics, before every text for params and tags (ascending).
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from mockcml.core.errors import InvalidArgument
from mockcml.kit.listing import Listing, one_of, substring
from mockcml.kit.users import Creator, user_keys
from mockcml.resources.experiment_runs.tables import (
    ExperimentRun,
    LatestMetric,
    RunParam,
    RunTag,
)

STATUSES = ("RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED")
STATUS_NAMES = {
    name: f"EXPERIMENT_RUN_{short}"
    for short in STATUSES
    for name in (f"EXPERIMENT_RUN_{short}", short, short.lower())
}
_OPERATORS = {
    "gte": operator.ge, "gt": operator.gt, "lte": operator.le, "lt": operator.lt,
    "eq": operator.eq, "ne": operator.ne, ">=": operator.ge, ">": operator.gt,
    "<=": operator.le, "<": operator.lt, "==": operator.eq, "!=": operator.ne,
    "=": operator.eq,
}
_OPERATOR = re.compile(r"^\s*(?:(gte|gt|lte|lt|eq|ne):|(>=|<=|==|!=|>|<|=))\s*(.*)$")


def _value_of(table, key: str) -> ColumnElement:  # noqa: ANN001
    """The run's value for ``key`` in ``table``, as a correlated scalar subquery."""
    return (select(table.value).where(table.run_id == ExperimentRun.id, table.key == key)
            .scalar_subquery())


def _text_match(expr: ColumnElement) -> Callable[[Any], ColumnElement[bool]]:
    def match(value: Any) -> ColumnElement[bool]:
        if isinstance(value, bool):
            value = "true" if value else "false"
        return and_(expr.is_not(None), func.instr(expr, str(value)) > 0)

    return match


def _number(text: str, key: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise InvalidArgument(f"search_filter: {key!r} needs a number, got {text!r}") from None
    if not math.isfinite(number):
        raise InvalidArgument(f"search_filter: {key!r} needs a finite number")
    return number


def _metric_match(expr: ColumnElement, key: str) -> Callable[[Any], ColumnElement[bool]]:
    def match(value: Any) -> ColumnElement[bool]:
        if isinstance(value, bool):
            raise InvalidArgument(f"search_filter: {key!r} needs a number")
        if isinstance(value, (int, float)):
            return expr == _number(str(value), key)
        found = _OPERATOR.match(str(value))
        if found is None:
            return expr == _number(str(value).strip(), key)
        name = found.group(1) or found.group(2)
        return _OPERATORS[name](expr, _number(found.group(3).strip(), key))

    return match


_TABLES = {"metrics": LatestMetric, "params": RunParam, "tags": RunTag}


def _split(key: str) -> tuple[str, str] | None:
    group, dot, name = key.partition(".")
    return (group, name) if dot and name and group in _TABLES else None


class _Filters(dict):
    """The fixed filters, plus a matcher made on demand for each dynamic key."""

    def get(self, key: str, default: Any = None) -> Any:
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        split = _split(key)
        if split is None:
            return default
        expr = _value_of(_TABLES[split[0]], split[1])
        return _metric_match(expr, key) if split[0] == "metrics" else _text_match(expr)


class _Sorts(dict):
    """The fixed sort keys, plus an expression made on demand for each dynamic key."""

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or (isinstance(key, str) and _split(key) is not None)

    def __missing__(self, key: str) -> ColumnElement:
        split = _split(key)
        if split is None:
            raise KeyError(key)
        return _value_of(_TABLES[split[0]], split[1])


RUN_LISTING = Listing(
    model="ExperimentRun",
    filters=_Filters({
        **{k: substring(v) for k, v in user_keys("creator", Creator).items()},
        # The run's user is its creator (ExperimentRun.user on the wire).
        **{k: substring(v) for k, v in user_keys("user", Creator).items()},
        "name": substring(col(ExperimentRun.name)),
        "status": one_of(col(ExperimentRun.status), STATUS_NAMES),
    }),
    sorts=_Sorts({
        "created_at": col(ExperimentRun.created_at),
        **user_keys("creator", Creator),
        "name": col(ExperimentRun.name),
        "start_time": col(ExperimentRun.start_time),
    }),
    tiebreak=col(ExperimentRun.id),
    default_sort=(("created_at", False),),
)
