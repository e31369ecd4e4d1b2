"""An in-process mock at real-time scale with a frozen clock that tests move by hand."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from mockcml.app import create_app
from mockcml.settings import Settings
from tests.helpers import auth, make_job, make_project

# Phase lengths used throughout: scheduling 1 s, starting 2 s, running 10 s, stopping 1 s.
PHASES = dict(scheduling_seconds=1, starting_seconds=2, running_seconds=10, stopping_seconds=1)


@dataclass
class Clocked:
    client: TestClient
    app: object

    @property
    def clock(self):
        return self.app.state.mock.clock

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)

    def project_job(self, **job_fields):
        project = make_project(self.client)
        job = make_job(self.client, project["id"], **job_fields)
        return project, job

    def start(self, project, job, **body):
        response = self.client.post(
            f"/api/v2/projects/{project['id']}/jobs/{job['id']}/runs", json=body or None,
            headers=auth())
        assert response.status_code == 200, response.text
        return response.json()

    def get(self, run):
        return self.client.get(
            f"/api/v2/projects/{run['project_id']}/jobs/{run['job_id']}/runs/{run['id']}",
            headers=auth()).json()

    def runs(self, project, job, **params):
        return self.client.get(f"/api/v2/projects/{project['id']}/jobs/{job['id']}/runs",
                               params={"page_size": 1000, **params}, headers=auth()).json()[
            "job_runs"]


@contextmanager
def clocked_with(settings: Settings) -> Iterator[Clocked]:
    """An in-process mock on ``settings`` whose clock is frozen until a test moves it."""
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        app.state.mock.clock.freeze()
        yield Clocked(client=client, app=app)


@pytest.fixture
def clocked() -> Iterator[Clocked]:
    with clocked_with(Settings(time_scale=1, **PHASES)) as clocked:
        yield clocked
