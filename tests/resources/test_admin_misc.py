"""Runtime add-on administration, v1 keys, the engines switch, news feeds, serving apps and
run-as machine users."""

from __future__ import annotations

import gzip
import json

import pytest
from sqlalchemy import select

from mockcml.resources.misc.addons import ADDONS
from mockcml.resources.misc.tables import MachineUser, MlServingApp, SiteSetting, V1Key
from tests.conftest import make_asgi_client
from tests.helpers import assert_envelope, auth, make_project, unique
from tests.robustness import multipart

ADDONS_URL = "/api/v2/runtimeaddons"


def _addons(client, **params):
    body = client.get(ADDONS_URL, headers=auth(), params={"page_size": 1000, **params}).json()
    return {a["identifier"]: a for a in body["runtime_addons"]}


def _load(client, items, key="mockcml-admin-key"):
    content, headers = multipart(("file", "addons.json", json.dumps(items).encode()))
    return client.post(ADDONS_URL, headers={**auth(key), **headers}, content=content)


def _custom(client, metadata, tarball=None, key="mockcml-admin-key"):
    content, headers = multipart(("metadata", "m.json", json.dumps(metadata).encode()),
                                 ("tarball", "t.tar.gz", tarball or gzip.compress(b"tar")))
    return client.post(f"{ADDONS_URL}/custom", headers={**auth(key), **headers}, content=content)


class TestRuntimeAddonAdministration:
    def test_site_admin_only(self, world):
        item = {"identifier": "x-1", "component": "Spark", "display_name": "X"}
        assert_envelope(_load(world, [item], "alice-key"), 403, 7)
        assert_envelope(_custom(world, item, key="alice-key"), 403, 7)
        assert_envelope(world.post(f"{ADDONS_URL}:updatestatus", headers=auth("alice-key"),
                                   json={"status": "DISABLED", "ids": [5]}), 403, 7)
        assert_envelope(world.post(f"{ADDONS_URL}:updatestatus",
                                   json={"status": "DISABLED", "ids": [5]}), 401, 16)
        assert len(_addons(world)) == len(ADDONS) and _addons(world)["spark332-22-hf1"][
            "status"] == "AVAILABLE"

    def test_status_changes_only_manageable_addons_and_persists(self):
        with make_asgi_client() as client:
            url = f"{ADDONS_URL}:updatestatus"
            done = client.post(url, headers=auth(), json={
                "status": "DISABLED", "ids": [5, 1], "identifiers": ["spark351-24.1-h1", "zz"]})
            # id 1 (Hadoop CLI) is not manageable; "zz" does not exist.
            assert done.json() == {"rows_affected": 2}
            listed = _addons(client)
            assert listed["spark332-22-hf1"]["status"] == "DISABLED"
            assert listed["spark351-24.1-h1"]["reason"]
            assert listed["hadoop-cli-7.2.18-hf3"]["status"] == "AVAILABLE"
            client.post(url, headers=auth(), json={"status": "AVAILABLE", "ids": [5]})
            assert _addons(client)["spark332-22-hf1"] == {**listed["spark332-22-hf1"],
                                                          "status": "AVAILABLE", "reason": ""}
            client.post(url, headers=auth(), json={"status": "DELETED", "ids": [6]})
            assert "spark351-24.1-h1" not in _addons(client)
            # A disabled or deleted add-on can no longer configure an AMP.
            amp = client.post("/api/v2/amps", headers=auth(), json={
                "create_project_request": {"name": unique("amp"), "git_url": "https://g/x"},
                "configure_prototype_request": {"runtime_addon_identifiers": [
                    "spark351-24.1-h1"]}})
            assert_envelope(amp, 400, 3)

    @pytest.mark.parametrize("body", [{}, {"status": "UNKNOWN", "ids": [5]},
                                      {"status": "GONE", "ids": [5]},
                                      {"status": "DISABLED", "ids": ["five"]}])
    def test_bad_status_requests_are_400(self, api, body):
        before = _addons(api)
        assert_envelope(api.post(f"{ADDONS_URL}:updatestatus", headers=auth(), json=body), 400, 3)
        assert _addons(api) == before

    def test_load_adds_available_addons_with_202(self):
        with make_asgi_client() as client:
            items = [{"identifier": "spark400-1", "component": "Spark",
                      "display_name": "Spark 4.0"},
                     {"identifier": "ozone-800", "component": "Ozone", "display_name": "Ozone"}]
            response = _load(client, {"runtime_addons": items})
            assert response.status_code == 202 and response.json() == {}
            listed = _addons(client)
            assert listed["spark400-1"]["status"] == "AVAILABLE"
            assert listed["spark400-1"]["id"] == max(a.id for a in ADDONS) + 1
            assert listed["ozone-800"]["manageable"] is True
            assert_envelope(_load(client, items[:1]), 409, 6)

    @pytest.mark.parametrize("items", [
        [], {"runtime_addons": "x"}, [{"identifier": "a-1", "component": "Spark"}],
        [{"identifier": "Bad Name", "component": "Spark", "display_name": "B"}],
        [{"identifier": "a-1", "component": "S", "display_name": "A"},
         {"identifier": "a-1", "component": "S", "display_name": "A"}],
    ])
    def test_bad_loads_write_nothing(self, api, items):
        before = _addons(api)
        answer = _load(api, items)
        assert answer.status_code in (400, 409)
        assert_envelope(answer, answer.status_code, 3 if answer.status_code == 400 else 6)
        assert _addons(api) == before
        content, headers = multipart(("file", "x.json", b"{not json"))
        assert_envelope(api.post(ADDONS_URL, headers={**auth(), **headers}, content=content),
                        400, 3)
        content, headers = multipart(("other", "x.json", b"[]"))
        assert_envelope(api.post(ADDONS_URL, headers={**auth(), **headers}, content=content),
                        400, 3)

    def test_custom_upload(self):
        # A fresh server: the shared live one keeps the shipped catalogue for other tests.
        with make_asgi_client() as api:
            identifier = unique("custom").lower()
            meta = {"identifier": identifier, "component": "Custom", "display_name": "Mine"}
            assert_envelope(_custom(api, meta, tarball=b"plain bytes"), 400, 3)
            assert_envelope(_custom(api, {"identifier": identifier}), 400, 3)
            assert identifier not in _addons(api)
            response = _custom(api, meta)
            assert response.status_code == 200, response.text
            assert _addons(api)[identifier]["component"] == "Custom"
            assert_envelope(_custom(api, meta), 409, 6)


class TestRotateV1Key:
    URL = "/api/v2/users/{}/v1_key:rotate"

    def test_self_or_site_admin(self, world):
        assert_envelope(world.post(self.URL.format("alice"), json={}), 401, 16)
        assert_envelope(world.post(self.URL.format("alice"), headers=auth("bob-key"), json={}),
                        403, 7)
        own = world.post(self.URL.format("alice"), headers=auth("alice-key"),
                         json={"api_key_comments": "laptop"})
        assert own.status_code == 200
        assert world.post(self.URL.format("alice"), headers=auth(), json={}).status_code == 200
        assert_envelope(world.post(self.URL.format("nobody"), headers=auth(), json={}), 404, 5)

    def test_rotation_replaces_the_one_key(self, world):
        url = self.URL.format("alice")
        first = world.post(url, headers=auth("alice-key"), json={
            "api_key_comments": "ci", "api_key_expiry_date": "2099-01-01T00:00:00Z"}).json()
        assert first["api_key_comments"] == "ci"
        assert first["api_key_expiry_date"] == "2099-01-01T00:00:00Z"
        second = world.post(url, headers=auth("alice-key"), json={}).json()
        assert second["api_key"] != first["api_key"]
        with world.app.state.mock.db.transaction() as session:
            keys = session.execute(select(V1Key)).scalars().all()
        assert [k.key_hash for k in keys] == [second["api_key_hash"]]
        # A v1 key is not a v2 key.
        assert_envelope(world.get("/api/v2/projects", headers=auth(second["api_key"])), 401, 16)

    @pytest.mark.parametrize("body", [{"api_key_expiry_date": "2000-01-01T00:00:00Z"},
                                      {"api_key_expiry_date": "someday"},
                                      {"username": "bob"}])
    def test_invalid_input_is_400(self, world, body):
        url = self.URL.format("alice")
        assert_envelope(world.post(url, headers=auth("alice-key"), json=body), 400, 3)
        with world.app.state.mock.db.transaction() as session:
            assert session.execute(select(V1Key)).first() is None


class TestDisableEngines:
    URL = "/api/v2/site/config:update"

    def test_site_admin_only(self, world):
        assert_envelope(world.post(self.URL, json={"disable_engines": True}), 401, 16)
        assert_envelope(world.post(self.URL, headers=auth("alice-key"),
                                   json={"disable_engines": True}), 403, 7)
        assert_envelope(world.post(self.URL, headers=auth(), json={"disable_engines": "x"}),
                        400, 3)

    def test_disabling_moves_legacy_projects_to_runtimes(self):
        with make_asgi_client() as client:
            legacy = make_project(client, default_project_engine_type="legacy_engine")
            modern = make_project(client)
            done = client.post(self.URL, headers=auth(), json={"disable_engines": True})
            assert done.json() == {"rows_affected": 1, "check": True}
            for project in (legacy, modern):
                got = client.get(f"/api/v2/projects/{project['id']}", headers=auth()).json()
                assert got["default_engine_type"] == "ml_runtime"
            again = client.post(self.URL, headers=auth(), json={"disable_engines": False})
            assert again.json() == {"rows_affected": 0, "check": False}
            with client.app.state.mock.db.transaction() as session:
                assert session.get(SiteSetting, "disable_engines").value == "false"


class TestNewsFeeds:
    def test_categories_and_paging(self, api):
        assert_envelope(api.get("/api/v2/newsfeeds/all"), 401, 16)
        every = api.get("/api/v2/newsfeeds/all", headers=auth(), params={"page_size": 100})
        feeds = every.json()["feeds"]
        assert len(feeds) >= 4 and every.json()["next_page_token"] == ""
        dates = [f["date"] for f in feeds]
        assert dates == sorted(dates, reverse=True)
        amps = api.get("/api/v2/newsfeeds/amps", headers=auth()).json()["feeds"]
        assert amps and {f["category"] for f in amps} == {"amps"}
        first = api.get("/api/v2/newsfeeds/all", headers=auth(), params={"page_size": 2}).json()
        rest = api.get("/api/v2/newsfeeds/all", headers=auth(), params={
            "page_size": 100, "page_token": first["next_page_token"]}).json()
        assert [f["title"] for f in first["feeds"] + rest["feeds"]] == [f["title"] for f in feeds]
        assert_envelope(api.get("/api/v2/newsfeeds/weather", headers=auth()), 400, 3)
        assert_envelope(api.get("/api/v2/newsfeeds/all", headers=auth(),
                                params={"page_token": "bad"}), 400, 3)

    def test_is_new_for_thirty_days_of_mock_time(self, api):
        from mockcml.resources.misc import news

        article = news.ARTICLES[0]
        newest = api.get("/api/v2/newsfeeds/all", headers=auth()).json()["feeds"][0]
        assert newest["is_new"] is False  # the mock clock is far past the mock's articles
        assert news.wire(article, article.at + 29 * 86400)["is_new"] is True
        assert news.wire(article, article.at + 31 * 86400)["is_new"] is False


def test_ml_serving_apps_are_the_seeded_ones(api):
    assert_envelope(api.get("/api/v2/ml_serving_apps"), 401, 16)
    with make_asgi_client() as client:
        assert client.get("/api/v2/ml_serving_apps", headers=auth()).json() == {"apps": []}
        with client.app.state.mock.db.transaction() as session:
            session.add(MlServingApp(app_crn="crn:cdp:ml:x:serving/1", app_name="caii",
                                     status="installation:finished", creation_date=0.0))
        apps = client.get("/api/v2/ml_serving_apps", headers=auth(),
                          params={"force_refresh": "true"}).json()["apps"]
        assert [(a["app_name"], a["status"], a["creation_date"]) for a in apps] == [
            ("caii", "installation:finished", "1970-01-01T00:00:00Z")]
        assert_envelope(client.get("/api/v2/ml_serving_apps", headers=auth(),
                                   params={"force_refresh": "maybe"}), 400, 3)


def test_machine_users_are_the_machine_collaborators(world):
    project = make_project(world, "alice-key")
    base = f"/api/v2/projects/{project['id']}"
    for name in ("bob", "carol"):
        added = world.put(f"{base}/collaborators/{name}", headers=auth("alice-key"),
                          json={"permission": "write"})
        assert added.status_code == 200, added.text
    with world.app.state.mock.db.transaction() as session:
        from mockcml.resources.users.service import get_user

        for name in ("carol", "dave"):  # dave is a machine user outside the project
            session.add(MachineUser(user_id=get_user(session, name).id))
    listed = world.get(f"{base}/machineusers", headers=auth("alice-key")).json()
    assert [u["user_name"] for u in listed["run_as_machine_user_collaborators"]] == ["carol"]
    assert isinstance(listed["run_as_machine_user_collaborators"][0]["user_id"], int)
    assert_envelope(world.get(f"{base}/machineusers", headers=auth("mallory-key")), 404, 5)
    none = world.get(f"{base}/machineusers", headers=auth("alice-key"),
                     params={"search_filter": json.dumps({"user_name": "bob"})}).json()
    assert none["run_as_machine_user_collaborators"] == []


def test_snapshots_and_reset_cover_the_administration_state():
    """Every new table is part of the state: a snapshot brings it back, a reset empties it."""
    with make_asgi_client() as client:
        h = auth()

        def state():
            return (
                client.get("/api/v2/runtimerepos", headers=h).json()["runtimerepos"],
                client.get("/api/v2/dockercredentials", headers=h).json()["docker_credentials"],
                client.get("/api/v2/copilot/models", headers=h).json()["copilot_models"],
                client.get("/api/v2/workspaces/sparkconfig/true", headers=h).json(),
                _addons(client)["spark332-22-hf1"]["status"],
            )

        empty = state()
        client.post("/api/v2/runtimerepos", headers=h,
                    json={"name": "r", "url": "https://repos.example.com/r.json"})
        client.post("/api/v2/dockercredentials", headers=h, json={
            "name": "c", "server": "r.example.com", "username": "u", "password": "p"})
        client.post("/api/v2/copilot/models", headers=h, json={"provider": "p", "name": "m"})
        client.post("/api/v2/workspaces/sparkconfig", headers=h, json={
            "is_pushdown": "true", "workspace_spark_default": "spark.a 1"})
        client.post(f"{ADDONS_URL}:updatestatus", headers=h, json={"status": "DISABLED",
                                                                   "ids": [5]})
        full = state()
        assert all(a != b for a, b in zip(empty, full, strict=True))
        assert client.post("/_mock/snapshots", json={"name": "full"}).status_code == 200
        assert client.post("/_mock/reset").status_code == 200
        assert state() == empty
        assert client.post("/_mock/snapshots/full/restore").status_code == 200
        assert state() == full
