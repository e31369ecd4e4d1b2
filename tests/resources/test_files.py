"""Project files: upload (never overwriting), listing, download, rename/move, delete, and
the refusal of every path that could leave the project."""

from __future__ import annotations

import os

import pytest
from sqlmodel import select

from mockcml.resources.files.tables import ProjectFile
from tests.helpers import LiveServer, assert_envelope, auth, make_project

BOUNDARY = "mockcml-test-boundary"


@pytest.fixture
def pid(api):
    return make_project(api)["id"]


def _base(pid: str) -> str:
    return f"/api/v2/projects/{pid}/files"


def _multipart(*parts: tuple[str, str | None, bytes]) -> tuple[bytes, dict[str, str]]:
    """A hand-built multipart body, so that odd field names reach the server unchanged."""
    body = b""
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        body += f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + data + b"\r\n"
    body += f"--{BOUNDARY}--\r\n".encode()
    return body, {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}


def _upload(api, pid, *parts, key="mockcml-admin-key"):
    """Each part is (field name = destination, bytes) or (field name, filename, bytes)."""
    full = [(p[0], "upload.bin", p[1]) if len(p) == 2 else p for p in parts]
    body, headers = _multipart(*full)
    return api.post(_base(pid), content=body, headers={**headers, **auth(key)})


def _put(api, pid, dest, data=b"x"):
    response = _upload(api, pid, (dest, data))
    assert response.status_code == 200, response.text
    assert response.json() == {}


def _ls(api, pid, path=""):
    return api.get(f"{_base(pid)}/{path}", headers=auth())


def _names(api, pid, path=""):
    response = _ls(api, pid, path)
    assert response.status_code == 200, response.text
    return {f["path"]: f for f in response.json()["files"]}


def _get(api, pid, path):
    return api.post(f"{_base(pid)}/{path}:download", headers=auth())


def _move(api, pid, path, body):
    return api.patch(f"{_base(pid)}/{path}", json=body, headers=auth())


# --- unhappy paths -------------------------------------------------------------------------

class TestRefusals:
    def test_unauthenticated(self, api, pid):
        body, headers = _multipart(("a.txt", "a.txt", b"x"))
        assert_envelope(api.post(_base(pid), content=body, headers=headers), 401, 16)
        assert_envelope(api.get(f"{_base(pid)}/"), 401, 16)
        assert_envelope(api.post(f"{_base(pid)}/a.txt:download"), 401, 16)
        assert_envelope(api.patch(f"{_base(pid)}/a.txt", json={"path": "b"}), 401, 16)
        assert_envelope(api.delete(f"{_base(pid)}/a.txt"), 401, 16)

    def test_unknown_project(self, api):
        base = _base("no-such-project")
        assert_envelope(_upload(api, "no-such-project", ("a.txt", b"x")), 404, 5)
        assert_envelope(api.get(f"{base}/", headers=auth()), 404, 5)
        assert_envelope(api.post(f"{base}/a.txt:download", headers=auth()), 404, 5)
        assert_envelope(api.patch(f"{base}/a.txt", json={"path": "b"}, headers=auth()), 404, 5)
        assert_envelope(api.delete(f"{base}/a.txt", headers=auth()), 404, 5)

    def test_missing_paths_are_404(self, api, pid):
        _put(api, pid, "data/a.txt")
        for path in ("nope", "data/nope", "data%2Fnope", "nope/deeper"):
            assert_envelope(_ls(api, pid, path), 404, 5)
            assert_envelope(_get(api, pid, path), 404, 5)
            assert_envelope(_move(api, pid, path, {"path": "elsewhere"}), 404, 5)
            assert_envelope(api.delete(f"{_base(pid)}/{path}", headers=auth()), 404, 5)

    def test_upload_needs_a_multipart_body(self, api, pid):
        assert_envelope(api.post(_base(pid), json={"a.txt": "x"}, headers=auth()), 400, 3)
        assert_envelope(api.post(_base(pid), content=b"x", headers=auth()), 400, 3)
        no_boundary = {"content-type": "multipart/form-data", **auth()}
        assert_envelope(api.post(_base(pid), content=b"--x\r\n", headers=no_boundary), 400, 3)
        body, headers = _multipart()
        assert_envelope(api.post(_base(pid), content=body, headers={**headers, **auth()}), 400, 3)
        assert _names(api, pid) == {}

    @pytest.mark.parametrize("field", ["", ".", "/", "./"])
    def test_upload_onto_the_root_is_400(self, api, pid, field):
        assert_envelope(_upload(api, pid, (field, b"x")), 400, 3)
        assert _names(api, pid) == {}

    def test_upload_below_a_file_is_400_and_writes_nothing(self, api, pid):
        _put(api, pid, "plain.txt")
        assert_envelope(_upload(api, pid, ("fresh/one.txt", b"1"), ("plain.txt/x", b"2")), 400, 3)
        assert set(_names(api, pid)) == {"plain.txt"}  # the first part was rolled back too

    def test_over_long_names_are_400(self, api, pid):
        assert_envelope(_upload(api, pid, ("n" * 256, b"x")), 400, 3)
        assert_envelope(_upload(api, pid, ("/".join(["d" * 200] * 21), b"x")), 400, 3)
        _put(api, pid, "n" * 255)

    def test_download_of_a_directory_is_400(self, api, pid):
        _put(api, pid, "data/a.txt")
        assert_envelope(_get(api, pid, "data"), 400, 3)
        assert_envelope(_get(api, pid, "%2F"), 400, 3)

    def test_root_cannot_be_moved_or_deleted(self, api, pid):
        assert_envelope(_move(api, pid, "%2F", {"path": "x"}), 400, 3)
        assert_envelope(api.delete(f"{_base(pid)}/%2F", headers=auth()), 400, 3)
        assert_envelope(api.delete(f"{_base(pid)}/", headers=auth()), 400, 3)

    def test_move_onto_an_existing_entry_is_409(self, api, pid):
        _put(api, pid, "a.txt", b"a")
        _put(api, pid, "b.txt", b"b")
        _put(api, pid, "dir/c.txt", b"c")
        assert_envelope(_move(api, pid, "a.txt", {"path": "b.txt"}), 409, 6)
        assert_envelope(_move(api, pid, "a.txt", {"path": "dir"}), 409, 6)
        assert_envelope(_move(api, pid, "b.txt", {"path": "dir/c.txt"}), 409, 6)
        assert _get(api, pid, "a.txt").content == b"a"
        assert _get(api, pid, "b.txt").content == b"b"

    def test_move_into_itself_or_below_a_file_is_400(self, api, pid):
        _put(api, pid, "dir/c.txt")
        _put(api, pid, "f.txt")
        assert_envelope(_move(api, pid, "dir", {"path": "dir/sub"}), 400, 3)
        assert_envelope(_move(api, pid, "dir", {"path": "/"}), 400, 3)
        assert_envelope(_move(api, pid, "dir", {"path": "."}), 400, 3)
        assert_envelope(_move(api, pid, "dir", {"path": "f.txt/dir"}), 400, 3)
        assert set(_names(api, pid)) == {"dir", "f.txt"}

    def test_move_body_is_validated_against_the_contract(self, api, pid):
        _put(api, pid, "a.txt")
        assert_envelope(_move(api, pid, "a.txt", {"path": 7}), 400, 3)
        assert set(_names(api, pid)) == {"a.txt"}
        # A third-party script sends name/type as well: not FileInfo fields, so dropped as
        # the real API drops them (and recorded at /_mock/unknown-fields).
        assert _move(api, pid, "a.txt", {"path": "b.txt", "name": "b.txt"}).status_code == 200
        assert set(_names(api, pid)) == {"b.txt"}

    def test_put_upload_is_upload_file(self, api, pid):
        # Cloudera's workbench MCP server uploads with PUT (tests/fidelity has the rest).
        body, headers = _multipart(("a.txt", "a.txt", b"x"))
        response = api.put(_base(pid), content=body, headers={**headers, **auth()})
        assert response.status_code == 200, response.text
        assert set(_names(api, pid)) == {"a.txt"}


# Traversal: every form that could leave the project, as it appears in the URL (the server
# decodes it once), as a multipart field name and as a FileInfo.path (taken as they are).
URL_ESCAPES = [
    "%2E%2E", "%2e%2e%2Fx", "..%2Fx", "..%2fetc%2fpasswd", "data%2F..%2F..%2Fx", "data/%2e%2e/x",
    "data/%2E%2E", "%252e%252e%252fx", "%252E%252E", "..%252fx", "%25252e%25252e%25252fx",
    "a%00b", "a%2500b", "a%5Cb", "..%5Cx", "a%255cb", "%2Fetc%2Fpasswd", "%2F%2Fetc", "%2F..",
]
NAME_ESCAPES = [
    "..", "../x", "a/../../x", "./../x", "data/..", "/etc/passwd", "//x", "a\\b", "..\\x",
    "a\x00b", "%2e%2e/x", "%2E%2E", "..%2fx", "%252e%252e%252fx", "a%00b", "a%5cb", "%2fetc",
]


class TestTraversal:
    @pytest.mark.parametrize("path", URL_ESCAPES)
    def test_path_parameter(self, api, pid, path):
        _put(api, pid, "data/a.txt")
        assert_envelope(_ls(api, pid, path), 400, 3)
        assert_envelope(_get(api, pid, path), 400, 3)
        assert_envelope(_move(api, pid, path, {"path": "moved"}), 400, 3)
        assert_envelope(api.delete(f"{_base(pid)}/{path}", headers=auth()), 400, 3)
        assert set(_names(api, pid)) == {"data"} and set(_names(api, pid, "data")) == {"a.txt"}

    @pytest.mark.parametrize("name", NAME_ESCAPES)
    def test_upload_field_name(self, api, pid, name):
        assert_envelope(_upload(api, pid, (name, b"x")), 400, 3)
        assert _names(api, pid) == {}

    @pytest.mark.parametrize("name", NAME_ESCAPES)
    def test_move_destination(self, api, pid, name):
        _put(api, pid, "data/a.txt")
        assert_envelope(_move(api, pid, "data/a.txt", {"path": name}), 400, 3)
        assert set(_names(api, pid)) == {"data"} and set(_names(api, pid, "data")) == {"a.txt"}

    def test_dots_inside_names_are_fine(self, api, pid):
        for name in ("...", "..a", "a..", ".hidden", "v1..2.txt", "100%.txt"):
            _put(api, pid, name, name.encode())
        assert set(_names(api, pid)) == {"...", "..a", "a..", ".hidden", "v1..2.txt", "100%.txt"}
        assert _get(api, pid, "v1..2.txt").content == b"v1..2.txt"


# --- happy paths ---------------------------------------------------------------------------

class TestUploadAndList:
    def test_field_name_is_the_destination_and_dirs_are_created(self, api, pid):
        _put(api, pid, "data/raw/2024/jan.csv", b"a,b\n1,2\n")
        assert _names(api, pid) == {"data": {"path": "data", "is_dir": True, "file_size": "0"}}
        assert _names(api, pid, "data") == {"raw": {"path": "raw", "is_dir": True, "file_size": "0"}}
        assert _names(api, pid, "data/raw/2024") == {
            "jan.csv": {"path": "jan.csv", "is_dir": False, "file_size": "8"}}  # int64 as a string

    def test_cmlapi_field_named_file_is_stored_as_file(self, api, pid):
        # cmlapi's upload_file(project_id, file=path) names the part "file".
        response = api.post(_base(pid), files={"file": ("report.csv", b"x,y\n")}, headers=auth())
        assert response.status_code == 200 and response.json() == {}
        assert set(_names(api, pid)) == {"file"}
        assert _get(api, pid, "file").content == b"x,y\n"

    def test_plain_fields_and_several_parts(self, api, pid):
        response = _upload(api, pid, ("a.txt", b"A"), ("notes/b.txt", None, b"plain field"))
        assert response.status_code == 200, response.text
        assert _get(api, pid, "a.txt").content == b"A"
        assert _get(api, pid, "notes/b.txt").content == b"plain field"

    def test_uploads_never_overwrite(self, api, pid):
        for n in range(4):
            _put(api, pid, "docs/notes.txt", f"v{n}".encode())
        files = _names(api, pid, "docs")
        assert set(files) == {"notes.txt", "notes(1).txt", "notes(2).txt", "notes(3).txt"}
        assert _get(api, pid, "docs/notes.txt").content == b"v0"
        assert _get(api, pid, "docs/notes(2).txt").content == b"v2"

    def test_collision_names(self, api, pid):
        for dest in ("archive.tar.gz", "Makefile", ".bashrc", "data/x"):
            _put(api, pid, dest)
            _put(api, pid, dest)
        _put(api, pid, "data")  # a directory's name is taken too
        assert set(_names(api, pid)) == {
            "archive.tar.gz", "archive.tar(1).gz", "Makefile", "Makefile(1)", ".bashrc",
            ".bashrc(1)", "data", "data(1)"}
        assert set(_names(api, pid, "data")) == {"x", "x(1)"}

    def test_first_free_number_is_used(self, api, pid):
        _put(api, pid, "r.txt")
        _put(api, pid, "r(2).txt")
        _put(api, pid, "r.txt")
        _put(api, pid, "r.txt")
        assert set(_names(api, pid)) == {"r.txt", "r(1).txt", "r(2).txt", "r(3).txt"}

    def test_same_name_twice_in_one_request(self, api, pid):
        assert _upload(api, pid, ("t.txt", b"1"), ("t.txt", b"2")).status_code == 200
        assert _get(api, pid, "t(1).txt").content == b"2"

    @pytest.mark.parametrize("root", ["", "%2E", "%2F", "%2E%2F", ".%2F"])
    def test_root_forms(self, api, pid, root):
        _put(api, pid, "top.txt")
        _put(api, pid, "dir/inner.txt")
        assert set(_names(api, pid, root)) == {"top.txt", "dir"}

    def test_raw_and_encoded_slashes(self, api, pid):
        _put(api, pid, "a/b/c/d.txt", b"deep")
        for path in ("a/b/c", "a%2Fb%2Fc", "a/b%2Fc", "a%2fb/c/", "a//b/./c"):
            assert set(_names(api, pid, path)) == {"d.txt"}, path
        for path in ("a/b/c/d.txt", "a%2Fb%2Fc%2Fd.txt"):
            response = _get(api, pid, path)
            assert response.status_code == 200 and response.content == b"deep"

    def test_listing_is_not_paginated_and_sorted_by_name(self, api, pid):
        names = [f"f{n:03d}.txt" for n in range(120)]
        body, headers = _multipart(*[(name, name, b"") for name in reversed(names)])
        assert api.post(_base(pid), content=body, headers={**headers, **auth()}).status_code == 200
        response = _ls(api, pid, "%2F")
        assert [f["path"] for f in response.json()["files"]] == names
        assert set(response.json()) == {"files"}  # no next_page_token

    def test_listing_a_file_lists_that_file(self, api, pid):
        _put(api, pid, "dir/one.txt", b"123")
        assert _ls(api, pid, "dir/one.txt").json() == {
            "files": [{"path": "one.txt", "is_dir": False, "file_size": "3"}]}

    def test_empty_directory_lists_empty(self, api, pid):
        _put(api, pid, "box/only.txt")
        assert api.delete(f"{_base(pid)}/box/only.txt", headers=auth()).status_code == 200
        assert _ls(api, pid, "box").json() == {"files": []}

    def test_projects_do_not_share_files(self, api, pid):
        other = make_project(api)["id"]
        _put(api, pid, "mine.txt", b"mine")
        _put(api, other, "mine.txt", b"theirs")
        assert _get(api, pid, "mine.txt").content == b"mine"
        assert set(_names(api, other)) == {"mine.txt"}


class TestDownload:
    def test_binary_round_trip_5mb(self, api, pid):
        data = os.urandom(5 * 1024 * 1024)
        response = api.post(_base(pid), files={"blobs/data.bin": ("data.bin", data)}, headers=auth())
        assert response.status_code == 200, response.text
        assert _names(api, pid, "blobs")["data.bin"]["file_size"] == str(len(data))
        got = _get(api, pid, "blobs%2Fdata.bin")
        assert got.status_code == 200
        assert got.headers["content-type"] == "application/octet-stream"
        assert got.content == data

    def test_empty_and_unicode_files(self, api, pid):
        _put(api, pid, "empty", b"")
        _put(api, pid, "données/résumé ✓.txt", "héllo".encode())
        assert _get(api, pid, "empty").content == b""
        assert _names(api, pid)["empty"]["file_size"] == "0"
        assert set(_names(api, pid, "donn%C3%A9es")) == {"résumé ✓.txt"}
        assert _get(api, pid, "données/résumé ✓.txt").content == "héllo".encode()

    def test_a_file_named_like_the_verb(self, api, pid):
        _put(api, pid, "odd:download", b"odd")
        assert set(_names(api, pid, "odd:download")) == {"odd:download"}
        assert _get(api, pid, "odd:download").content == b"odd"


class TestMoveAndDelete:
    def test_rename_a_file(self, api, pid):
        _put(api, pid, "file", b"payload")
        response = _move(api, pid, "file", {"path": "reports/2024/q1.csv"})
        assert response.status_code == 200, response.text
        assert response.json() == {"path": "reports/2024/q1.csv", "is_dir": False, "file_size": "7"}
        assert_envelope(_ls(api, pid, "file"), 404, 5)
        assert _get(api, pid, "reports%2F2024%2Fq1.csv").content == b"payload"

    def test_move_a_directory_with_its_contents(self, api, pid):
        _put(api, pid, "src/pkg/a.py", b"a")
        _put(api, pid, "src/pkg/sub/b.py", b"b")
        _put(api, pid, "src_other/c.py", b"c")  # shares a prefix, must not move
        response = _move(api, pid, "src%2Fpkg", {"path": "lib/pkg2"})
        assert response.json() == {"path": "lib/pkg2", "is_dir": True, "file_size": "0"}
        assert set(_names(api, pid, "lib/pkg2")) == {"a.py", "sub"}
        assert _get(api, pid, "lib/pkg2/sub/b.py").content == b"b"
        assert _names(api, pid, "src") == {}
        assert set(_names(api, pid, "src_other")) == {"c.py"}
        # And back again, to the root.
        assert _move(api, pid, "lib/pkg2", {"path": "pkg"}).status_code == 200
        assert _get(api, pid, "pkg/sub/b.py").content == b"b"

    def test_patch_without_a_path_changes_nothing(self, api, pid):
        _put(api, pid, "keep.txt", b"12")
        expected = {"path": "keep.txt", "is_dir": False, "file_size": "2"}
        assert _move(api, pid, "keep.txt", {}).json() == expected
        # is_dir and file_size are read-only.
        assert _move(api, pid, "keep.txt", {"is_dir": True, "file_size": "9"}).json() == expected
        assert _move(api, pid, "keep.txt", {"path": "./keep.txt"}).json() == expected

    def test_delete_a_file(self, api, pid):
        _put(api, pid, "gone.txt")
        _put(api, pid, "stay.txt")
        response = api.delete(f"{_base(pid)}/gone.txt", headers=auth())
        assert response.status_code == 200 and response.json() == {}
        assert set(_names(api, pid)) == {"stay.txt"}
        assert_envelope(api.delete(f"{_base(pid)}/gone.txt", headers=auth()), 404, 5)

    def test_delete_a_directory_recursively(self, api, pid):
        _put(api, pid, "tmp/a/b/c.txt")
        _put(api, pid, "tmp/d.txt")
        _put(api, pid, "tmpfile.txt")
        assert api.delete(f"{_base(pid)}/tmp%2F", headers=auth()).status_code == 200
        assert set(_names(api, pid)) == {"tmpfile.txt"}
        assert_envelope(_ls(api, pid, "tmp/a/b"), 404, 5)
        _put(api, pid, "tmp/d.txt", b"new")  # the name is free again
        assert set(_names(api, pid, "tmp")) == {"d.txt"}


# --- limits, storage and permissions -------------------------------------------

def test_uploads_beyond_64_mib_are_400(api, pid):
    body, headers = _multipart(("big.bin", "big.bin", b"x" * (64 * 1024 * 1024 + 1)))
    assert_envelope(api.post(_base(pid), content=body, headers={**headers, **auth()}), 400, 3)
    assert _names(api, pid) == {}


def test_files_survive_a_restart(tmp_path):
    db = str(tmp_path / "state.db")
    data = os.urandom(300_000)
    with LiveServer("--db", db) as server, server.client() as client:
        pid = make_project(client)["id"]
        _put(client, pid, "keep/me.bin", data)
    with LiveServer("--db", db) as server, server.client() as client:
        assert _names(client, pid, "keep")["me.bin"]["file_size"] == str(len(data))
        assert _get(client, pid, "keep/me.bin").content == data


def test_size_limits(world, monkeypatch):
    from mockcml.resources.files import service

    pid = make_project(world)["id"]
    limits = world.app.state.mock.intake.limits
    monkeypatch.setattr(limits, "max_upload_bytes", 4096)
    assert_envelope(_upload(world, pid, ("big.bin", b"x" * 5000)), 400, 3)

    def chunks():
        body, _ = _multipart(("big.bin", "big.bin", b"x" * 5000))
        yield from (body[i:i + 1000] for i in range(0, len(body), 1000))

    headers = {"content-type": f"multipart/form-data; boundary={BOUNDARY}", **auth()}
    assert_envelope(world.post(_base(pid), content=chunks(), headers=headers), 400, 3)  # no length
    monkeypatch.setattr(limits, "max_upload_bytes", 1 << 20)
    monkeypatch.setattr(service, "MAX_FILE_BYTES", 100)
    assert_envelope(_upload(world, pid, ("ok.bin", b"x" * 100), ("big.bin", b"x" * 101)), 400, 3)
    assert _names(world, pid) == {}
    _put(world, pid, "ok.bin", b"x" * 100)


def test_project_deletion_removes_its_files(world):
    pid = make_project(world)["id"]
    _put(world, pid, "a/b.txt", b"bytes")
    db = world.app.state.mock.db
    with db.transaction() as session:
        assert len(session.exec(select(ProjectFile).where(ProjectFile.project_id == pid)).all()) == 2
    assert world.delete(f"/api/v2/projects/{pid}", headers=auth()).status_code == 200
    with db.transaction() as session:
        assert session.exec(select(ProjectFile).where(ProjectFile.project_id == pid)).all() == []


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


@pytest.mark.parametrize("user", ["alice", "bob", "dave", "carol", "erin", "admin", "mallory"])
def test_permissions(world, user):
    pid = world.post("/api/v2/projects", headers=auth("alice-key"),
                     json={"name": "files", "visibility": "private"}).json()["id"]
    for name, permission in ROLES.items():
        response = world.put(f"/api/v2/projects/{pid}/collaborators/{name}",
                             json={"permission": permission}, headers=auth("alice-key"))
        assert response.status_code == 200, response.text
    _upload(world, pid, ("seed.txt", b"seed"), key="alice-key")
    h = auth(_key(user))
    _expect(world.get(f"{_base(pid)}/", headers=h), user, "view")
    _expect(world.post(f"{_base(pid)}/seed.txt:download", headers=h), user, "view")
    _expect(_upload(world, pid, ("mine.txt", b"x"), key=_key(user)), user, "write")
    _expect(world.patch(f"{_base(pid)}/seed.txt", json={"path": "moved.txt"}, headers=h),
            user, "write")
    path = "moved.txt" if user in CAN["write"] else "seed.txt"
    _expect(world.delete(f"{_base(pid)}/{path}", headers=h), user, "write")
    owner = world.get(f"{_base(pid)}/", headers=auth("alice-key")).json()["files"]
    expected = {"mine.txt"} if user in CAN["write"] else {"seed.txt"}
    assert {f["path"] for f in owner} == expected
