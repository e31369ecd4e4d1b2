"""Hot-path reads in plain SQL.

Loading ORM objects costs hundreds of microseconds a row; a GET that polls a run status
should not. These helpers run one SQL string with ``:name`` parameters on the session's own
connection (so they see its transaction) and return rows with attribute access. On SQLite
they go straight to the driver; on any other database through SQLAlchemy's ``text()``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, text
from sqlmodel import Session, SQLModel

from mockcml.core.db import UnitOfWork


class Row(dict):
    """A result row: ``row.name`` and ``row["name"]`` both work."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _execute(db: Session | UnitOfWork, sql: str, params: dict[str, Any]):  # noqa: ANN202
    """Run ``sql`` on a request's unit of work, or on a session's own connection."""
    if isinstance(db, UnitOfWork):
        db = db if db.engine.dialect.name == "sqlite" else db.session
        if isinstance(db, UnitOfWork):
            return db.driver_connection().execute(sql, params)
    connection = db.connection()
    if connection.dialect.name == "sqlite":
        # SQLAlchemy types driver_connection as optional; a live pool connection has one.
        return connection.connection.driver_connection.execute(sql, params)  # type: ignore[union-attr]
    return connection.execute(text(sql), params).cursor


def execute_text(db: Session | UnitOfWork, sql: str, params: dict[str, Any]):  # noqa: ANN201
    """The DBAPI cursor of ``sql`` (``:name`` parameters) run on ``db``'s connection."""
    return _execute(db, sql, params)


def fetch_all(session: Session | UnitOfWork, sql: str, **params: Any) -> list[Row]:
    cursor = _execute(session, sql, params)
    names = [col[0] for col in cursor.description]
    return [Row(zip(names, values, strict=True)) for values in cursor.fetchall()]


def fetch_one(session: Session | UnitOfWork, sql: str, **params: Any) -> Row | None:
    cursor = _execute(session, sql, params)
    values = cursor.fetchone()
    if values is None:
        return None
    return Row(zip([col[0] for col in cursor.description], values, strict=True))


def fetch_value(session: Session | UnitOfWork, sql: str, **params: Any) -> Any:
    """The first column of the first row, or None when there is no row."""
    values = _execute(session, sql, params).fetchone()
    return None if values is None else values[0]


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a table model, for plain-SQL inserts and aliases."""
    return model.__table__  # type: ignore[attr-defined]  # set on table=True models; not in SQLModel's types
