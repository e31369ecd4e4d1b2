"""Several mockcml processes on one PostgreSQL database.

The cluster is the suite's own (``python -m tests.pg run -- ...`` sets
MOCKCML_TEST_DATABASE_URL) or, without one, a throwaway cluster started here; with no
PostgreSQL programs installed these tests skip. Every test gets a fresh database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from mockcml.core.db import normalize_url
from tests.helpers import LiveServer


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    url = os.environ.get("MOCKCML_TEST_DATABASE_URL")
    if url:
        yield url
        return
    from tests.pg import ThrowawayPostgres, _program

    try:
        _program("initdb")
    except RuntimeError as exc:
        pytest.skip(str(exc))
    with ThrowawayPostgres() as pg:
        yield pg.url


@pytest.fixture
def database(pg_server: str) -> Iterator[str]:
    """A fresh, empty database on the cluster; the URL that ``--db`` takes."""
    server = make_url(normalize_url(pg_server))
    name = f"w_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def serve(database: str, *args: str, **env: str) -> LiveServer:
    """``mockcml serve`` on ``database`` (not started)."""
    return LiveServer("--db", database, *args, env={"MOCKCML_TIME_SCALE": "0", **env})


@pytest.fixture
def replicas(database: str) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two ``mockcml serve`` processes on one database: two containers behind a load
    balancer, with each request sent to the one the test picks."""
    with serve(database) as one, serve(database) as two:
        yield one, two
