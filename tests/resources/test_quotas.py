"""Quotas: defaults, user and team quotas with their live usage, GPU quotas per label."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from mockcml.resources.quotas.tables import UserQuota
from tests.helpers import RUNTIME
from tests.resources.admin_seed import ADMIN, ALICE, check_error, cluster, directory, seed, user_id

USER_DEFAULT, TEAM_DEFAULT = "/api/v2/default-quota/user", "/api/v2/default-quota/team"
ALL_DEFAULTS = "/api/v2/default-quota/all"
USERS_QUOTA, GROUPS_QUOTA = "/api/v2/usersquota", "/api/v2/groupsquota"
USER_LABELS, TEAM_LABELS = "/api/v2/userslabels/quota", "/api/v2/userslabels/team-quota"
USER_GPU, TEAM_GPU = "/api/v2/nodelabels/quota", "/api/v2/nodelabels/team-quota"


def _ok(response) -> dict:  # noqa: ANN001
    assert response.status_code == 200, response.text
    return response.json()


def _team(client: TestClient) -> str:
    directory(client, "ds", "alice", "bob")
    team = _ok(client.post("/api/v2/site/synced-teams", headers=ADMIN, json={
        "username": "datasci", "group_permissions": [{"cn": "ds"}]}))
    return team["id"]


def test_every_quota_operation_is_a_site_admins(world: TestClient) -> None:
    cluster(world)
    calls = [
        ("GET", ALL_DEFAULTS, None), ("GET", USER_DEFAULT, None),
        ("POST", USER_DEFAULT, {"quota": {"requests_cpu": "1"}}),
        ("POST", TEAM_DEFAULT, {"quota": {"requests_cpu": "1"}}),
        ("GET", USERS_QUOTA, None), ("GET", GROUPS_QUOTA, None),
        ("GET", USER_LABELS, None), ("GET", TEAM_LABELS, None),
        ("GET", USER_GPU, None), ("GET", TEAM_GPU, None),
        ("PATCH", USER_GPU, {"accelerator_based_user_quota": [
            {"user_id": "1", "accelerator_id": "10", "gpu_quota": "1"}]}),
        ("PATCH", TEAM_GPU, {"accelerator_based_team_quota": [
            {"team_id": "1", "accelerator_id": "10", "gpu_quota": "1"}]}),
    ]
    for method, url, body in calls:
        check_error(world.request(method, url, json=body), 401, 16)
        check_error(world.request(method, url, headers=ALICE, json=body), 403, 7)
    assert _ok(world.get(ALL_DEFAULTS, headers=ADMIN))["request_quotas"] == []
    assert _ok(world.get(USER_GPU, headers=ADMIN))["accelerator_based_user_quota"] == []


def test_default_quotas_set_keep_history_and_read(world: TestClient) -> None:
    assert _ok(world.get(USER_DEFAULT, headers=ADMIN)) == {"success": False}
    body = {"uuid": "u-1", "quota": {"requests_cpu": "4", "requests_memory": "16",
                                     "requests_gpu": "1"}}
    assert _ok(world.post(USER_DEFAULT, headers=ADMIN, json=body))["success"] is True
    # A partial update keeps the other quantities of the active default.
    _ok(world.post(USER_DEFAULT, headers=ADMIN, json={"quota": {"requests_cpu": "8"}}))
    _ok(world.post(TEAM_DEFAULT, headers=ADMIN, json={"quota": {"requests_memory": "64Gi",
                                                                "owner_type": "team"}}))
    current = _ok(world.get(USER_DEFAULT, headers=ADMIN))
    assert current["success"] is True
    quota = current["quota"]
    assert (quota["requests_cpu"], quota["requests_memory"], quota["requests_gpu"]) == (
        "8", "16", "1")
    assert quota["active"] is True and quota["owner_type"] == "user"
    assert isinstance(quota["id"], int)
    history = _ok(world.get(ALL_DEFAULTS, headers=ADMIN))["request_quotas"]
    assert [(q["owner_type"], q["active"]) for q in history] == [
        ("user", False), ("user", True), ("team", True)]
    assert history[2]["requests_memory"] == "64Gi"


def test_default_quota_invalid(world: TestClient) -> None:
    _ok(world.post(USER_DEFAULT, headers=ADMIN, json={"quota": {"requests_cpu": "2"}}))
    for body in ({}, {"quota": {}}, {"quota": {"requests_cpu": "lots"}},
                 {"quota": {"requests_cpu": "-1"}}, {"quota": {"requests_gpu": "0.5"}},
                 {"quota": {"requests_cpu": "inf"}}, {"quota": {"requests_cpu": 3}},
                 {"quota": {"requests_memory": "16GB"}}, {"quota": {"requests_gpu": "1k"}},
                 {"quota": {"requests_cpu": "1" * 33}},
                 {"quota": {"requests_cpu": "1", "owner_type": "team"}},
                 {"quota": {"cpu": "1"}}):
        check_error(world.post(USER_DEFAULT, headers=ADMIN, json=body), 400, 3)
    assert len(_ok(world.get(ALL_DEFAULTS, headers=ADMIN))["request_quotas"]) == 1
    assert _ok(world.get(USER_DEFAULT, headers=ADMIN))["quota"]["requests_cpu"] == "2"


def test_users_quota_lists_configured_and_live_usage(world: TestClient) -> None:
    cluster(world)
    world.app.state.mock.settings.time_scale = 1  # the run stays active
    _ok(world.post(USER_DEFAULT, headers=ADMIN, json={"quota": {
        "requests_cpu": "4", "requests_memory": "16", "requests_gpu": "1"}}))
    seed(world, UserQuota(user_id=user_id(world, "bob"), cpu="32"))
    project = _ok(world.post("/api/v2/projects", headers=ALICE, json={"name": "p"}))["id"]
    job = _ok(world.post(f"/api/v2/projects/{project}/jobs", headers=ALICE, json={
        "name": "train", "script": "t.py", "runtime_identifier": RUNTIME, "cpu": 2,
        "memory": 8, "nvidia_gpu": 1, "accelerator_label_id": "10"}))["id"]
    _ok(world.post(f"/api/v2/projects/{project}/jobs/{job}/runs", headers=ALICE,
                   json={"environment": {"MOCKCML_DURATION": "100000"}}))
    listed = _ok(world.get(USERS_QUOTA, headers=ADMIN, params={"page_size": 100}))
    by_name = {q["user"]["user_name"]: q for q in listed["user_quota"]}
    assert listed["total_count"] == str(len(by_name)) == "8"  # admin and seven users
    alice = by_name["alice"]
    assert alice["user"]["id"] == user_id(world, "alice")
    assert alice["quota_usage"] == {"cpu": "2", "memory": "8", "nvidia_gpu": "1"}
    assert alice["quota_configured"] == {"cpu": "4", "memory": "16", "nvidia_gpu": "1"}
    # bob's own quota replaces the default where set.
    assert by_name["bob"]["quota_configured"] == {"cpu": "32", "memory": "16", "nvidia_gpu": "1"}
    assert by_name["bob"]["quota_usage"] == {"cpu": "0", "memory": "0", "nvidia_gpu": "0"}
    # The label counts the GPU in use; a team counts what its members use.
    label = _ok(world.get("/api/v2/nodelabels", headers=ADMIN))["accelerator_node_label"][0]
    assert label["current_gpu_count"] == "1"
    _team(world)
    team = _ok(world.get(GROUPS_QUOTA, headers=ADMIN))["group_quota"][0]
    assert team["group"]["user_name"] == "datasci"
    assert team["quota_usage"]["nvidia_gpu"] == "1"
    on_label = _ok(world.get(USER_LABELS, headers=ADMIN, params={"search_filter": json.dumps(
        {"user_id": str(user_id(world, "alice")), "accelerator_id": "10"})}))
    assert on_label["total_count"] == "1"
    assert on_label["user_accelerator_quota"][0]["quota_usage"]["nvidia_gpu"] == "1"


def test_users_and_groups_quota_sort_filter_page(world: TestClient) -> None:
    page = _ok(world.get(USERS_QUOTA, headers=ADMIN, params={"sort": "-username",
                                                             "page_size": 3}))
    assert [q["user"]["user_name"] for q in page["user_quota"]] == ["mallory", "frank", "erin"]
    assert page["total_count"] == "8" and page["next_page_token"]
    rest = _ok(world.get(USERS_QUOTA, headers=ADMIN, params={
        "sort": "-username", "page_size": 3, "page_token": page["next_page_token"]}))
    assert [q["user"]["user_name"] for q in rest["user_quota"]] == ["dave", "carol", "bob"]
    nobody = _ok(world.get(USERS_QUOTA, headers=ADMIN,
                           params={"search_filter": json.dumps({"banned": "true"})}))
    assert nobody["user_quota"] == [] and nobody["total_count"] == "0"
    check_error(world.get(USERS_QUOTA, headers=ADMIN,
                          params={"search_filter": json.dumps({"name": "a"})}), 400, 3)
    check_error(world.get(GROUPS_QUOTA, headers=ADMIN, params={"sort": "id"}), 400, 3)
    check_error(world.get(GROUPS_QUOTA, headers=ADMIN, params={"page_size": "x"}), 400, 3)
    assert _ok(world.get(GROUPS_QUOTA, headers=ADMIN)) == {
        "group_quota": [], "next_page_token": "", "total_count": "0"}


def test_accelerator_quotas_update_and_list(world: TestClient) -> None:
    cluster(world)
    team_id = _team(world)
    alice, bob = str(user_id(world, "alice")), str(user_id(world, "bob"))
    body = {"accelerator_based_user_quota": [
        {"user_id": alice, "accelerator_id": "10", "gpu_quota": "3"},
        {"user_id": bob, "accelerator_id": "11", "gpu_quota": "2"}]}
    assert _ok(world.patch(USER_GPU, headers=ADMIN, json=body)) == {"rows_affected": 2}
    listed = _ok(world.get(USER_GPU, headers=ADMIN))["accelerator_based_user_quota"]
    assert listed == [
        {"user_id": alice, "accelerator_id": "10", "gpu_quota": "3",
         "accelerator_key": "nvidia.com/gpu.product", "accelerator_value": "Tesla-V100"},
        {"user_id": bob, "accelerator_id": "11", "gpu_quota": "2",
         "accelerator_key": "accelerator", "accelerator_value": "a100"}]
    # display_all: every user on every label, the label's default where none is set.
    everything = _ok(world.get(USER_GPU, headers=ADMIN, params={
        "display_all": "true", "page_size": 100, "sort": "-accelerator_id"}))
    rows = everything["accelerator_based_user_quota"]
    assert len(rows) == 16 and rows[0]["accelerator_id"] == "11"
    carol = str(user_id(world, "carol"))
    assert {r["gpu_quota"] for r in rows if r["user_id"] == carol} == {"1", "0"}
    for huge in ({"user_id": "9" * 30}, {"accelerator_id": "-" + "9" * 30}, {"user_id": True}):
        for url in (USER_GPU, USER_LABELS):
            found = _ok(world.get(url, headers=ADMIN, params={"search_filter": json.dumps(huge)}))
            assert not found[next(iter(found))], (url, huge)  # no id is spelt that way
    only = _ok(world.get(USER_GPU, headers=ADMIN,
                         params={"search_filter": json.dumps({"user_id": bob})}))
    assert [r["accelerator_id"] for r in only["accelerator_based_user_quota"]] == ["11"]
    # An empty gpu_quota removes the entry.
    _ok(world.patch(USER_GPU, headers=ADMIN, json={"accelerator_based_user_quota": [
        {"user_id": bob, "accelerator_id": "11", "gpu_quota": ""}]}))
    assert len(_ok(world.get(USER_GPU, headers=ADMIN))["accelerator_based_user_quota"]) == 1
    per_user = _ok(world.get(USER_LABELS, headers=ADMIN, params={
        "search_filter": json.dumps({"user_id": alice})}))
    assert [(q["accelerator_id"], q["quota_configured"]["nvidia_gpu"], q["username"])
            for q in per_user["user_accelerator_quota"]] == [("10", "3", "alice"),
                                                             ("11", "0", "alice")]
    # Teams the same way.
    team_body = {"accelerator_based_team_quota": [
        {"team_id": team_id, "accelerator_id": "10", "gpu_quota": "5"}]}
    assert _ok(world.patch(TEAM_GPU, headers=ADMIN, json=team_body)) == {"rows_affected": 1}
    assert _ok(world.get(TEAM_GPU, headers=ADMIN))["accelerator_based_team_quota"][0][
        "gpu_quota"] == "5"
    teams = _ok(world.get(TEAM_LABELS, headers=ADMIN))
    assert teams["total_count"] == "2" and teams["next_page_token"] == ""
    assert teams["team_accelerator_quota"][0]["team_name"] == "datasci"
    assert teams["team_accelerator_quota"][0]["quota_configured"]["nvidia_gpu"] == "5"


def test_accelerator_quota_updates_all_or_nothing(world: TestClient) -> None:
    cluster(world)
    team_id = _team(world)
    alice = str(user_id(world, "alice"))
    good = {"user_id": alice, "accelerator_id": "10", "gpu_quota": "3"}
    for entries, status, code in (
        ([], 400, 3),
        ([good, {**good, "gpu_quota": "-1"}], 400, 3),
        ([good, {**good, "gpu_quota": "1.5"}], 400, 3),
        ([good, {"accelerator_id": "10", "gpu_quota": "1"}], 400, 3),
        ([good, {"user_id": alice, "accelerator_id": "10"}], 400, 3),
        ([good, {**good, "user_id": "9999"}], 404, 5),
        ([good, {**good, "accelerator_id": "99"}], 404, 5),
    ):
        check_error(world.patch(USER_GPU, headers=ADMIN,
                                json={"accelerator_based_user_quota": entries}), status, code)
    check_error(world.patch(USER_GPU, headers=ADMIN, json={"accelerator_based_user_quota": [
        {**good, "user_id": "abc"}]}), 400, 3)
    check_error(world.patch(TEAM_GPU, headers=ADMIN, json={"accelerator_based_team_quota": [
        {"team_id": str(int(team_id) + 50), "accelerator_id": "10", "gpu_quota": "1"}]}), 404, 5)
    check_error(world.get(USER_GPU, headers=ADMIN, params={"sort": "gpu_quota"}), 400, 3)
    check_error(world.get(TEAM_LABELS, headers=ADMIN,
                          params={"search_filter": json.dumps({"user_id": "1"})}), 400, 3)
    assert _ok(world.get(USER_GPU, headers=ADMIN))["accelerator_based_user_quota"] == []
    assert _ok(world.get(TEAM_GPU, headers=ADMIN))["accelerator_based_team_quota"] == []


def test_fixture_seeding_sets_quotas_the_api_shows(world: TestClient) -> None:
    import pytest

    from mockcml.core.errors import InvalidArgument
    from mockcml.resources.quotas.seed import seed_accelerator_quota, seed_default, seed_quota

    cluster(world)
    alice = user_id(world, "alice")
    with world.app.state.mock.db.transaction() as session:
        seed_default(session, "user", cpu="2", memory="8Gi", gpu="0")
        seed_quota(session, "user", alice, cpu="16")
        seed_accelerator_quota(session, "user", alice, 10, "2")
        with pytest.raises(InvalidArgument):
            seed_quota(session, "user", alice, gpu="half")
    listed = _ok(world.get(USERS_QUOTA, headers=ADMIN, params={"page_size": 100}))
    mine = next(q for q in listed["user_quota"] if q["user"]["user_name"] == "alice")
    assert mine["quota_configured"] == {"cpu": "16", "memory": "8Gi", "nvidia_gpu": "0"}
    assert _ok(world.get(USER_GPU, headers=ADMIN))["accelerator_based_user_quota"][0][
        "gpu_quota"] == "2"
