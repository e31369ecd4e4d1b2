"""List operations: ``search_filter``, ``sort`` and keyset pagination, declared per resource.

A resource describes its listing once (which filter keys and sort keys exist and the SQL
expression behind each, and which wire model it lists); ``page()`` turns the query string
into a page. ``search_filter`` accepts every scalar field of the listed model, as the real
API does (its own example for ListJobRuns filters on ``id``): the declared keys first, then
any other field matched against the column of that name in the listing's query; a key that
is no field of the model is a 400 naming the fields. Page tokens carry
the last row's sort values, so page k costs what page 1 costs, and a fingerprint of the
filter and sort, so a token reused with other ones is rejected.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from collections import namedtuple
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, false, func, or_
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect
from sqlalchemy.sql.elements import ColumnElement, SQLColumnExpression

from mockcml.core.contract import load_contract
from mockcml.core.db import UnitOfWork
from mockcml.core.errors import InvalidArgument, NotFound
from mockcml.kit.sql import Row, execute_text
from mockcml.kit.wire import loads

DEFAULT_PAGE_SIZE = 10
Matcher = Callable[[Any], ColumnElement[bool]]
# What a listing filters and sorts on: a table column (``Mapped``) or any SQL expression.
Column = SQLColumnExpression[Any]


def substring(expr: Column) -> Matcher:
    """Case-sensitive substring match, as a live workspace filters (``DS`` finds ``DSE``)."""

    def match(value: Any) -> ColumnElement[bool]:
        if isinstance(value, bool):
            value = "true" if value else "false"
        return func.instr(func.coalesce(expr, ""), str(value)) > 0

    return match


def boolean(expr: Column) -> Matcher:
    def match(value: Any) -> ColumnElement[bool]:
        if isinstance(value, bool):
            return expr.is_(value)
        text = str(value).lower()
        if text in ("t", "true", "1"):
            return expr.is_(True)
        if text in ("f", "false", "0"):
            return expr.is_(False)
        raise InvalidArgument(f"search_filter: {value!r} is not a boolean")

    return match


def one_of(expr: Column, mapping: dict[str, Any]) -> Matcher:
    """Exact match against a fixed vocabulary (for example lower-case run statuses)."""

    def match(value: Any) -> ColumnElement[bool]:
        if value not in mapping:
            raise InvalidArgument(
                f"search_filter: unknown value {value!r}, expected one of {sorted(mapping)}"
            )
        return expr == mapping[value]

    return match


# Typed Any: a table's column (``Project.name``) reads as its value type to a type checker.
def substrings(*columns: Any) -> dict[str, Matcher]:
    """``substring`` filters on table columns, each under its column's name."""
    return {column.key: substring(column) for column in columns}


def by_name(*columns: Any) -> dict[str, Column]:
    """Sort keys on table columns, each under its column's name."""
    return {column.key: column for column in columns}


@dataclass(frozen=True)
class Listing:
    """How one list operation filters and sorts."""

    filters: dict[str, Matcher]
    sorts: dict[str, Column]
    tiebreak: Column
    default_sort: Sequence[tuple[str, bool]] = field(default_factory=tuple)  # (key, descending)
    model: str | None = None  # the wire model listed (Job, JobRun ...): its fields filter


@cache
def scalar_fields(model: str) -> dict[str, tuple[str | None, str | None]]:
    """Every scalar field of a contract model as (type, format): its own fields, enum fields,
    and the fields of nested users (``creator.username``) as the spec's filter keys show."""
    definitions = load_contract().definitions
    out: dict[str, tuple[str | None, str | None]] = {}
    for name, schema in definitions[model].get("properties", {}).items():
        target = schema.get("$ref", "").rsplit("/", 1)[-1]
        if target and "enum" in definitions[target]:
            out[name] = ("string", None)
        elif target == "ShortUser":
            for inner, inner_schema in definitions[target]["properties"].items():
                out[f"{name}.{inner}"] = (inner_schema.get("type"), inner_schema.get("format"))
        elif schema.get("type") in ("string", "integer", "number", "boolean"):
            out[name] = (schema["type"], schema.get("format"))
    return out


def _column(query: Select | None, name: str) -> ColumnElement | None:
    """The column of the listing's query that carries a field, by name (the listed table's
    own columns come first in a select of several entities)."""
    if query is None:
        return None
    for column in query.selected_columns:
        if getattr(column, "name", None) == name:
            return column
    return None


def _field_matcher(listing: Listing, key: str, query: Select | None) -> Matcher:
    fields = scalar_fields(listing.model) if listing.model else {}
    if key not in fields:
        allowed = sorted(set(listing.filters) | set(fields))
        where = f" of {listing.model}" if listing.model else ""
        raise InvalidArgument(
            f"search_filter: unknown key {key!r}: not a field{where}; allowed keys are {allowed}")
    kind, fmt = fields[key]
    column = _column(query, key)
    if column is None or fmt == "date-time":
        # A field mockcml derives when answering (or a time, stored as epoch seconds).
        raise InvalidArgument(f"search_filter: mockcml cannot filter {listing.model} on {key!r}")
    return boolean(column) if kind == "boolean" else substring(column)


def parse_filter(listing: Listing, raw: str | None,
                 query: Select | None = None) -> list[ColumnElement[bool]]:
    if raw is None or raw.strip() == "":
        return []
    try:
        data = loads(raw, "search_filter")  # invalid text inside is a 400 too (kit.wire)
    except (ValueError, RecursionError):  # ValueError: also an integer of over 4300 digits
        raise InvalidArgument("search_filter is not a valid JSON object") from None
    if not isinstance(data, dict):
        raise InvalidArgument("search_filter must be a JSON object")
    conditions = []
    for key, value in data.items():
        matcher = listing.filters.get(key) or _field_matcher(listing, key, query)
        if isinstance(value, (dict, list)) or value is None:
            raise InvalidArgument(f"search_filter: value of {key!r} must be a string")
        conditions.append(matcher(value))
    return conditions


def parse_sort(listing: Listing, raw: str | None) -> list[tuple[str, bool]]:
    if raw is None or raw.strip() == "":
        return list(listing.default_sort)
    keys = []
    seen = set()
    for part in raw.split(","):
        part = part.strip()
        descending = part.startswith("-")
        name = part.lstrip("+-").strip()
        if name not in listing.sorts:
            raise InvalidArgument(
                f"sort: unknown key {name!r}, allowed keys are {sorted(listing.sorts)}"
            )
        # A key repeated cannot change the order; dropping it keeps the query (and a
        # sort of 10,000 repeated keys) as small as the distinct keys.
        if name not in seen:
            seen.add(name)
            keys.append((name, descending))
    return keys


def _fingerprint(search_filter: str | None, sort: str | None) -> str:
    text = json.dumps([search_filter or "", sort or ""])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _encode_token(values: list[Any], fingerprint: str) -> str:
    raw = json.dumps({"v": values, "f": fingerprint}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_token(token: str, fingerprint: str, width: int) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = loads(raw, "page_token")
        values, seen = data["v"], data["f"]
    except (ValueError, KeyError, TypeError, RecursionError):
        raise InvalidArgument("page_token is not valid") from None
    if seen != fingerprint:
        raise InvalidArgument("page_token was issued for a different search_filter or sort")
    if not isinstance(values, list) or len(values) != width:
        raise InvalidArgument("page_token is not valid")
    # Tokens come back from clients: only values a column can hold may reach the query.
    if not all(_is_key_value(value) for value in values):
        raise InvalidArgument("page_token is not valid")
    return values


def _is_key_value(value: Any) -> bool:
    if isinstance(value, bool | str):
        return True
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    return isinstance(value, float) and math.isfinite(value)


def _after(columns: list[tuple[Column, bool]], values: list[Any]) -> ColumnElement[bool]:
    """Rows strictly after ``values`` in the (possibly mixed-direction) order of ``columns``."""
    clauses = []
    for i, (col, descending) in enumerate(columns):
        equal = [c == v for (c, _), v in zip(columns[:i], values[:i], strict=True)]
        beyond = col < values[i] if descending else col > values[i]
        clauses.append(and_(*equal, beyond))
    if not clauses:
        return false()
    # The redundant bound on the leading column lets an index range-scan to the page.
    lead, descending = columns[0]
    bound = lead <= values[0] if descending else lead >= values[0]
    return and_(bound, or_(*clauses))


def _total(expr: Column) -> Column:
    if getattr(expr, "nullable", True) is False:
        return expr
    return func.coalesce(expr, "")


@dataclass
class Page:
    rows: list[Any]
    next_page_token: str


@dataclass(frozen=True)
class _Plan:
    """One shape of a listing's query: filter and sort applied, the page's bounds bound."""

    statement: Select
    width: int  # sort values per row (the keyset), selected last as _k0, _k1, ...
    fingerprint: str
    # Built from a query and listing that live as long as the process (``reuse=True``):
    # kept so that their ids in the cache key cannot be taken by other objects.
    query: Select
    listing: Listing
    compiled: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)  # by dialect
    shapes: dict[tuple[str, ...], Any] = field(default_factory=dict)  # row classes by columns
    # The compiled SQL's column names by dialect: the same on every run, and reading them
    # off the cursor's description each time costs a generator over every column.
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)


_PLANS: dict[tuple[int, int, str | None, str | None, bool], _Plan] = {}
_PLANS_MAX = 512  # distinct filter/sort strings seen; past it the cache starts again


def _plan(query: Select, listing: Listing, search_filter: str | None, sort: str | None,
          after: bool) -> _Plan:
    """The keyed query of a page: the page's size is ``:_limit`` and, after a page token,
    the token's values are ``:_t0``, ``:_t1``, ..."""
    conditions = parse_filter(listing, search_filter, query)
    order = [(listing.sorts[name], desc) for name, desc in parse_sort(listing, sort)]
    # Keyset comparisons must be total, so nullable sort values are coalesced; NOT NULL
    # columns are left bare so that an index on them can serve the order.
    columns = [(_total(expr), desc) for expr, desc in order]
    columns.append((listing.tiebreak, False))
    if after:
        conditions.append(_after(columns, [bindparam(f"_t{i}") for i in range(len(columns))]))
    keys: list[Any] = [col.label(f"_k{i}") for i, (col, _) in enumerate(columns)]
    keyed = query.add_columns(*keys).where(*conditions)
    keyed = keyed.order_by(*(col.desc() if desc else col.asc() for col, desc in columns))
    keyed = keyed.limit(bindparam("_limit"))
    return _Plan(keyed, len(columns), _fingerprint(search_filter, sort), query, listing)


def _reused_plan(query: Select, listing: Listing, search_filter: str | None, sort: str | None,
                 after: bool) -> _Plan:
    key = (id(query), id(listing), search_filter, sort, after)
    found = _PLANS.get(key)
    if found is None or found.query is not query or found.listing is not listing:
        found = _plan(query, listing, search_filter, sort, after)  # a bad filter raises here
        if len(_PLANS) >= _PLANS_MAX:
            _PLANS.clear()
        _PLANS[key] = found
    return found


def page(
    session: Any, query: Select, listing: Listing, params: dict[str, Any], *, plain: bool = False,
    binds: dict[str, Any] | None = None, reuse: bool = False,
) -> Page:
    """Apply ``search_filter``, ``sort``, ``page_size`` and ``page_token`` to ``query``.

    With ``plain=True`` the query must select labelled columns (no ORM entities); it runs
    on the connection, skipping the ORM, and each row comes back as a ``kit.sql.Row`` (with
    ``reuse`` too, as a named tuple: attribute access only).
    ``binds`` fills bound parameters of a query built once and cached.

    ``reuse=True`` says that ``query`` and ``listing`` are built once for the process
    (every value that changes per request is in ``binds``): the filtered and sorted query,
    and with ``plain`` its SQL text, are then made once per search_filter and sort text
    and kept, which saves most of a small page's cost.
    """
    search_filter = params.get("search_filter")
    sort = params.get("sort")
    after = bool(params.get("page_token"))
    plan = (_reused_plan if reuse else _plan)(query, listing, search_filter, sort, after)
    page_size = params.get("page_size") or DEFAULT_PAGE_SIZE
    if page_size < 0:
        raise InvalidArgument("page_size must not be negative")
    values = {**(binds or {}), "_limit": page_size + 1}
    if after:
        token_values = _decode_token(params["page_token"], plan.fingerprint, plan.width)
        values.update((f"_t{i}", value) for i, value in enumerate(token_values))
    width = plan.width
    rows: list[Any]
    key_values: Sequence[Sequence[Any]]  # per row: its sort values, last
    if plain and reuse:
        names, fetched = _run_compiled(session, plan, values)
        # Named tuples: built and read in C, where a Row's attributes go through Python.
        shape = plan.shapes.get(names) or plan.shapes.setdefault(
            names, namedtuple("ListedRow", names[:-width]))
        rows = [shape._make(row[:-width]) for row in fetched]
        key_values = fetched  # only the last row's keys are read, for the token
    elif plain:
        result = _connection(session).execute(plan.statement, values).mappings().all()
        rows = [Row(item) for item in result]
        key_values = [[row.pop(f"_k{i}") for i in range(width)] for row in rows]
    else:
        fetched = session.execute(plan.statement, values).all()
        rows = [row[:-width] for row in fetched]
        key_values = [list(row[-width:]) for row in fetched]
    token = ""
    if len(rows) > page_size:
        rows = rows[:page_size]
        token = _encode_token(list(key_values[page_size - 1][-width:]), plan.fingerprint)
    return Page(rows=rows, next_page_token=token)


def _run_compiled(db: Any, plan: _Plan, values: dict[str, Any]) -> tuple[tuple[str, ...], list[tuple]]:
    """Run a reused plan as SQL text compiled once per dialect: on SQLite straight on the
    driver connection (kit.sql), elsewhere through SQLAlchemy's driver-level execute."""
    dialect = db.engine.dialect if isinstance(db, UnitOfWork) else db.get_bind().dialect
    compiled = plan.compiled.get(dialect.name)
    if compiled is None:
        target = sqlite_dialect(paramstyle="named") if dialect.name == "sqlite" else dialect
        # Expanded IN lists and literal values become plain parameters with their values;
        # the ones given per request (always the same names for one plan) stay parameters.
        state = plan.statement.compile(dialect=target).construct_expanded_state(
            dict.fromkeys(values))
        fixed = {k: v for k, v in state.parameters.items() if k not in values}
        compiled = plan.compiled[dialect.name] = (state.statement, fixed)
    sql, fixed = compiled
    if dialect.name == "sqlite":
        cursor = execute_text(db, sql, {**fixed, **values})
        names = plan.columns.get("sqlite")
        if names is None:
            names = plan.columns["sqlite"] = tuple(col[0] for col in cursor.description)
        return names, cursor.fetchall()
    result = _connection(db).exec_driver_sql(sql, {**fixed, **values})
    return tuple(result.keys()), [tuple(row) for row in result.fetchall()]


def _connection(db: Any):  # noqa: ANN202
    """The SQLAlchemy connection of a Session or of a request's unit of work."""
    session = db.session if isinstance(db, UnitOfWork) else db
    return session.connection()


def listed(result: Page, field: str, wire: Callable[..., dict[str, Any]], *extra: Any) -> dict[str, Any]:
    """One page of a listing as answered: ``wire(*row, *extra)`` of each row under
    ``field``, and the next page's token."""
    return {field: [wire(*row, *extra) for row in result.rows],
            "next_page_token": result.next_page_token}


def one_in_project(session: Any, query: Select, table: Any, row_id: str, project_id: str,
                   noun: str) -> tuple[Any, ...]:
    """The entities of ``query`` (a row joined with its users) for ``row_id`` in project
    ``project_id``; NOT_FOUND (404, code 5) naming both when the project has no such row."""
    row = session.execute(query.where(table.id == row_id, table.project_id == project_id)).first()
    if row is None:
        raise NotFound(f"{noun} {row_id!r} not found in project {project_id!r}")
    return tuple(row)
