"""Several mockcml processes on one PostgreSQL database.

The cluster is the suite's own (``python -m tests.pg run -- ...`` sets
MOCKCML_TEST_DATABASE_URL) or, without one, a throwaway cluster started here; with no
PostgreSQL programs installed these tests skip. Every test gets a fresh database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.helpers import LiveServer
from tests.pgapps import scratch_database


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
    with scratch_database(pg_server, "w") as url:
        yield url


def serve(database: str, *args: str, **env: str) -> LiveServer:
    """``mockcml serve`` on ``database`` (not started)."""
    return LiveServer("--db", database, *args, env={"MOCKCML_TIME_SCALE": "0", **env})


@contextmanager
def running(server: LiveServer, timeout: float = 120) -> Iterator[LiveServer]:
    """``server`` started with a generous timeout: spawning several workers that each
    import and build the app takes a while on two busy cores."""
    server.start(timeout)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def replica_pair(pg_server: str) -> Iterator[tuple[LiveServer, LiveServer]]:
    with scratch_database(pg_server, "w") as url, running(serve(url)) as one, \
            running(serve(url)) as two:
        yield one, two


@pytest.fixture
def replicas(replica_pair: tuple[LiveServer, LiveServer]) -> tuple[LiveServer, LiveServer]:
    """Two ``mockcml serve`` processes on one database: two containers behind a load
    balancer, with each request sent to the one the test picks. Started once per module
    (a start costs seconds here) and put back to the seeded state before each test."""
    with replica_pair[0].client() as client:
        for method, path, body in (
                ("POST", "/_mock/reset", None), ("DELETE", "/_mock/faults", None),
                ("DELETE", "/_mock/journal", None), ("DELETE", "/_mock/outcomes", None),
                ("PUT", "/_mock/journal/config", {"record_bodies": False})):
            assert client.request(method, path, json=body).status_code == 200
        for snap in client.get("/_mock/snapshots").json()["snapshots"]:
            client.delete(f"/_mock/snapshots/{snap['name']}")
    return replica_pair
