"""Put every in-process app on its own PostgreSQL database (tests only).

``install(url)`` replaces the ``Database`` class that ``mockcml.app`` builds mocks with by
one that, for the in-memory SQLite URL, creates a fresh database on the server at ``url``
when the app creates its schema, and drops it once the app is gone. Fresh databases are
cloned from a per-process template that already holds the schema (``CREATE DATABASE ...
TEMPLATE``): a clone costs about 0.1 s here, creating the schema anew about 1 s.
"""

from __future__ import annotations

import itertools
import os
import threading
import uuid
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import mockcml.app
from mockcml.core.db import IN_MEMORY, Database, normalize_url

_counter = itertools.count()
_lock = threading.Lock()


class _Server:
    def __init__(self, url: str) -> None:
        self.url = make_url(normalize_url(url))
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT", pool_size=2)
        self.prefix = f"t{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.template: str | None = None

    def _template(self) -> str:
        with _lock:
            if self.template is None:
                from mockcml.migrations import upgrade

                name = f"{self.prefix}_tpl"
                with self.admin.connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
                engine = create_engine(self.url.set(database=name))
                upgrade(engine)  # as a server would: clones start at head
                engine.dispose()
                self.template = name
            return self.template

    def new_url(self) -> str:
        """A URL for a database that :meth:`create` makes later."""
        name = f"{self.prefix}_{next(_counter)}"
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create(self, url: str) -> None:
        template = self._template()
        name = make_url(url).database
        with self.admin.connect() as conn:
            conn.execute(text(
                f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY'))

    def drop(self, url: str) -> None:
        name = make_url(url).database
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


_server: _Server | None = None


class PostgresTestDatabase(Database):
    """A ``Database`` that swaps the in-memory SQLite URL for a fresh PostgreSQL database."""

    def __init__(self, url: str) -> None:
        fresh = url in IN_MEMORY and _server is not None
        if fresh:
            url = _server.new_url()
        super().__init__(url)
        self._missing = fresh
        if fresh:
            # Dropped once the app is gone, not at dispose(): a test may start an app twice.
            weakref.finalize(self, _drop_later, self.engine, url)

    def _appear(self) -> None:
        if self._missing:
            _server.create(self.url)
            self._missing = False

    @contextmanager
    def starting(self) -> Iterator[None]:
        self._appear()  # start-up locks the database first: it must exist by then
        with super().starting():
            yield

    def create_all(self) -> None:
        # The database appears, with its schema (at head), where the app would create it.
        self._appear()
        super().create_all()


def _drop_later(engine, url: str) -> None:  # noqa: ANN001
    engine.dispose()
    if _server is not None:
        try:
            _server.drop(url)
        except Exception:  # noqa: BLE001 - cleanup of a throwaway cluster; never fail a test
            pass


@contextmanager
def scratch_database(url: str, prefix: str) -> Iterator[str]:
    """An empty database on the server at ``url`` while inside; its SQLAlchemy URL."""
    server = make_url(normalize_url(url))
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def install(url: str) -> None:
    global _server
    _server = _Server(url)
    mockcml.app.Database = PostgresTestDatabase
