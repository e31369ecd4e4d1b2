"""Default phase lengths live in Settings: a configured length is what the API and the
fixtures plan with, for every lifecycle that has one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mockcml.settings import Settings
from tests.helpers import RUNTIME, auth, make_project, unique
from tests.lifecycle.conftest import Clocked, clocked_with
from tests.resources.test_models import builds_url, make_build, make_deployment, make_model

LENGTHS = dict(app_starting_seconds=7, app_stopping_seconds=3, build_pending_seconds=2,
               build_building_seconds=3, build_pushing_seconds=4,
               deployment_pending_seconds=2, deployment_deploying_seconds=6,
               deployment_stopping_seconds=5)


@pytest.fixture
def configured() -> Iterator[Clocked]:
    with clocked_with(Settings(time_scale=1, **LENGTHS)) as clocked:
        yield clocked


def _status_after(clocked, url, seconds):
    clocked.advance(seconds)
    return clocked.client.get(url, headers=auth()).json()["status"]


def test_applications_start_and_stop_with_the_configured_lengths(configured):
    project = make_project(configured.client)
    base = f"/api/v2/projects/{project['id']}/applications"
    app = configured.client.post(base, headers=auth(), json={
        "name": "a", "subdomain": unique("a"), "script": "a.py",
        "runtime_identifier": RUNTIME}).json()
    url = f"{base}/{app['id']}"
    assert _status_after(configured, url, 6.9) == "APPLICATION_STARTING"
    assert _status_after(configured, url, 0.1) == "APPLICATION_RUNNING"
    configured.client.post(f"{url}:stop", headers=auth())
    assert _status_after(configured, url, 2.9) == "APPLICATION_STOPPING"
    assert _status_after(configured, url, 0.1) == "APPLICATION_STOPPED"


def test_builds_and_deployments_follow_the_configured_lengths(configured):
    client = configured.client
    pid = make_project(client)["id"]
    model = make_model(client, pid)
    build = make_build(client, pid, model["id"])
    url = f"{builds_url(pid, model['id'])}/{build['id']}"
    seen = [_status_after(configured, url, step) for step in (1.9, 0.1, 2.9, 0.1, 3.9, 0.1)]
    assert seen == ["pending", "queued", "queued", "pushing", "pushing", "built"]
    deployment = make_deployment(client, pid, build)
    dep_url = f"{url}/deployments/{deployment['id']}"
    seen = [_status_after(configured, dep_url, step) for step in (1.9, 0.1, 5.9, 0.1)]
    assert seen == ["pending", "deploying", "deploying", "deployed"]
    client.post(f"{dep_url}:stop", headers=auth())
    assert [_status_after(configured, dep_url, s) for s in (4.9, 0.1)] == ["stopping", "stopped"]


def test_fixtures_plan_with_the_configured_lengths(tmp_path):
    from mockcml.fixtures import check

    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "users: [{username: u, api_keys: [k]}]\n"
        "projects: [{name: p, owner: u, default_project_engine_type: legacy_engine, applications: "
        "[{name: a, subdomain: fa, script: a.py, status: starting, created_at: -6s}]}]\n",
        encoding="utf-8")
    # Six seconds into a seven-second start is consistent; the default five is not.
    assert check([str(scenario)], Settings(**LENGTHS), 0.0)[1] == []
    problems = check([str(scenario)], Settings(), 0.0)[1]
    assert problems and "would have left starting" in problems[0].message


def test_fixture_docs_state_the_settings_defaults(monkeypatch):
    """The documented defaults of fixture phase lengths are read off Settings, not copied."""
    from mockcml.resources.model_builds.lifecycle import BUILD
    from mockcml.resources.model_deployments.lifecycle import DEPLOYMENT

    assert BUILD.scripted_default("queued", "MOCKCML_DURATION") == "MOCKCML_DURATION, else 8s"
    assert DEPLOYMENT.scripted_default("pending", "X") == "X, else 1s"
    monkeypatch.setattr(Settings.model_fields["build_building_seconds"], "default", 2.5)
    assert BUILD.scripted_default("queued", "MOCKCML_DURATION") == "MOCKCML_DURATION, else 2.5s"
