"""Every lifecycle path of model builds and deployments, driven by a frozen clock.

Default phases (mock seconds, time scale 1 here):
  build:      pending 1 s, queued (building) 8 s, pushing 2 s -> built at 11 s
  deployment: pending 1 s, deploying 5 s -> deployed at 6 s; stopping 1 s
"""

from __future__ import annotations

import json

import pytest

from mockcml.kit.wire import parse_timestamp, timestamp
from tests.helpers import assert_envelope, auth, make_project
from tests.resources.test_models import (
    builds_url,
    deployments_url,
    make_build,
    make_deployment,
    make_model,
    models_url,
)

BUILT_AFTER = 11
DEPLOYED_AFTER = 6


@pytest.fixture
def model(clocked):
    project = make_project(clocked.client)
    return project["id"], make_model(clocked.client, project["id"])


def _get_build(clocked, pid, build):
    return clocked.client.get(f"{builds_url(pid, build['model_id'])}/{build['id']}",
                              headers=auth()).json()


def _builds(clocked, pid, model_id, **params):
    return clocked.client.get(builds_url(pid, model_id), headers=auth(),
                              params={"page_size": 100, **params}).json()["model_builds"]


def _get_dep(clocked, pid, build, deployment):
    return clocked.client.get(f"{deployments_url(pid, build)}/{deployment['id']}",
                              headers=auth()).json()


def _verb(clocked, pid, build, deployment, verb):
    return clocked.client.post(f"{deployments_url(pid, build)}/{deployment['id']}:{verb}",
                               headers=auth())


def _built(clocked, pid, model_id, **fields):
    build = make_build(clocked.client, pid, model_id, **fields)
    clocked.advance(BUILT_AFTER)
    assert _get_build(clocked, pid, build)["status"] == "built"
    return build


def _deployed(clocked, pid, build, **fields):
    deployment = make_deployment(clocked.client, pid, build, **fields)
    clocked.advance(DEPLOYED_AFTER)
    assert _get_dep(clocked, pid, build, deployment)["status"] == "deployed"
    return deployment


def clocked_stamp(clocked) -> str:
    """The clock's time as the API writes it."""
    return timestamp(clocked.clock.now())


def _seconds_between(later: str, earlier: str) -> float:
    return round(parse_timestamp(later) - parse_timestamp(earlier), 6)


# --- builds --------------------------------------------------------------------------


def test_build_success_path_with_built_at_and_updated_at(clocked, model):
    pid, m = model
    build = make_build(clocked.client, pid, m["id"])
    assert build["status"] == "pending" and "built_at" not in build
    assert build["updated_at"] == build["created_at"]
    for seconds, status in ((1, "queued"), (8, "pushing"), (2, "built")):
        clocked.advance(seconds - 0.001)
        assert _get_build(clocked, pid, build)["status"] != status
        clocked.advance(0.001)
        now = _get_build(clocked, pid, build)
        assert now["status"] == status
        assert now["updated_at"] == clocked_stamp(clocked)
        assert ("built_at" in now) is (status == "built")
    assert _seconds_between(now["built_at"], build["created_at"]) == BUILT_AFTER
    clocked.advance(3600)
    assert _get_build(clocked, pid, build) == now


@pytest.mark.parametrize("outcome, status", [("failed", "build failed"),
                                             ("timedout", "timedout")])
def test_scripted_build_failure_skips_pushing(clocked, model, outcome, status):
    pid, m = model
    build = make_build(clocked.client, pid, m["id"],
                       comment=f"MOCKCML_OUTCOME={outcome} MOCKCML_DURATION=3")
    seen = []
    for _ in range(10):
        seen.append(_get_build(clocked, pid, build)["status"])
        clocked.advance(0.5)
    assert seen == ["pending"] * 2 + ["queued"] * 6 + [status] * 2
    final = _get_build(clocked, pid, build)
    assert "built_at" not in final
    assert _seconds_between(final["updated_at"], build["created_at"]) == 4


def test_scripted_build_phase_lengths(clocked, model):
    pid, m = model
    build = make_build(clocked.client, pid, m["id"], comment=(
        "MOCKCML_PENDING_DURATION=0 MOCKCML_DURATION=2 MOCKCML_PUSHING_DURATION=0.5"))
    assert build["status"] == "queued"
    clocked.advance(2)
    assert _get_build(clocked, pid, build)["status"] == "pushing"
    clocked.advance(0.5)
    assert _get_build(clocked, pid, build)["status"] == "built"


def test_two_reads_agree_and_the_listing_matches(clocked, model):
    pid, m = model
    build = make_build(clocked.client, pid, m["id"])
    clocked.advance(9.5)
    one = _get_build(clocked, pid, build)
    assert one == _get_build(clocked, pid, build) == _builds(clocked, pid, m["id"])[0]
    assert one["status"] == "pushing"


def test_build_status_filter_and_sorts_follow_the_clock(clocked, model):
    pid, m = model
    slow = make_build(clocked.client, pid, m["id"], comment="slow MOCKCML_DURATION=100")
    fast = make_build(clocked.client, pid, m["id"], comment="fast MOCKCML_DURATION=1")
    broken = make_build(clocked.client, pid, m["id"],
                        comment="broken MOCKCML_OUTCOME=failed MOCKCML_DURATION=1")

    def ids(status):
        return [b["id"] for b in _builds(clocked, pid, m["id"],
                                         search_filter=json.dumps({"status": status}))]

    assert set(ids("pending")) == {slow["id"], fast["id"], broken["id"]}
    clocked.advance(2.5)
    assert ids("queued") == [slow["id"]]
    assert ids("pushing") == [fast["id"]]
    assert ids("build failed") == [broken["id"]]
    clocked.advance(1.5)  # fast: pending 1 + building 1 + pushing 2
    assert ids("built") == [fast["id"]] and ids("pushing") == []
    newest_change = _builds(clocked, pid, m["id"], sort="-updated_at")
    assert newest_change[0]["id"] == fast["id"]
    by_built = _builds(clocked, pid, m["id"], sort="-built_at")
    assert {b["id"] for b in by_built[:2]} == {slow["id"], broken["id"]}  # no built_at
    assert by_built[2]["id"] == fast["id"]


# --- deployments ---------------------------------------------------------------------


def test_a_build_still_building_cannot_be_deployed(clocked, model):
    pid, m = model
    build = make_build(clocked.client, pid, m["id"])
    clocked.advance(BUILT_AFTER - 0.001)
    response = clocked.client.post(deployments_url(pid, build), json={}, headers=auth())
    body = assert_envelope(response, 400, 9)
    assert "pushing" in body["message"]
    clocked.advance(0.001)
    assert make_deployment(clocked.client, pid, build)["status"] == "pending"


def test_deployment_success_path(clocked, model):
    pid, m = model
    build = _built(clocked, pid, m["id"])
    deployment = make_deployment(clocked.client, pid, build)
    assert deployment["status"] == "pending" and "stopped_at" not in deployment
    for seconds, status in ((1, "deploying"), (5, "deployed")):
        clocked.advance(seconds - 0.001)
        assert _get_dep(clocked, pid, build, deployment)["status"] != status
        clocked.advance(0.001)
        now = _get_dep(clocked, pid, build, deployment)
        assert now["status"] == status and now["updated_at"] == clocked_stamp(clocked)
    clocked.advance(3600)
    assert _get_dep(clocked, pid, build, deployment) == now


def test_scripted_deployment_failure(clocked, model):
    pid, m = model
    build = _built(clocked, pid, m["id"])
    deployment = make_deployment(clocked.client, pid, build, environment={
        "MOCKCML_OUTCOME": "failed", "MOCKCML_PENDING_DURATION": "0", "MOCKCML_DURATION": "2"})
    assert deployment["status"] == "deploying"
    clocked.advance(1.999)
    assert _get_dep(clocked, pid, build, deployment)["status"] == "deploying"
    clocked.advance(0.001)
    assert _get_dep(clocked, pid, build, deployment)["status"] == "failed"


@pytest.mark.parametrize("at, phase", [(0.5, "pending"), (3, "deploying"), (10, "deployed")])
def test_stop_in_each_active_phase(clocked, model, at, phase):
    pid, m = model
    build = _built(clocked, pid, m["id"])
    deployment = make_deployment(clocked.client, pid, build)
    clocked.advance(at)
    assert _get_dep(clocked, pid, build, deployment)["status"] == phase
    stop = _verb(clocked, pid, build, deployment, "stop")
    assert stop.status_code == 200 and stop.json()["status"] == "stopping"
    assert "stopped_at" not in stop.json()
    assert _verb(clocked, pid, build, deployment, "stop").json()["status"] == "stopping"
    clocked.advance(0.999)
    assert _get_dep(clocked, pid, build, deployment)["status"] == "stopping"
    clocked.advance(0.001)
    stopped = _get_dep(clocked, pid, build, deployment)
    assert stopped["status"] == "stopped" and stopped["stopped_at"] == clocked_stamp(clocked)
    clocked.advance(100)
    assert _get_dep(clocked, pid, build, deployment) == stopped


def test_restart_goes_straight_to_deploying(clocked, model):
    pid, m = model
    build = _built(clocked, pid, m["id"])
    deployment = _deployed(clocked, pid, build)
    _verb(clocked, pid, build, deployment, "stop")
    clocked.advance(1)
    restarted = _verb(clocked, pid, build, deployment, "restart").json()
    assert restarted["status"] == "deploying" and "stopped_at" not in restarted
    assert restarted["updated_at"] == clocked_stamp(clocked)
    clocked.advance(5)
    assert _get_dep(clocked, pid, build, deployment)["status"] == "deployed"
    # A deployed deployment restarts too (a redeploy).
    assert _verb(clocked, pid, build, deployment, "restart").json()["status"] == "deploying"


@pytest.mark.parametrize("at, phase", [(0.5, "pending"), (3, "deploying")])
def test_restart_is_refused_while_starting_or_stopping(clocked, model, at, phase):
    pid, m = model
    build = _built(clocked, pid, m["id"])
    deployment = make_deployment(clocked.client, pid, build)
    clocked.advance(at)
    before = _get_dep(clocked, pid, build, deployment)
    body = assert_envelope(_verb(clocked, pid, build, deployment, "restart"), 400, 9)
    assert phase in body["message"]
    assert _get_dep(clocked, pid, build, deployment) == before
    _verb(clocked, pid, build, deployment, "stop")
    assert_envelope(_verb(clocked, pid, build, deployment, "restart"), 400, 9)


def test_auto_deployment_waits_for_its_build(clocked, model):
    pid, m = model
    build = make_build(clocked.client, pid, m["id"], auto_deploy_model=True,
                       auto_deployment_config={"cpu": 2})
    [deployment] = clocked.client.get(deployments_url(pid, build), headers=auth()).json()[
        "model_deployments"]
    assert deployment["status"] == "pending" and deployment["cpu"] == 2
    clocked.advance(BUILT_AFTER - 0.001)
    assert _get_dep(clocked, pid, build, deployment)["status"] == "pending"
    clocked.advance(0.001)
    assert _get_dep(clocked, pid, build, deployment)["status"] == "deploying"
    clocked.advance(5)
    assert _get_dep(clocked, pid, build, deployment)["status"] == "deployed"


def test_auto_deployment_fails_with_its_build(clocked, model):
    pid, m = model
    build = make_build(clocked.client, pid, m["id"], comment="MOCKCML_OUTCOME=failed",
                       auto_deploy_model=True)
    [deployment] = clocked.client.get(deployments_url(pid, build), headers=auth()).json()[
        "model_deployments"]
    clocked.advance(8.999)
    assert _get_dep(clocked, pid, build, deployment)["status"] == "pending"
    clocked.advance(0.001)
    assert _get_build(clocked, pid, build)["status"] == "build failed"
    assert _get_dep(clocked, pid, build, deployment)["status"] == "failed"
    assert_envelope(_verb(clocked, pid, build, deployment, "restart"), 400, 9)


def test_create_model_with_auto_build_and_deploy_runs_the_whole_chain(clocked):
    from tests.helpers import RUNTIME

    project = make_project(clocked.client)
    m = make_model(clocked.client, project["id"], auto_build_model=True, auto_deploy_model=True,
                   auto_build_config={"file_path": "p.py", "function_name": "f",
                                      "runtime_identifier": RUNTIME})
    [build] = _builds(clocked, project["id"], m["id"])
    clocked.advance(BUILT_AFTER + DEPLOYED_AFTER)
    [deployment] = clocked.client.get(deployments_url(project["id"], build),
                                      headers=auth()).json()["model_deployments"]
    assert deployment["status"] == "deployed"


def test_a_new_deployment_stops_the_serving_one(clocked, model):
    pid, m = model
    build = _built(clocked, pid, m["id"])
    first = _deployed(clocked, pid, build)
    second = make_deployment(clocked.client, pid, build)
    assert _get_dep(clocked, pid, build, first)["status"] == "stopping"
    clocked.advance(1)
    assert _get_dep(clocked, pid, build, first)["status"] == "stopped"
    assert _get_dep(clocked, pid, build, second)["status"] == "deploying"


def test_deployment_status_filter_follows_the_clock(clocked, model):
    pid, m = model
    build = _built(clocked, pid, m["id"])
    other_model = make_model(clocked.client, pid)
    other_build = _built(clocked, pid, other_model["id"])
    slow = make_deployment(clocked.client, pid, build, environment={"MOCKCML_DURATION": "50"})
    url = deployments_url(pid, build)

    def ids(status):
        body = clocked.client.get(url, headers=auth(), params={
            "search_filter": json.dumps({"status": status})}).json()
        return [d["id"] for d in body["model_deployments"]]

    assert ids("pending") == [slow["id"]]
    clocked.advance(2)
    assert ids("deploying") == [slow["id"]] and ids("pending") == []
    make_deployment(clocked.client, pid, other_build)
    _verb(clocked, pid, build, slow, "stop")
    assert ids("stopping") == [slow["id"]]
    clocked.advance(1)
    assert ids("stopped") == [slow["id"]] and ids("deploying") == []


def test_deleting_a_build_waits_for_its_deployment_to_stop(clocked, model):
    pid, m = model
    build = _built(clocked, pid, m["id"])
    deployment = make_deployment(clocked.client, pid, build)
    burl = f"{builds_url(pid, m['id'])}/{build['id']}"
    assert_envelope(clocked.client.delete(burl, headers=auth()), 400, 9)
    _verb(clocked, pid, build, deployment, "stop")
    assert_envelope(clocked.client.delete(burl, headers=auth()), 400, 9)  # still stopping
    clocked.advance(1)
    assert clocked.client.delete(burl, headers=auth()).json() == {}


def test_deleting_a_model_mid_deploy(clocked, model):
    pid, m = model
    build = _built(clocked, pid, m["id"])
    make_deployment(clocked.client, pid, build)
    clocked.advance(2)
    url = f"{models_url(pid)}/{m['id']}"
    assert clocked.client.delete(url, headers=auth()).json() == {}
    assert_envelope(clocked.client.get(deployments_url(pid, build), headers=auth()), 404, 5)
