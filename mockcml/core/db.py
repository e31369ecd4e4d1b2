"""Storage: one SQLAlchemy engine, a transaction per request, SQLite tuned for a mock.

The database URL is a setting; resource code only sees sessions, so another
SQLAlchemy database can be plugged in without touching it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, create_engine


def make_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    in_memory = url in ("sqlite://", "sqlite:///:memory:")
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False},
        # One shared connection keeps an in-memory database alive and visible everywhere.
        poolclass=StaticPool if in_memory else None,
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        if not in_memory:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=5000")
        cur.close()

    return engine


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)

    def create_all(self) -> None:
        SQLModel.metadata.create_all(self.engine)

    def drop_all(self) -> None:
        SQLModel.metadata.drop_all(self.engine)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on any error."""
        session = Session(self.engine, expire_on_commit=False)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        """One request's work: committed on success, rolled back on any error."""
        work = UnitOfWork(self.engine)
        try:
            yield work
            work.commit()
        except BaseException:
            work.rollback()
            raise
        finally:
            work.close()

    def dispose(self) -> None:
        self.engine.dispose()


class UnitOfWork:
    """Plain-SQL reads on a pooled driver connection, and an ORM session only if needed.

    Most requests only read; an ORM session costs more than the query. Reads made before
    the session exists see committed data (no transaction is open for them); once a
    session exists, reads go through its connection and see its own writes.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._session: Session | None = None
        self._raw = None

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = Session(self.engine, expire_on_commit=False)
        return self._session

    def driver_connection(self):  # noqa: ANN201 - the DBAPI connection
        if self._session is not None:
            return self._session.connection().connection.driver_connection
        if self._raw is None:
            self._raw = self.engine.raw_connection()
        return self._raw.driver_connection

    def commit(self) -> None:
        if self._session is not None:
            self._session.commit()

    def rollback(self) -> None:
        if self._session is not None:
            self._session.rollback()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
        if self._raw is not None:
            self._raw.rollback()  # ends any read transaction the driver opened
            self._raw.close()
