"""Hot-path reads in plain SQL.

Loading ORM objects costs hundreds of microseconds a row; a GET that polls a run status
should not. These helpers run one SQL string with ``:name`` parameters on the session's own
connection (so they see its transaction) and return rows with attribute access. On SQLite
they go straight to the driver; on any other database through SQLAlchemy's ``text()``.
"""

from __future__ import annotations

import functools
import re
from collections import namedtuple
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, select, text
from sqlmodel import Session, SQLModel, col

from mockcml.core.db import UnitOfWork


class Row(dict):
    """A result row: ``row.name`` and ``row["name"]`` both work."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _execute(db: Session | UnitOfWork | Connection, sql: str, params: dict[str, Any]):  # noqa: ANN202
    """Run ``sql`` on a request's unit of work, on a session's own connection, or on a
    Core connection (``Database.connection``)."""
    if isinstance(db, UnitOfWork):
        if db.engine.dialect.name == "sqlite":
            return db.driver_connection().execute(sql, params)
        if not db.writing:
            # PostgreSQL, nothing written yet: the driver in autocommit, as SQLite's reads
            # before a session see committed data; no BEGIN and COMMIT round trips.
            return db.read(pyformat(sql), params)
        db = db.session
    connection = db if isinstance(db, Connection) else db.connection()
    if connection.dialect.name == "sqlite":
        # SQLAlchemy types driver_connection as optional; a live pool connection has one.
        return connection.connection.driver_connection.execute(sql, params)  # type: ignore[union-attr]
    return connection.execute(text(sql), params).cursor


@functools.lru_cache(maxsize=4096)
def pyformat(sql: str) -> str:
    """``sql`` with psycopg's ``%(name)s`` parameters for ``:name`` ones, as ``text()``
    reads them (a ``::`` cast is not a parameter); a literal ``%`` doubled."""
    return _PARAM.sub(r"%(\1)s", sql.replace("%", "%%"))


_PARAM = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")


def execute_text(db: Session | UnitOfWork, sql: str, params: dict[str, Any]):  # noqa: ANN201
    """The DBAPI cursor of ``sql`` (``:name`` parameters) run on ``db``'s connection."""
    return _execute(db, sql, params)


def fetch_all(session: Session | UnitOfWork | Connection, sql: str, **params: Any) -> list[Row]:
    cursor = _execute(session, sql, params)
    names = [col[0] for col in cursor.description]
    return [Row(zip(names, values, strict=True)) for values in cursor.fetchall()]


def fetch_one(session: Session | UnitOfWork | Connection, sql: str, **params: Any) -> Row | None:
    cursor = _execute(session, sql, params)
    values = cursor.fetchone()
    if values is None:
        return None
    return Row(zip([col[0] for col in cursor.description], values, strict=True))


_RECORDS: dict[tuple[str, ...], Any] = {}  # named tuple classes by column names


def fetch_record(session: Session | UnitOfWork | Connection, sql: str, **params: Any) -> Any:
    """``fetch_one``'s row as a read-only named tuple (or None): attribute access only, read
    in C where a :class:`Row`'s goes through Python, for reads that use many columns
    (GetProject's wire object reads about thirty)."""
    cursor = _execute(session, sql, params)
    values = cursor.fetchone()
    if values is None:
        return None
    names = tuple(col[0] for col in cursor.description)
    shape: Any = _RECORDS.get(names)
    if shape is None:
        shape = _RECORDS[names] = namedtuple("Record", names)
    return shape._make(values)


def fetch_value(session: Session | UnitOfWork, sql: str, **params: Any) -> Any:
    """The first column of the first row, or None when there is no row."""
    values = _execute(session, sql, params).fetchone()
    return None if values is None else values[0]


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a table model, for plain-SQL inserts and aliases."""
    return model.__table__  # type: ignore[attr-defined]  # set on table=True models; not in SQLModel's types


def taken(session: Session, model: Any, *where: ColumnElement[bool],
          exclude: str | None = None) -> bool:
    """Whether a row of ``model`` other than the one with id ``exclude`` matches ``where``
    (a name already in use)."""
    query = select(col(model.id)).where(*where)
    if exclude:
        query = query.where(col(model.id) != exclude)
    return session.execute(query).first() is not None


# --- plain-SQL writes ----------------------------------------------------------------------
# For write paths that run often (starting a run, the scheduler's firing): a compiled SQL
# string on the session's own connection, so the write joins its transaction, without
# building ORM objects or a flush plan for each row.


def execute(session: Session | Connection | UnitOfWork, sql: str, **params: Any) -> int:
    """Run one writing statement; returns the number of rows it changed."""
    if isinstance(session, UnitOfWork):
        writer = session.writer()
        if not isinstance(writer, Session):  # the in-memory SQLite driver connection
            return writer.execute(sql, params).rowcount
        session = writer
    connection = _connection(session)
    if connection.dialect.name == "sqlite":
        return _driver(connection).execute(sql, params).rowcount
    return connection.execute(text(sql), params).rowcount


def execute_many(session: Session | Connection | UnitOfWork, sql: str,
                 rows: list[dict[str, Any]]) -> None:
    """Run ``sql`` once per parameter set in ``rows``, as one driver ``executemany``."""
    if not rows:
        return
    if isinstance(session, UnitOfWork):
        writer = session.writer()
        if not isinstance(writer, Session):
            writer.executemany(sql, rows)
            return
        session = writer
    connection = _connection(session)
    if connection.dialect.name == "sqlite":
        _driver(connection).executemany(sql, rows)
    else:
        connection.execute(text(sql), rows)


def _connection(db: Session | Connection) -> Connection:
    return db if isinstance(db, Connection) else db.connection()


def _driver(connection: Connection) -> Any:
    return connection.connection.driver_connection


def insert_sql(table: Table, columns: list[str] | None = None) -> str:
    """``INSERT INTO table (...) VALUES (:...)`` for ``columns`` (default: all of them)."""
    names = columns or [c.name for c in table.columns]
    return (f"INSERT INTO {table.name} ({', '.join(names)}) "
            f"VALUES ({', '.join(':' + n for n in names)})")
