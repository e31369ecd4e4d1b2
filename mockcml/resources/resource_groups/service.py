"""Resource group rules: the listing with its operator filters, and the allow-flags update.

ListAllResourceGroups filters with operator-prefixed values (the reference shows
``isnull:true``, ``gt:0`` and ``eq:true``). [inferred] The operators are isnull, eq, ne,
gt, gte, lt and lte; a value without an operator means eq. ``gpu_count`` compares as an
integer (a CPU-only group has none: it is null, and ``gt:0`` leaves it out), ``allow_jobs``
as a boolean.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from sqlalchemy import false, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from mockcml.core.errors import InvalidArgument, NotFound
from mockcml.kit.listing import Column, Listing, Page, page
from mockcml.resources.resource_groups.tables import ResourceGroup

_COMPARE = {"eq": operator.eq, "ne": operator.ne, "gt": operator.gt, "gte": operator.ge,
            "lt": operator.lt, "lte": operator.le}
_TRUE, _FALSE = ("t", "true", "1"), ("f", "false", "0")
ALLOW_FLAGS = ("allow_jobs", "allow_sessions", "allow_models", "allow_applications")


def _boolean(text: str, key: str) -> bool:
    if text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    raise InvalidArgument(f"search_filter: {key}: {text!r} is not a boolean")


def _integer(text: str, key: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise InvalidArgument(f"search_filter: {key}: {text!r} is not an integer") from None
    if not -(2**63) <= number < 2**63:
        raise InvalidArgument(f"search_filter: {key}: {text!r} is out of range")
    return number


def operator_filter(expr: Column, key: str, parse: Callable[[str, str], Any]):  # noqa: ANN201
    """A matcher for ``op:value`` strings (or a bare value, meaning eq)."""

    def match(value: Any) -> ColumnElement[bool]:
        text = ("true" if value else "false") if isinstance(value, bool) else str(value).strip()
        name, sep, operand = text.partition(":")
        if not sep:
            name, operand = "eq", text
        if name == "isnull":
            return expr.is_(None) if _boolean(operand, key) else expr.is_not(None)
        compare = _COMPARE.get(name)
        if compare is None:
            raise InvalidArgument(
                f"search_filter: {key}: unknown operator {name!r}, expected one of "
                f"{['isnull', *_COMPARE]}")
        return compare(expr, parse(operand, key))

    return match


def exact_id(expr: Column):  # noqa: ANN201
    """A matcher for an id filter: the same integer, whatever its spelling ("7", 7)."""

    def match(value: Any) -> ColumnElement[bool]:
        try:
            number = int(str(value).strip())
        except ValueError:
            return false()  # no id is spelt that way
        # An id beyond int64 matches nothing (and must not reach the database's integers).
        return expr == number if -(2**63) <= number < 2**63 else false()

    return match


RESOURCE_GROUP_LISTING = Listing(
    filters={
        "gpu_count": operator_filter(col(ResourceGroup.gpu_count), "gpu_count", _integer),
        "allow_jobs": operator_filter(col(ResourceGroup.allow_jobs), "allow_jobs", _boolean),
    },
    sorts={"id": col(ResourceGroup.id), "name": col(ResourceGroup.name),
           "instance_type": col(ResourceGroup.instance_type)},
    tiebreak=col(ResourceGroup.id),
    # Every other field of the wire model filters on its column of the same name.
    model="ResourceGroup",
)


def list_resource_groups(session: Session, params: dict[str, Any]) -> Page:
    return page(session, select(ResourceGroup), RESOURCE_GROUP_LISTING, params)


def get_resource_group(session: Session, group_id: int) -> ResourceGroup:
    group = session.get(ResourceGroup, group_id)
    if group is None:
        raise NotFound(f"resource group {group_id} not found")
    return group


def update_resource_group(session: Session, body: dict[str, Any], now: float) -> ResourceGroup:
    """Change the allow-flags that are sent; flags left out keep their value."""
    if not body.get("id"):
        raise InvalidArgument("id is required")
    group = get_resource_group(session, body["id"])
    for flag in ALLOW_FLAGS:
        if flag in body:
            setattr(group, flag, body[flag])
    group.rg_updated_at = now
    session.add(group)
    session.flush()
    return group
