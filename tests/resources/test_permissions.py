"""Who sees and changes what: 404 for what a caller may not see, 403 for what it may not change."""

from __future__ import annotations

import json

import pytest

from tests.helpers import RUNTIME, assert_envelope, auth


def _project(client, visibility="private", **roles):
    project = client.post("/api/v2/projects", headers=auth("alice-key"),
                          json={"name": "secret-sauce", "visibility": visibility}).json()
    for user, permission in roles.items():
        response = client.put(f"/api/v2/projects/{project['id']}/collaborators/{user}",
                              json={"permission": permission}, headers=auth("alice-key"))
        assert response.status_code == 200, response.text
    job = client.post(f"/api/v2/projects/{project['id']}/jobs", headers=auth("alice-key"),
                      json={"name": "etl", "script": "etl.py", "runtime_identifier": RUNTIME})
    assert job.status_code == 200, job.text
    return project["id"], job.json()["id"]


ROLES = {"bob": "read", "dave": "operator", "carol": "write", "erin": "admin"}
# capability -> users that have it (alice owns the project, admin is a site admin)
CAN = {
    "view": {"alice", "bob", "dave", "carol", "erin", "admin"},
    "run": {"alice", "dave", "carol", "erin", "admin"},
    "write": {"alice", "carol", "erin", "admin"},
    "admin": {"alice", "erin", "admin"},
}


def _key(user):
    return "mockcml-admin-key" if user == "admin" else f"{user}-key"


def _expect(response, user, capability):
    if user in CAN[capability]:
        assert response.status_code == 200, (user, capability, response.text)
    elif user in CAN["view"]:
        assert_envelope(response, 403, 7)
    else:
        assert_envelope(response, 404, 5)


USERS = ["alice", "bob", "dave", "carol", "erin", "admin", "mallory"]


@pytest.mark.parametrize("user", USERS)
def test_each_role_on_each_operation(world, user):
    pid, jid = _project(world, **ROLES)
    h = auth(_key(user))
    _expect(world.get(f"/api/v2/projects/{pid}", headers=h), user, "view")
    _expect(world.get(f"/api/v2/projects/{pid}/jobs", headers=h), user, "view")
    _expect(world.get(f"/api/v2/projects/{pid}/jobs/{jid}", headers=h), user, "view")
    _expect(world.get(f"/api/v2/projects/{pid}/jobs/{jid}/runs", headers=h), user, "view")
    _expect(world.get(f"/api/v2/projects/{pid}/collaborators", headers=h), user, "view")
    run = world.post(f"/api/v2/projects/{pid}/jobs/{jid}/runs", headers=h)
    _expect(run, user, "run")
    _expect(world.post(f"/api/v2/projects/{pid}/jobs", headers=h, json={
        "name": "more", "script": "x.py", "runtime_identifier": RUNTIME}), user, "write")
    _expect(world.patch(f"/api/v2/projects/{pid}/jobs/{jid}", headers=h,
                        json={"arguments": "--x"}), user, "write")
    _expect(world.patch(f"/api/v2/projects/{pid}", headers=h, json={"description": "x"}),
            user, "admin")
    _expect(world.put(f"/api/v2/projects/{pid}/collaborators/frank", headers=h,
                      json={"permission": "read"}), user, "admin")


@pytest.mark.parametrize("user", ["bob", "dave", "mallory"])
def test_destructive_calls_refused_and_nothing_changes(world, user):
    pid, jid = _project(world, **ROLES)
    h = auth(_key(user))
    _expect(world.delete(f"/api/v2/projects/{pid}/jobs/{jid}", headers=h), user, "write")
    _expect(world.delete(f"/api/v2/projects/{pid}", headers=h), user, "admin")
    _expect(world.delete(f"/api/v2/projects/{pid}/collaborators/bob", headers=h), user, "admin")
    owner = auth("alice-key")
    assert world.get(f"/api/v2/projects/{pid}/jobs/{jid}", headers=owner).status_code == 200
    collaborators = world.get(f"/api/v2/projects/{pid}/collaborators", headers=owner).json()
    assert {c["user"]["username"] for c in collaborators["collaborators"]} == set(ROLES)


def test_stranger_gets_404_for_a_missing_and_a_hidden_project_alike(world):
    pid, _ = _project(world)
    hidden = world.get(f"/api/v2/projects/{pid}", headers=auth("mallory-key"))
    missing = world.get("/api/v2/projects/no-such-project", headers=auth("mallory-key"))
    assert hidden.status_code == missing.status_code == 404


@pytest.mark.parametrize("visibility", ["public", "organization"])
def test_visible_projects_are_readable_but_not_writable(world, visibility):
    pid, jid = _project(world, visibility=visibility)
    h = auth("mallory-key")
    got = world.get(f"/api/v2/projects/{pid}", headers=h)
    assert got.status_code == 200
    assert got.json()["permissions"]["read"] is True and got.json()["permissions"]["write"] is False
    assert_envelope(world.post(f"/api/v2/projects/{pid}/jobs/{jid}/runs", headers=h), 403, 7)


def test_list_shows_own_and_shared_projects_only(world):
    pid, _ = _project(world, bob="read")
    public = world.post("/api/v2/projects", headers=auth("carol-key"),
                        json={"name": "open", "visibility": "public"}).json()
    bob = world.get("/api/v2/projects", headers=auth("bob-key")).json()["projects"]
    assert [p["id"] for p in bob] == [pid]
    assert bob[0]["permissions"] == {"read": True, "write": False, "admin": False,
                                     "business_user": False, "operator": False, "inherit": False}
    with_public = world.get("/api/v2/projects", headers=auth("bob-key"),
                            params={"include_public_projects": "true"}).json()["projects"]
    assert {p["id"] for p in with_public} == {pid, public["id"]}
    assert world.get("/api/v2/projects", headers=auth("mallory-key")).json()["projects"] == []


def test_include_all_projects_is_for_admins(world):
    pid, _ = _project(world)
    admin = world.get("/api/v2/projects", headers=auth(),
                      params={"include_all_projects": "true"}).json()["projects"]
    assert pid in [p["id"] for p in admin]
    assert pid not in [p["id"] for p in world.get("/api/v2/projects", headers=auth()).json()[
        "projects"]]
    stranger = world.get("/api/v2/projects", headers=auth("mallory-key"),
                         params={"include_all_projects": "true"}).json()["projects"]
    assert stranger == []


def test_list_all_jobs_respects_visibility(world):
    pid, jid = _project(world, bob="read")
    seen = world.get("/api/v2/jobs", headers=auth("bob-key")).json()["jobs"]
    assert [j["id"] for j in seen] == [jid]
    assert seen[0]["project"]["public_identifier"] == pid
    assert world.get("/api/v2/jobs", headers=auth("mallory-key")).json()["jobs"] == []


def test_collaborators_listing_filter_sort_and_errors(world):
    pid, _ = _project(world, **ROLES)
    h = auth("alice-key")
    body = world.get(f"/api/v2/projects/{pid}/collaborators", headers=h,
                     params={"sort": "-username"}).json()
    assert [c["user"]["username"] for c in body["collaborators"]] == ["erin", "dave", "carol",
                                                                       "bob"]
    assert body["collaborators"][0] == {"user": {"username": "erin", "name": "erin",
                                                 "email": "erin@example.com"},
                                        "permission": "admin"}
    only = world.get(f"/api/v2/projects/{pid}/collaborators", headers=h,
                     params={"search_filter": json.dumps({"permission": "write"})}).json()
    assert [c["user"]["username"] for c in only["collaborators"]] == ["carol"]
    paged = world.get(f"/api/v2/projects/{pid}/collaborators", headers=h,
                      params={"page_size": 3}).json()
    assert len(paged["collaborators"]) == 3 and paged["next_page_token"]
    assert_envelope(world.put(f"/api/v2/projects/{pid}/collaborators/ghost", headers=h,
                              json={"permission": "read"}), 404, 5)
    assert_envelope(world.put(f"/api/v2/projects/{pid}/collaborators/frank", headers=h,
                              json={"permission": "superuser"}), 400, 3)
    assert_envelope(world.put(f"/api/v2/projects/{pid}/collaborators/alice", headers=h,
                              json={"permission": "read"}), 400, 3)
    assert_envelope(world.delete(f"/api/v2/projects/{pid}/collaborators/frank", headers=h),
                    404, 5)


def test_removing_a_collaborator_revokes_access(world):
    pid, _ = _project(world, bob="write")
    assert world.get(f"/api/v2/projects/{pid}", headers=auth("bob-key")).status_code == 200
    assert world.delete(f"/api/v2/projects/{pid}/collaborators/bob",
                        headers=auth("alice-key")).json() == {}
    assert_envelope(world.get(f"/api/v2/projects/{pid}", headers=auth("bob-key")), 404, 5)


def test_changing_a_permission_takes_effect(world):
    pid, jid = _project(world, bob="read")
    h = auth("bob-key")
    assert_envelope(world.post(f"/api/v2/projects/{pid}/jobs/{jid}/runs", headers=h), 403, 7)
    world.put(f"/api/v2/projects/{pid}/collaborators/bob", headers=auth("alice-key"),
              json={"permission": "operator"})
    assert world.post(f"/api/v2/projects/{pid}/jobs/{jid}/runs", headers=h).status_code == 200
