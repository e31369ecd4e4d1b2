"""PUT uploads, include_all_projects for non-admins, and repeatable --fixtures."""

from __future__ import annotations

import textwrap

import httpx
import pytest
from fastapi.testclient import TestClient

from mockcml.app import create_app
from mockcml.resources.users.service import add_key, create_user
from mockcml.settings import Settings
from tests.helpers import LiveServer, assert_envelope, auth, make_project

BOUNDARY = "fidelity-boundary"


def _multipart(name: str, data: bytes) -> tuple[bytes, dict[str, str]]:
    body = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; "
            f"filename=\"{name}\"\r\n\r\n").encode() + data + f"\r\n--{BOUNDARY}--\r\n".encode()
    return body, {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}


def _files(api, pid):  # noqa: ANN001
    response = api.get(f"/api/v2/projects/{pid}/files/", headers=auth())
    assert response.status_code == 200, response.text
    return sorted(f["path"] for f in response.json()["files"])


class TestPutUpload:
    def test_put_uploads_like_post_and_never_overwrites(self, api):
        pid = make_project(api)["id"]
        for data in (b"one", b"two"):
            body, headers = _multipart("notes.txt", data)
            response = api.put(f"/api/v2/projects/{pid}/files", content=body,
                               headers={**headers, **auth()})
            assert response.status_code == 200, response.text
            assert response.json() == {}
        assert _files(api, pid) == ["notes(1).txt", "notes.txt"]
        got = api.post(f"/api/v2/projects/{pid}/files/notes(1).txt:download", headers=auth())
        assert got.content == b"two"

    def test_put_follows_the_same_rules(self, api):
        pid = make_project(api)["id"]
        bad = api.put(f"/api/v2/projects/{pid}/files", content=b"{}",
                      headers={"content-type": "application/json", **auth()})
        assert_envelope(bad, 400, 3)
        body, headers = _multipart("a.txt", b"x")
        anonymous = api.put(f"/api/v2/projects/{pid}/files", content=body, headers=headers)
        assert_envelope(anonymous, 401, 16)
        assert _files(api, pid) == []

    def test_put_is_journalled_as_upload_file(self, api):
        pid = make_project(api)["id"]
        api.delete("/_mock/journal")
        body, headers = _multipart("b.txt", b"x")
        api.put(f"/api/v2/projects/{pid}/files", content=body, headers={**headers, **auth()})
        entries = api.get("/_mock/journal", params={"method": "PUT"}).json()["entries"]
        assert [e["operation_id"] for e in entries] == ["UploadFile"]

    def test_other_routes_still_refuse_put(self, api):
        assert_envelope(api.put("/api/v2/projects", headers=auth()), 405, 12)


@pytest.fixture
def users_world():
    app = create_app(Settings(time_scale=0))
    with TestClient(app, raise_server_exceptions=False) as client:
        with app.state.mock.db.transaction() as session:
            for name in ("alice", "carol"):
                add_key(session, create_user(session, name), f"{name}-key")
        yield client


def _ids(client, key: str, **params) -> set[str]:  # noqa: ANN001
    params = {"page_size": 100, **params}
    body = client.get("/api/v2/projects", headers=auth(key), params=params).json()
    return {p["id"] for p in body["projects"]}


def _include_all_checks(client, alice: str, carol: str) -> None:  # noqa: ANN001
    own = make_project(client, alice)["id"]
    public = make_project(client, carol, visibility="public")["id"]
    private = make_project(client, carol, visibility="private")["id"]
    assert _ids(client, alice) == {own}
    with_public = _ids(client, alice, include_public_projects="true")
    assert {own, public} <= with_public and private not in with_public
    # For a non-admin, include_all_projects is include_public_projects (the spec says so).
    assert _ids(client, alice, include_all_projects="true") == with_public
    # A site admin still sees everything, private projects of others included.
    assert {own, public, private} <= _ids(client, "mockcml-admin-key", include_all_projects="true")


def test_include_all_projects_for_non_admin_in_process(users_world):
    _include_all_checks(users_world, "alice-key", "carol-key")


def test_include_all_projects_for_non_admin_live(tmp_path):
    users = tmp_path / "users.yaml"
    users.write_text(textwrap.dedent("""
        users:
          - username: admin
            admin: true
            api_keys: [mockcml-admin-key]
          - username: alice
            api_keys: [alice-key]
          - username: carol
            api_keys: [carol-key]
    """))
    with LiveServer("--fixtures", str(users), env={"MOCKCML_TIME_SCALE": "0"}) as server, \
            server.client() as client:
        _include_all_checks(client, "alice-key", "carol-key")


def test_repeated_fixtures_flag_loads_every_file(tmp_path):
    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    a.write_text("users:\n  - username: admin\n    admin: true\n    api_keys: [key-a]\n"
                 "projects:\n  - name: from-a\n    owner: admin\n")
    b.write_text("projects:\n  - name: from-b\n    owner: admin\n")
    with LiveServer("--fixtures", str(a), "--fixtures", str(b)) as server:
        body = httpx.get(f"{server.url}/api/v2/projects", headers=auth("key-a"),
                         params={"page_size": 100}).json()
        assert sorted(p["name"] for p in body["projects"]) == ["from-a", "from-b"]
        ready = httpx.get(f"{server.url}/_mock/ready").json()
        assert ready["fixtures"] == [str(a), str(b)]
