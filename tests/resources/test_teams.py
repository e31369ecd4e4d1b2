"""Teams, synced teams, their groups and members, and the sync lifecycle."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.resources.admin_seed import ADMIN, ALICE, check_error, directory, user_id

SITE = "/api/v2/site"
SYNCED = {"username": "datasci", "bio": "data science",
          "group_permissions": [{"cn": "ds", "permission": "write"}]}


def _ok(response) -> dict:  # noqa: ANN001
    assert response.status_code == 200, response.text
    return response.json()


def _members(client: TestClient, team: str = "datasci") -> dict[str, dict]:
    members = _ok(client.get(f"/api/v2/teams/{team}/group_members", headers=ADMIN))["members"]
    return {m["user"]["username"]: m for m in members}


def _groups(client: TestClient, team: str = "datasci") -> dict[str, dict]:
    groups = _ok(client.get(f"/api/v2/teams/{team}/groups", headers=ADMIN))["groups"]
    return {g["cn"]: g for g in groups}


def _directory(client: TestClient) -> None:
    directory(client, "ds", "alice", "bob")
    directory(client, "ml", "bob", "carol")


def test_every_team_operation_is_a_site_admins(world: TestClient) -> None:
    _directory(world)
    _ok(world.post(f"{SITE}/synced-teams", headers=ADMIN, json=SYNCED))
    alice = user_id(world, "alice")
    calls = [
        ("POST", f"{SITE}/teams", {"username": "x"}),
        ("POST", f"{SITE}/synced-teams", {**SYNCED, "username": "y"}),
        ("DELETE", "/api/v2/teams/datasci", None),
        ("GET", "/api/v2/teams/datasci/group_members", None),
        ("PATCH", f"/api/v2/teams/datasci/group_members/{alice}", {"permission": "admin"}),
        ("GET", "/api/v2/teams/datasci/groups", None),
        ("PUT", "/api/v2/teams/datasci/groups", {"group_permission": {"cn": "ml"}}),
        ("DELETE", "/api/v2/teams/datasci/groups/1", None),
        ("PATCH", "/api/v2/teams/datasci/groups/1", {"permission": "admin"}),
        ("GET", "/api/v2/sync/status", None),
        ("GET", "/api/v2/sync/teams/status", None),
        ("GET", "/api/v2/sync/users/status", None),
    ]
    for method, url, body in calls:
        check_error(world.request(method, url, json=body), 401, 16)
        check_error(world.request(method, url, headers=ALICE, json=body), 403, 7)
    assert set(_members(world)) == {"alice", "bob"}
    assert _members(world)["alice"]["permission"] == "write"
    assert set(_groups(world)) == {"ds"}


def test_create_team_and_synced_team(world: TestClient) -> None:
    _directory(world)
    plain = _ok(world.post(f"{SITE}/teams", headers=ADMIN,
                           json={"username": "plain", "bio": "by hand"}))
    assert plain["username"] == "plain" and plain["type"] == "organization"
    assert plain["ldap_synced"] is False and plain["members"] == "0"
    assert plain["id"].isdigit() and plain["permissions"]["admin"] is True
    team = _ok(world.post(f"{SITE}/synced-teams", headers=ADMIN, json=SYNCED))
    assert team["ldap_synced"] is True and team["bio"] == "data science"
    assert team["members"] == "2"
    assert [(m["username"], m["permission"]) for m in team["team_members"]] == [
        ("alice", "write"), ("bob", "write")]
    assert team["team_members"][0]["id"] == user_id(world, "alice")
    # time_scale 0: the sync the creation started has already finished.
    assert "last_synced_at" in team
    # CreateTeam with a cn makes a synced team of that group.
    via_cn = _ok(world.post(f"{SITE}/teams", headers=ADMIN,
                            json={"username": "ml-team", "cn": "ml", "permission": "admin"}))
    assert via_cn["ldap_synced"] is True
    assert {m["username"]: m["permission"] for m in via_cn["team_members"]} == {
        "bob": "admin", "carol": "admin"}


def test_create_rejects_bad_and_taken_names(world: TestClient) -> None:
    _ok(world.post(f"{SITE}/teams", headers=ADMIN, json={"username": "plain"}))
    for body in ({}, {"username": ""}, {"username": "bad name"}, {"username": "x" * 65},
                 {"username": "t", "type": "user"}, {"username": "t", "permission": "owner"},
                 {"username": "t\n"}):
        check_error(world.post(f"{SITE}/teams", headers=ADMIN, json=body), 400, 3)
    for body in ({"username": "t", "group_permissions": [{"cn": "a", "permission": "boss"}]},
                 {"username": "t", "group_permissions": [{"cn": ""}]},
                 {"username": "t", "group_permissions": [{"cn": "a"}, {"cn": "a"}]},
                 {"username": "t", "group_permissions": [{"cn": "a,b"}]}):
        check_error(world.post(f"{SITE}/synced-teams", headers=ADMIN, json=body), 400, 3)
    check_error(world.post(f"{SITE}/teams", headers=ADMIN, json={"username": "plain"}), 409, 6)
    # Teams share the namespace of usernames.
    check_error(world.post(f"{SITE}/synced-teams", headers=ADMIN,
                           json={"username": "alice"}), 409, 6)
    # Nothing half-made: no team "t" exists.
    check_error(world.delete("/api/v2/teams/t", headers=ADMIN), 404, 5)


def test_delete_team(world: TestClient) -> None:
    _directory(world)
    _ok(world.post(f"{SITE}/synced-teams", headers=ADMIN, json=SYNCED))
    assert _ok(world.delete("/api/v2/teams/datasci", headers=ADMIN)) == {}
    check_error(world.get("/api/v2/teams/datasci/groups", headers=ADMIN), 404, 5)
    check_error(world.delete("/api/v2/teams/datasci", headers=ADMIN), 404, 5)
    # The name is free again.
    _ok(world.post(f"{SITE}/synced-teams", headers=ADMIN, json=SYNCED))


def test_groups_add_update_remove_follow_members(world: TestClient) -> None:
    _directory(world)
    _ok(world.post(f"{SITE}/synced-teams", headers=ADMIN, json=SYNCED))
    assert _ok(world.put("/api/v2/teams/datasci/groups", headers=ADMIN, json={
        "team_name": "datasci", "group_permission": {"cn": "ml", "permission": "read"}})) == {}
    groups = _groups(world)
    assert set(groups) == {"ds", "ml"} and groups["ml"]["dn"].startswith("cn=ml,")
    assert groups["ml"]["team_id"] == groups["ds"]["team_id"]
    members = _members(world)
    assert set(members) == {"alice", "bob", "carol"}
    # bob is in both groups: the higher permission wins, and both names are listed.
    assert members["bob"]["permission"] == "write"
    assert members["bob"]["group_names"] == ["ds", "ml"]
    assert members["carol"]["permission"] == "read"
    ml = groups["ml"]["id"]
    assert _ok(world.patch(f"/api/v2/teams/datasci/groups/{ml}", headers=ADMIN,
                           json={"permission": "admin"})) == {}
    assert _groups(world)["ml"]["permission"] == "admin"
    assert _members(world)["bob"]["permission"] == "admin"
    assert _ok(world.delete(f"/api/v2/teams/datasci/groups/{ml}", headers=ADMIN)) == {}
    assert set(_groups(world)) == {"ds"}
    assert set(_members(world)) == {"alice", "bob"}
    assert _members(world)["bob"]["permission"] == "write"


def test_groups_invalid_conflict_and_not_found(world: TestClient) -> None:
    _directory(world)
    _ok(world.post(f"{SITE}/synced-teams", headers=ADMIN, json=SYNCED))
    _ok(world.post(f"{SITE}/teams", headers=ADMIN, json={"username": "plain"}))
    url = "/api/v2/teams/datasci/groups"
    check_error(world.put(url, headers=ADMIN, json={"group_permission": {"cn": "ds"}}), 409, 6)
    check_error(world.put(url, headers=ADMIN, json={}), 400, 3)
    check_error(world.put(url, headers=ADMIN,
                          json={"group_permission": {"cn": "ml", "permission": "root"}}), 400, 3)
    check_error(world.put(url, headers=ADMIN, json={"team_name": "other",
                                                    "group_permission": {"cn": "ml"}}), 400, 3)
    check_error(world.put("/api/v2/teams/plain/groups", headers=ADMIN,
                          json={"group_permission": {"cn": "ml"}}), 400, 9)
    check_error(world.put("/api/v2/teams/nobody/groups", headers=ADMIN,
                          json={"group_permission": {"cn": "ml"}}), 404, 5)
    check_error(world.delete(f"{url}/999", headers=ADMIN), 404, 5)
    check_error(world.delete(f"{url}/abc", headers=ADMIN), 400, 3)
    check_error(world.patch(f"{url}/999", headers=ADMIN, json={"permission": "read"}), 404, 5)
    ds = _groups(world)["ds"]["id"]
    check_error(world.patch(f"{url}/{ds}", headers=ADMIN, json={}), 400, 3)
    check_error(world.patch(f"{url}/{ds}", headers=ADMIN,
                            json={"group_id": "12345", "permission": "read"}), 400, 3)
    # Another team's group is not found through this team.
    _ok(world.post(f"{SITE}/synced-teams", headers=ADMIN,
                   json={"username": "other", "group_permissions": [{"cn": "ml"}]}))
    other = _groups(world, "other")["ml"]["id"]
    check_error(world.delete(f"{url}/{other}", headers=ADMIN), 404, 5)
    assert set(_groups(world)) == {"ds"} and _groups(world)["ds"]["permission"] == "write"


def test_member_permission_set_by_hand_stays(world: TestClient) -> None:
    _directory(world)
    _ok(world.post(f"{SITE}/synced-teams", headers=ADMIN, json=SYNCED))
    alice = user_id(world, "alice")
    url = f"/api/v2/teams/datasci/group_members/{alice}"
    assert _ok(world.patch(url, headers=ADMIN, json={"permission": "admin"})) == {}
    member = _members(world)["alice"]
    assert member["permission"] == "admin" and member["inherit_permission_from_groups"] is False
    assert member["user_id"] == str(alice) and member["group_names"] == ["ds"]
    # A later change of the group's permission no longer moves hers.
    ds = _groups(world)["ds"]["id"]
    _ok(world.patch(f"/api/v2/teams/datasci/groups/{ds}", headers=ADMIN,
                    json={"permission": "read"}))
    assert _members(world)["alice"]["permission"] == "admin"
    assert _members(world)["bob"]["permission"] == "read"


def test_member_permission_invalid_and_not_found(world: TestClient) -> None:
    _directory(world)
    _ok(world.post(f"{SITE}/synced-teams", headers=ADMIN, json=SYNCED))
    alice, carol = user_id(world, "alice"), user_id(world, "carol")
    base = "/api/v2/teams/datasci/group_members"
    check_error(world.patch(f"{base}/{alice}", headers=ADMIN, json={}), 400, 3)
    check_error(world.patch(f"{base}/{alice}", headers=ADMIN, json={"permission": "god"}), 400, 3)
    check_error(world.patch(f"{base}/x", headers=ADMIN, json={"permission": "read"}), 400, 3)
    check_error(world.patch(f"{base}/{carol}", headers=ADMIN, json={"permission": "read"}),
                404, 5)
    check_error(world.patch(f"/api/v2/teams/nobody/group_members/{alice}", headers=ADMIN,
                            json={"permission": "read"}), 404, 5)
    check_error(world.get("/api/v2/teams/nobody/group_members", headers=ADMIN), 404, 5)
    assert _members(world)["alice"]["permission"] == "write"


def test_sync_runs_as_a_lifecycle_on_the_mock_clock(world: TestClient) -> None:
    # Real time here, so the clock decides: started -> running -> succeeded.
    world.app.state.mock.settings.time_scale = 1
    assert world.post("/_mock/clock/freeze").status_code == 200
    empty = _ok(world.get("/api/v2/sync/status", headers=ADMIN))
    assert empty["id"] == "" and empty["status"] == ""
    _directory(world)
    _ok(world.post(f"{SITE}/synced-teams", headers=ADMIN, json=SYNCED))
    latest = _ok(world.get("/api/v2/sync/status", headers=ADMIN))
    teams = _ok(world.get("/api/v2/sync/teams/status", headers=ADMIN))
    users = _ok(world.get("/api/v2/sync/users/status", headers=ADMIN))
    assert latest == teams and teams["sync_type"] == "TEAMS" and users["sync_type"] == "USERS"
    assert teams["status"] == "started" and teams["total_synced_teams"] == 0
    assert teams["synced_by"] == "admin" and teams["created_at"].endswith("Z")
    assert _ok(world.post("/_mock/clock/advance", json={"by": "2s"})) is not None
    assert _ok(world.get("/api/v2/sync/teams/status", headers=ADMIN))["status"] == "running"
    _ok(world.post("/_mock/clock/advance", json={"by": "10s"}))
    teams = _ok(world.get("/api/v2/sync/teams/status", headers=ADMIN))
    users = _ok(world.get("/api/v2/sync/users/status", headers=ADMIN))
    assert teams["status"] == users["status"] == "succeeded"
    assert teams["total_synced_teams"] == 1 and users["total_synced_users"] == 2
    assert "synced 2 user(s)" in users["logs"]
    # A request id names one sync; it must be of the kind asked for.
    by_id = _ok(world.get("/api/v2/sync/status", headers=ADMIN,
                          params={"request_id": users["id"]}))
    assert by_id == users
    check_error(world.get("/api/v2/sync/teams/status", headers=ADMIN,
                          params={"request_id": users["id"]}), 404, 5)
    check_error(world.get("/api/v2/sync/status", headers=ADMIN,
                          params={"request_id": "nope"}), 404, 5)
    assert "last_synced_at" in _groups(world)["ds"]


def test_teams_quotas_and_labels_are_in_snapshots_and_reset(world: TestClient) -> None:
    from tests.resources.admin_seed import cluster

    cluster(world)
    _directory(world)
    assert world.post("/_mock/snapshots", json={"name": "before"}).status_code == 200
    _ok(world.post(f"{SITE}/synced-teams", headers=ADMIN, json=SYNCED))
    _ok(world.post("/api/v2/default-quota/user", headers=ADMIN,
                   json={"quota": {"requests_cpu": "2"}}))
    _ok(world.post("/api/v2/nodelabels/2", headers=ADMIN,
                   json={"gpu_count": "1", "cpu": 2, "memory": 8}))
    assert world.post("/_mock/snapshots/before/restore").status_code == 200
    check_error(world.get("/api/v2/teams/datasci/groups", headers=ADMIN), 404, 5)
    assert _ok(world.get("/api/v2/default-quota/all", headers=ADMIN))["request_quotas"] == []
    assert _ok(world.get("/api/v2/sync/status", headers=ADMIN))["id"] == ""
    labels = _ok(world.get("/api/v2/nodelabels", headers=ADMIN,
                           params={"display_all": "true"}))["accelerator_node_label"]
    assert len(labels) == 2
    _ok(world.post(f"{SITE}/synced-teams", headers=ADMIN, json=SYNCED))
    assert world.post("/_mock/reset").status_code == 200
    check_error(world.get("/api/v2/teams/datasci/groups", headers=ADMIN), 404, 5)
    assert _ok(world.get("/api/v2/resourcegroups", headers=ADMIN))["resource_group"] == []


def test_fixture_seeding_makes_teams_the_api_shows(world: TestClient) -> None:
    from mockcml.resources.teams.seed import seed_directory_group, seed_team

    alice, bob, carol = (user_id(world, n) for n in ("alice", "bob", "carol"))
    with world.app.state.mock.db.transaction() as session:
        seed_directory_group(session, "ds", [alice, bob, alice])
        seed_team(session, "datasci", groups={"ds": "write"}, now=100.0)
        seed_team(session, "plain", bio="by hand", members={carol: "admin"}, now=100.0)
    assert {n: m["permission"] for n, m in _members(world).items()} == {
        "alice": "write", "bob": "write"}
    assert _members(world, "plain")["carol"]["permission"] == "admin"
    status = _ok(world.get("/api/v2/sync/users/status", headers=ADMIN))
    assert status["status"] == "succeeded" and status["total_synced_users"] == 2
    assert status["synced_by"] == "fixtures"
