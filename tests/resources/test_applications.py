"""Applications over HTTP: fields, defaults, validation, subdomains, partial update, delete,
stop/restart at time scale 0, listing and permissions."""

from __future__ import annotations

import json

import pytest

from tests.helpers import RUNTIME, assert_envelope, auth, make_project, unique

FIELDS = {
    "id", "name", "description", "creator", "script", "subdomain", "status", "created_at",
    "stopped_at", "updated_at", "starting_at", "running_at", "kernel", "cpu", "memory",
    "nvidia_gpu", "bypass_authentication", "environment", "runtime_identifier",
    "runtime_addon_identifiers", "run_as", "cdv_app", "accelerator_label_id",
    "resource_group_id", "resource_profile_id",
}


@pytest.fixture
def project(api):
    return make_project(api)


def _url(project, app=None, verb=""):
    base = f"/api/v2/projects/{project['id']}/applications"
    return f"{base}/{app['id']}{verb}" if app else base


def _create(client, project, key="mockcml-admin-key", **fields):
    body = {"name": unique("app"), "subdomain": unique("sub"), "script": "app.py",
            "runtime_identifier": RUNTIME, **fields}
    return client.post(_url(project), json=body, headers=auth(key))


def make_app(client, project, **fields):
    response = _create(client, project, **fields)
    assert response.status_code == 200, response.text
    return response.json()


def _list(client, project, **params):
    response = client.get(_url(project), headers=auth(), params={"page_size": 1000, **params})
    assert response.status_code == 200, response.text
    return response.json()["applications"]


class TestCreate:
    def test_unauthenticated(self, api, project):
        assert_envelope(api.post(_url(project), json={}), 401, 16)
        assert_envelope(api.get(_url(project)), 401, 16)

    def test_missing_project_is_404(self, api):
        assert_envelope(_create(api, {"id": "no-such-project"}), 404, 5)

    @pytest.mark.parametrize(
        "fields",
        [
            {"name": ""},
            {"name": "   "},
            {"subdomain": ""},
            {"subdomain": "Upper"},
            {"subdomain": "under_score"},
            {"subdomain": "-leading"},
            {"subdomain": "trailing-"},
            {"subdomain": "dot.ted"},
            {"subdomain": "x" * 64},
            {"script": ""},
            {"kernel": "cobol"},
            {"cpu": 0},
            {"memory": -1},
            {"nvidia_gpu": -1},
            {"resource_group_id": -2},
            {"runtime_identifier": ""},
            {"cpu": "lots"},
            {"bypass_authentication": "yes"},
            {"environment": ["x"]},
            {"environment": {"MOCKCML_OUTCOME": "exploded"}},
            {"environment": {"MOCKCML_STARTING_DURATION": "soon"}},
            {"environment": {"MOCKCML_DURATION": "-1"}},
            {"environment": {"MOCKCML_STOPPING_DURATION": "inf"}},
            {"project_id": "another-project"},
        ],
    )
    def test_invalid_input_is_400_and_writes_nothing(self, api, project, fields):
        assert_envelope(_create(api, project, **fields), 400, 3)
        assert _list(api, project) == []

    def test_every_field_defaults_and_wire_types(self, api, project):
        name, sub = unique("app"), unique("sub")
        app = make_app(api, project, name=name, subdomain=sub, environment={"A": "1"})
        # time scale 0: the app is up the moment it is created; it never stopped
        assert set(app) == FIELDS - {"stopped_at"}
        assert app["status"] == "APPLICATION_RUNNING"
        assert app["created_at"] == app["starting_at"] == app["running_at"] == app["updated_at"]
        assert (app["name"], app["subdomain"], app["script"]) == (name, sub, "app.py")
        assert app["cpu"] == 1 and app["memory"] == 1 and app["nvidia_gpu"] == 0
        assert app["description"] == "" and app["kernel"] == ""
        assert app["bypass_authentication"] is False and app["cdv_app"] is False
        assert app["environment"] == '{"A":"1"}'  # a JSON-encoded string on answers
        assert app["accelerator_label_id"] == "0"  # int64 as a string
        assert app["runtime_identifier"] == RUNTIME and app["runtime_addon_identifiers"] == []
        assert app["run_as"] == 0 and app["resource_group_id"] == 0
        assert app["resource_profile_id"] == 0
        assert app["creator"] == {"username": "admin", "name": "Admin",
                                  "email": "admin@example.com"}
        assert api.get(_url(project, app), headers=auth()).json() == app

    def test_every_request_field_is_kept(self, api, project):
        app = make_app(api, project, description="dash", cpu=2.5, memory=4, nvidia_gpu=1,
                       kernel="python3", bypass_authentication=True, run_as=7, cdv_app=True,
                       accelerator_label_id="9007199254740993", resource_group_id=3,
                       resource_profile_id=4, runtime_addon_identifiers=["spark3", "hadoop"],
                       project_id=project["id"])
        assert (app["description"], app["cpu"], app["memory"], app["nvidia_gpu"]) == (
            "dash", 2.5, 4, 1)
        assert app["kernel"] == "python3" and app["bypass_authentication"] is True
        assert app["run_as"] == 7 and app["cdv_app"] is True
        assert app["accelerator_label_id"] == "9007199254740993"
        assert (app["resource_group_id"], app["resource_profile_id"]) == (3, 4)
        assert app["runtime_addon_identifiers"] == ["spark3", "hadoop"]

    def test_camel_case_body_fields(self, api, project):
        response = api.post(_url(project), headers=auth(), json={
            "name": "camel", "subdomain": unique("camel"), "script": "a.py",
            "runtimeIdentifier": RUNTIME, "bypassAuthentication": True,
            "acceleratorLabelId": 5})
        assert response.status_code == 200, response.text
        assert response.json()["bypass_authentication"] is True
        assert response.json()["accelerator_label_id"] == "5"

    def test_cdv_app_needs_no_script(self, api, project):
        assert make_app(api, project, script="", cdv_app=True)["script"] == ""

    def test_legacy_engine_project_defaults_kernel(self, api):
        legacy = make_project(api, default_project_engine_type="legacy_engine")
        app = api.post(_url(legacy), headers=auth(), json={
            "name": "old", "subdomain": unique("old"), "script": "a.py"}).json()
        assert app["kernel"] == "python3" and app["runtime_identifier"] == ""


class TestSubdomain:
    def test_taken_subdomain_is_409_across_projects(self, api, project):
        first = make_app(api, project)
        other = make_project(api)
        body = assert_envelope(_create(api, other, subdomain=first["subdomain"]), 409, 6)
        assert first["subdomain"] in body["message"]
        assert _list(api, other) == []

    def test_delete_frees_the_subdomain(self, api, project):
        first = make_app(api, project)
        assert api.delete(_url(project, first), headers=auth()).json() == {}
        assert make_app(api, project, subdomain=first["subdomain"])["id"] != first["id"]

    def test_deleting_the_project_deletes_its_apps_and_frees_subdomains(self, api):
        doomed = make_project(api)
        app = make_app(api, doomed)
        assert api.delete(f"/api/v2/projects/{doomed['id']}", headers=auth()).json() == {}
        assert_envelope(api.get(_url(doomed, app), headers=auth()), 404, 5)
        survivor = make_project(api)
        assert make_app(api, survivor, subdomain=app["subdomain"])["subdomain"] == app[
            "subdomain"]


class TestUpdate:
    def test_patch_changes_only_sent_fields(self, api, project):
        app = make_app(api, project, description="d", environment={"K": "1"})
        response = api.patch(_url(project, app), headers=auth(), json={
            "cpu": 2, "accelerator_label_id": "12", "bypass_authentication": True})
        assert response.status_code == 200, response.text
        updated = response.json()
        assert updated["cpu"] == 2 and updated["accelerator_label_id"] == "12"
        assert updated["bypass_authentication"] is True
        unchanged = {k: v for k, v in updated.items()
                     if k not in ("cpu", "accelerator_label_id", "bypass_authentication",
                                  "updated_at")}
        assert unchanged == {k: v for k, v in app.items() if k in unchanged}
        assert api.get(_url(project, app), headers=auth()).json() == updated

    def test_environment_is_sent_back_as_the_string_a_get_returned(self, api, project):
        app = make_app(api, project, environment={"K": "1"})
        updated = api.patch(_url(project, app), headers=auth(),
                            json={"environment": '{"K":"2","NEW":"x"}'}).json()
        assert json.loads(updated["environment"]) == {"K": "2", "NEW": "x"}
        cleared = api.patch(_url(project, app), headers=auth(), json={"environment": ""})
        assert cleared.json()["environment"] == "{}"

    def test_a_whole_get_body_sent_back_changes_nothing(self, api, project):
        app = make_app(api, project)
        response = api.patch(_url(project, app), headers=auth(), json=app)
        assert response.status_code == 200, response.text
        assert {k: v for k, v in response.json().items() if k != "updated_at"} == {
            k: v for k, v in app.items() if k != "updated_at"}

    def test_subdomain_can_change_but_not_to_a_taken_one(self, api, project):
        first, second = make_app(api, project), make_app(api, project)
        url = _url(project, second)
        assert api.patch(url, headers=auth(), json={"subdomain": second["subdomain"]}
                         ).status_code == 200
        assert_envelope(api.patch(url, headers=auth(), json={"subdomain": first["subdomain"]}),
                        409, 6)
        fresh = unique("fresh")
        assert api.patch(url, headers=auth(), json={"subdomain": fresh}).json()[
            "subdomain"] == fresh
        assert make_app(api, project, subdomain=second["subdomain"])  # the old one is free

    @pytest.mark.parametrize(
        "fields",
        [
            {"cpu": 4, "kernel": "cobol"},
            {"cpu": 4, "subdomain": "Not OK"},
            {"name": ""},
            {"script": ""},
            {"runtime_identifier": ""},
            {"environment": "not json"},
            {"environment": '{"A": 1}'},
            {"environment": {"A": "1"}},
            {"environment": '{"MOCKCML_OUTCOME": "maybe"}'},
            {"memory": 0},
        ],
    )
    def test_invalid_patch_is_400_and_leaves_the_app_unchanged(self, api, project, fields):
        app = make_app(api, project)
        assert_envelope(api.patch(_url(project, app), json=fields, headers=auth()), 400, 3)
        assert api.get(_url(project, app), headers=auth()).json() == app

    def test_missing_app_and_app_of_another_project_are_404(self, api, project):
        assert_envelope(api.patch(_url(project, {"id": "nope"}), json={}, headers=auth()),
                        404, 5)
        other = make_project(api)
        app = make_app(api, other)
        for response in (api.get(_url(project, app), headers=auth()),
                         api.patch(_url(project, app), json={"cpu": 3}, headers=auth()),
                         api.delete(_url(project, app), headers=auth()),
                         api.post(_url(project, app, ":stop"), headers=auth()),
                         api.post(_url(project, app, ":restart"), headers=auth())):
            assert_envelope(response, 404, 5)
        assert api.get(_url(other, app), headers=auth()).json() == app


class TestDelete:
    def test_delete_then_404(self, api, project):
        app = make_app(api, project)
        assert api.delete(_url(project, app), headers=auth()).json() == {}
        assert_envelope(api.get(_url(project, app), headers=auth()), 404, 5)
        assert_envelope(api.delete(_url(project, app), headers=auth()), 404, 5)


class TestStopRestart:
    def test_stop_restart_and_refused_second_stop(self, api, project):
        app = make_app(api, project)
        stopped = api.post(_url(project, app, ":stop"), headers=auth())
        assert stopped.status_code == 200, stopped.text
        # time scale 0: STOPPING lasts no time at all
        assert stopped.json()["status"] == "APPLICATION_STOPPED" and "stopped_at" in stopped.json()
        body = assert_envelope(api.post(_url(project, app, ":stop"), headers=auth()), 400, 9)
        assert "APPLICATION_STOPPED" in body["message"]
        assert api.get(_url(project, app), headers=auth()).json() == stopped.json()
        restarted = api.post(_url(project, app, ":restart"), headers=auth()).json()
        assert restarted["status"] == "APPLICATION_RUNNING" and "stopped_at" not in restarted
        assert restarted["created_at"] == app["created_at"]

    def test_verbs_take_no_body(self, api, project):
        app = make_app(api, project)
        assert api.post(_url(project, app, ":restart"), headers=auth(), json={}
                        ).status_code == 200

    def test_path_segment_form_is_not_the_verb(self, api, project):
        app = make_app(api, project)
        assert api.post(_url(project, app, "/stop"), headers=auth()).status_code == 404


class TestListing:
    def test_paging_and_sort(self, api, project):
        for i in range(25):
            make_app(api, project, name=f"app-{i:02d}")
        first = api.get(_url(project), headers=auth()).json()
        assert len(first["applications"]) == 10 and first["next_page_token"]
        names, token = [], None
        while True:
            body = api.get(_url(project), headers=auth(), params={
                "page_size": 10, "sort": "-name", **({"page_token": token} if token else {})
            }).json()
            names += [a["name"] for a in body["applications"]]
            token = body.get("next_page_token")
            if not token:
                break
        assert names == [f"app-{i:02d}" for i in reversed(range(25))]
        by_created = [a["name"] for a in _list(api, project, sort="created_at")]
        assert by_created == [f"app-{i:02d}" for i in range(25)]
        assert_envelope(api.get(_url(project), headers=auth(), params={
            "page_token": first["next_page_token"], "sort": "name"}), 400, 3)

    def test_filters(self, api, project):
        sub = unique("findme")
        a = make_app(api, project, name="Dashboard", script="dash.py", subdomain=sub,
                     description="sales board", bypass_authentication=True)
        b = make_app(api, project, name="DashOther", script="other.py")
        api.post(_url(project, b, ":stop"), headers=auth())

        def ids(**search):
            return [x["id"] for x in _list(api, project, search_filter=json.dumps(search))]

        assert ids(name="Dash") == [a["id"], b["id"]]
        assert ids(name="dash") == []  # case-sensitive substring
        assert ids(subdomain="findme") == [a["id"]]
        assert ids(script="dash.py") == [a["id"]]
        assert ids(description="board") == [a["id"]]
        assert ids(bypass_authentication="t") == [a["id"]]
        assert ids(bypass_authentication="false") == [b["id"]]
        assert ids(status="running") == [a["id"]]
        assert ids(status="stopped") == [b["id"]]
        assert ids(status="starting") == ids(status="failed") == []
        assert ids(**{"creator.username": "adm"}) == [a["id"], b["id"]]
        assert ids(kernel="python") == []
        by_status = [x["id"] for x in _list(api, project, sort="-status")]
        assert by_status == [b["id"], a["id"]]  # STOPPED after RUNNING, reversed

    @pytest.mark.parametrize(
        "params",
        [
            {"search_filter": "["},
            {"search_filter": '{"colour": "red"}'},
            {"search_filter": '{"status": "sleeping"}'},
            {"search_filter": '{"status": "APPLICATION_RUNNING"}'},
            {"search_filter": '{"status": "unknown"}'},
            {"search_filter": '{"bypass_authentication": "maybe"}'},
            {"sort": "subdomain"},
            {"sort": "+nothing"},
            {"page_size": "-1"},
        ],
    )
    def test_bad_list_parameters_are_400(self, api, project, params):
        assert_envelope(api.get(_url(project), headers=auth(), params=params), 400, 3)


# --- permissions (the world fixture: alice owns, others get roles) -------------------------

ROLES = {"bob": "read", "dave": "operator", "carol": "write", "erin": "admin"}
CAN = {
    "view": {"alice", "bob", "dave", "carol", "erin", "admin"},
    "write": {"alice", "carol", "erin", "admin"},
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


def _alice_project(world):
    project = world.post("/api/v2/projects", headers=auth("alice-key"),
                         json={"name": "apps"}).json()
    for user, permission in ROLES.items():
        response = world.put(f"/api/v2/projects/{project['id']}/collaborators/{user}",
                             json={"permission": permission}, headers=auth("alice-key"))
        assert response.status_code == 200, response.text
    return project, make_app_as(world, project, "alice-key")


def make_app_as(client, project, key):
    response = _create(client, project, key=key)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("user", ["alice", "bob", "dave", "carol", "erin", "admin", "mallory"])
def test_each_role_on_each_operation(world, user):
    project, app = _alice_project(world)
    h = auth(_key(user))
    _expect(world.get(_url(project), headers=h), user, "view")
    _expect(world.get(_url(project, app), headers=h), user, "view")
    _expect(_create(world, project, key=_key(user)), user, "write")
    _expect(world.patch(_url(project, app), headers=h, json={"description": "x"}), user,
            "write")
    _expect(world.post(_url(project, app, ":restart"), headers=h), user, "write")
    _expect(world.post(_url(project, app, ":stop"), headers=h), user, "write")
    _expect(world.delete(_url(project, app), headers=h), user, "write")


@pytest.mark.parametrize("user", ["bob", "dave", "mallory"])
def test_refused_calls_change_nothing(world, user):
    project, app = _alice_project(world)
    h = auth(_key(user))
    world.patch(_url(project, app), headers=h, json={"description": "x"})
    world.post(_url(project, app, ":stop"), headers=h)
    world.delete(_url(project, app), headers=h)
    _create(world, project, key=_key(user))
    owner = auth("alice-key")
    assert world.get(_url(project, app), headers=owner).json() == app
    apps = world.get(_url(project), headers=owner).json()["applications"]
    assert [a["id"] for a in apps] == [app["id"]]
    assert apps[0]["creator"]["username"] == "alice"


def test_public_project_apps_are_readable_by_strangers_only(world):
    project = world.post("/api/v2/projects", headers=auth("alice-key"),
                         json={"name": "open", "visibility": "public"}).json()
    app = make_app_as(world, project, "alice-key")
    h = auth("mallory-key")
    assert world.get(_url(project, app), headers=h).json() == app
    assert_envelope(world.post(_url(project, app, ":stop"), headers=h), 403, 7)
