"""Two in-process mocks on one PostgreSQL database (PostgreSQL stage only): the leader
lock decides the role, and a follower's cache never hides events another process added."""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pytest

from mockcml.core.db import LOCK_LEADER
from tests.conftest import ON_POSTGRESQL, TEST_DATABASE_URL, make_asgi_client
from tests.helpers import auth, make_job, make_project
from tests.pgapps import scratch_database

pytestmark = pytest.mark.skipif(not ON_POSTGRESQL, reason="needs PostgreSQL (tests.pg run)")


@pytest.fixture
def shared_url() -> Iterator[str]:
    with scratch_database(TEST_DATABASE_URL or "", "shared") as url:
        yield url


def _role(client) -> str:  # noqa: ANN001
    return client.get("/_mock/ready").json()["scheduler"]


def _wait_role(client, role: str, timeout: float = 5.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while _role(client) != role:
        assert time.monotonic() < deadline, f"never became {role}"
        time.sleep(0.05)


def test_a_follower_sees_events_another_process_added(shared_url):
    libpq = shared_url.replace("postgresql+psycopg://", "postgresql://")
    # Someone else holds the leader lock: neither mock runs a background loop, so only
    # request-time catch-up can fire the dependent run below.
    with psycopg.connect(libpq, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (LOCK_LEADER,))
        with make_asgi_client(db=shared_url, time_scale=0) as a:
            with make_asgi_client(db=shared_url, time_scale=0) as b:
                assert _role(a) == _role(b) == "follower"
                project = make_project(a)["id"]
                parent = make_job(a, project)
                child = make_job(a, project, parent_job_id=parent["id"])
                runs = f"/api/v2/projects/{project}/jobs/{child['id']}/runs"
                assert a.get(runs, headers=auth()).json()["job_runs"] == []  # a's cache: idle
                # Through b: a parent run that finishes at once (time scale 0).
                started = b.post(f"/api/v2/projects/{project}/jobs/{parent['id']}/runs",
                                 json={}, headers=auth())
                assert started.status_code == 200, started.text
                # Read through a at once: its cache knows nothing of b's run; the shared
                # counter does.
                listed = a.get(runs, headers=auth()).json()["job_runs"]
                assert len(listed) == 1, listed
            holder.execute("SELECT pg_advisory_unlock(%s)", (LOCK_LEADER,))
            _wait_role(a, "leader")  # followers retry the lock: a takes over


def test_connections_the_server_dropped_are_replaced(shared_url):
    """A database restart or an idle timeout closes the mock's kept connections: the next
    requests reconnect (the shared state's kept connection once, the pool's pinged when
    idle, or dropped by SQLAlchemy's disconnect handling) instead of failing for good."""
    libpq = shared_url.replace("postgresql+psycopg://", "postgresql://")
    database = libpq.rsplit("/", 1)[1]
    with make_asgi_client(db=shared_url, time_scale=0) as client:
        project = make_project(client)["id"]
        assert client.get(f"/api/v2/projects/{project}", headers=auth()).status_code == 200
        with psycopg.connect(libpq, autocommit=True) as admin:
            ended = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()", (database,)).fetchone()
        assert ended is not None and ended[0] > 0
        statuses = [client.get(f"/api/v2/projects/{project}", headers=auth()).status_code
                    for _ in range(20)]
        # At most the requests that met a dropped pooled connection fail; then all answer.
        assert statuses == [200] * 20, statuses
