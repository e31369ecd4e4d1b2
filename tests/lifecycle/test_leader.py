"""Two ``mockcml serve`` replicas on one PostgreSQL database: one leads the scheduler, the
other takes over within seconds when the leader is killed, and no event fires twice.

Slow (processes); skipped when the PostgreSQL server programs are not installed. .ci/run's
PostgreSQL stage runs them.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator

import psycopg
import pytest

from mockcml import migrations
from tests.helpers import LiveServer, auth, make_job, make_project

pytestmark = pytest.mark.slow

TAKEOVER_SECONDS = 5.0
LEAD = 3.0  # the cron tick is due this long after the set-up, in real time


def _to_next_minute(api) -> float:  # noqa: ANN001
    now = api.get("/_mock/clock").json()["epoch"]
    return math.floor(now / 60 + 1) * 60 - now


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    from tests import pg

    try:
        pg._program("initdb")
    except RuntimeError as exc:
        pytest.skip(str(exc))
    with pg.ThrowawayPostgres() as server:
        yield server


@pytest.fixture
def database(cluster, request) -> str:  # noqa: ANN001
    """A fresh, empty database on the cluster; its libpq URL."""
    name = f"leader_{request.node.name.lower()}"[:60]
    with psycopg.connect(_libpq(cluster.url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return _libpq(cluster.url).rsplit("/", 1)[0] + f"/{name}"


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _replicas(url: str, count: int = 2, scale: str = "0.1") -> list[LiveServer]:
    """``count`` servers on one database, started at the same time."""
    servers = [LiveServer("--db", url, env={"MOCKCML_TIME_SCALE": scale}) for _ in range(count)]
    errors: list[BaseException] = []

    def start(server: LiveServer) -> None:
        try:
            server.start(timeout=180)  # two at once, on a busy machine
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(s,)) for s in servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        for server in servers:
            server.stop()
        raise errors[0]
    return servers


def _roles(servers: list[LiveServer], timeout: float = 10.0) -> list[str]:
    """Each server's scheduler role, once exactly one leads."""
    deadline = time.monotonic() + timeout
    while True:
        roles = [_ready(s)["scheduler"] for s in servers]
        if roles.count("leader") == 1 or time.monotonic() > deadline:
            return roles
        time.sleep(0.1)


def _ready(server: LiveServer) -> dict:
    with server.client() as client:
        return client.get("/_mock/ready").json()


def _advance(server: LiveServer, seconds: float) -> None:
    # The clock is shared through the database (control/shared): moved through one
    # replica, it moves for both.
    with server.client() as client:
        assert client.post("/_mock/clock/advance", json={"by": seconds}).status_code == 200


def _runs(url: str, job_id: str) -> list[tuple[str, str | None]]:
    """(trigger, trigger_key) of a job's runs, read straight from the database: reading
    through the API would run a catch-up pass, which is what must not be needed here."""
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT trigger, trigger_key FROM job_runs WHERE job_id = %s",
                            (job_id,)).fetchall()


def _api_runs(server: LiveServer, project_id: str, job_id: str) -> list[dict]:
    with server.client() as client:
        response = client.get(f"/api/v2/projects/{project_id}/jobs/{job_id}/runs",
                              params={"page_size": 1000}, headers=auth())
        assert response.status_code == 200, response.text
        return response.json()["job_runs"]


def test_killing_the_leader_hands_cron_and_dependents_to_the_survivor_within_5s(database):
    servers = _replicas(database)
    try:
        roles = _roles(servers)
        assert sorted(roles) == ["follower", "leader"], roles
        # Both started at once on an empty database: one created the schema, at head.
        with psycopg.connect(database) as conn:
            version = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        assert version == [(migrations.head(),)]
        leader = servers[roles.index("leader")]
        survivor = servers[roles.index("follower")]
        with survivor.client() as api:
            project = make_project(api)["id"]
            parent = make_job(api, project)
            child = make_job(api, project, parent_job_id=parent["id"])
            # Put the next cron tick LEAD seconds of real time ahead (the one shared clock), then
            # make the job whose first tick it is.
            to_tick = _to_next_minute(api)
            if to_tick < LEAD + 0.5:
                time.sleep(to_tick + 0.1)  # never jump over a tick
                to_tick = _to_next_minute(api)
            _advance(survivor, to_tick - LEAD)
            minutely = make_job(api, project, schedule="* * * * *")
            # The parent finishes 1.3 s from now (13 mock seconds at time scale 0.1).
            started = api.post(f"/api/v2/projects/{project}/jobs/{parent['id']}/runs",
                               json={}, headers=auth())
            assert started.status_code == 200, started.text
        leader.stop(kill=True)  # SIGKILL: no goodbye, the server notices the closed socket
        killed = time.monotonic()
        assert not _runs(database, minutely["id"]), "the tick came before the kill: too slow"

        # No API request reaches the survivor until both runs exist (/_mock/ready runs no
        # pass): its background loop, now leading, fires them.
        fired: dict[str, float] = {}
        while len(fired) < 3 and time.monotonic() - killed < TAKEOVER_SECONDS + 5:
            for name, job in (("cron", minutely), ("dependent", child)):
                if name not in fired and _runs(database, job["id"]):
                    fired[name] = time.monotonic() - killed
            if "leader" not in fired and _ready(survivor)["scheduler"] == "leader":
                fired["leader"] = time.monotonic() - killed
            time.sleep(0.05)
        assert set(fired) == {"cron", "dependent", "leader"}, fired
        assert max(fired.values()) <= TAKEOVER_SECONDS, fired
        # Exactly once each, as the API lists them.
        cron_runs = _api_runs(survivor, project, minutely["id"])
        child_runs = _api_runs(survivor, project, child["id"])
        assert len(cron_runs) == 1 and len(child_runs) == 1, (cron_runs, child_runs)
        assert [t for t, _ in _runs(database, minutely["id"])] == ["cron"]
        assert [t for t, _ in _runs(database, child["id"])] == ["dependent"]
        print(f"after the kill: leader again {fired['leader']:.2f}s, cron fired "
              f"{fired['cron']:.2f}s, dependent {fired['dependent']:.2f}s")
    finally:
        for server in servers:
            server.stop()


def test_two_live_replicas_never_fire_an_event_twice(database):
    servers = _replicas(database, scale="0")
    try:
        assert sorted(_roles(servers)) == ["follower", "leader"]
        with servers[0].client() as api:
            project = make_project(api)["id"]
            parent = make_job(api, project)
            children = [make_job(api, project, parent_job_id=parent["id"]) for _ in range(3)]
            minutely = make_job(api, project, schedule="* * * * *")
            start = api.get("/_mock/clock").json()["epoch"]
            for _ in range(5):  # finished at once (time scale 0): due on the next pass
                response = api.post(f"/api/v2/projects/{project}/jobs/{parent['id']}/runs",
                                    json={}, headers=auth())
                assert response.status_code == 200, response.text

        # Both replicas serve reads (each a catch-up pass) while the clock jumps through each.
        stop = threading.Event()
        failures: list[str] = []

        def read(server: LiveServer) -> None:
            with server.client() as client:
                while not stop.is_set():
                    response = client.get(f"/api/v2/projects/{project}/jobs", headers=auth())
                    if response.status_code != 200:
                        failures.append(response.text)

        readers = [threading.Thread(target=read, args=(s,)) for s in servers for _ in range(2)]
        for thread in readers:
            thread.start()
        try:
            jumps = [threading.Thread(target=_advance, args=(s, 600)) for s in servers]
            for thread in jumps:
                thread.start()
            for thread in jumps:
                thread.join()
            time.sleep(1.0)
        finally:
            stop.set()
            for thread in readers:
                thread.join()
        assert not failures, failures[:3]
        end = min(_ready_clock(s) for s in servers)

        cron = _runs(database, minutely["id"])
        keys = [key for _, key in cron]
        assert len(keys) == len(set(keys))
        # Every minute tick between creation and the (slower) clock, each once.
        ticks = math.floor(end / 60) - math.floor(start / 60)
        assert len(cron) in (ticks, ticks + 1), (len(cron), ticks)
        for child in children:
            runs = _runs(database, child["id"])
            assert sorted(t for t, _ in runs) == ["dependent"] * 5, runs
        for server in servers:
            server.stop()
            assert b"scheduler pass failed" not in server.log, server.log.decode()[-2000:]
    finally:
        for server in servers:
            server.stop()


def _ready_clock(server: LiveServer) -> float:
    with server.client() as client:
        return client.get("/_mock/clock").json()["epoch"]
