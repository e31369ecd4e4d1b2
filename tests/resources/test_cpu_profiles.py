"""CPU profiles: the worked example resource of ARCHITECTURE.md (site administrators only),
through the API and from fixture files."""

from __future__ import annotations

import json
import textwrap

import pytest

from mockcml.fixtures import FixtureError, read_scenario
from mockcml.settings import Settings
from tests.fixtures.support import serve
from tests.helpers import assert_envelope, auth

BASE = "/api/v2/cpuprofiles"


@pytest.mark.parametrize("method, path, body", [
    ("GET", BASE, None),
    ("POST", BASE, {"cpu": 2, "memory": 4}),
    ("PATCH", f"{BASE}/1", {"cpu": 8}),
    ("DELETE", f"{BASE}/1", None),
])
def test_unauthenticated_and_non_admins_are_refused(world, method, path, body):
    created = world.post(BASE, headers=auth(), json={"cpu": 1, "memory": 2}).json()
    assert created["cpu_profile"]["id"] == 1
    kwargs = {} if body is None else {"json": body}
    assert_envelope(world.request(method, path, **kwargs), 401, 16)
    assert_envelope(world.request(method, path, headers=auth("alice-key"), **kwargs), 403, 7)
    listed = world.get(BASE, headers=auth()).json()["cpu_resource_profiles"]
    assert listed == [{"id": 1, "cpu": 1.0, "memory": 2.0, "resource_group_id": 0}]


@pytest.mark.parametrize("body, field", [
    ({"memory": 4}, "cpu"), ({"cpu": 0, "memory": 4}, "cpu"), ({"cpu": 2}, "memory"),
    ({"cpu": 2, "memory": -1}, "memory"), ({"cpu": 2, "memory": 4, "resource_group_id": -3},
                                           "resource_group_id"),
])
def test_create_refuses_bad_values_and_writes_nothing(api, body, field):
    before = api.get(BASE, headers=auth(), params={"page_size": 1000}).json()
    found = assert_envelope(api.post(BASE, headers=auth(), json=body), 400, 3)
    assert found["message"].startswith(field)
    assert api.get(BASE, headers=auth(), params={"page_size": 1000}).json() == before


@pytest.mark.parametrize("path, status, code", [
    (f"{BASE}/999", 404, 5), (f"{BASE}/x", 400, 3), (f"{BASE}/99999999999", 400, 3),
])
def test_unknown_or_malformed_ids(api, path, status, code):
    assert_envelope(api.delete(path, headers=auth()), status, code)
    assert_envelope(api.patch(path, headers=auth(), json={"cpu": 1}), status, code)


def test_update_body_id_must_match_the_path(world):
    world.post(BASE, headers=auth(), json={"cpu": 1, "memory": 2})
    assert_envelope(world.patch(f"{BASE}/1", headers=auth(), json={"id": 2, "cpu": 4}), 400, 3)
    done = world.patch(f"{BASE}/1", headers=auth(), json={"id": 1, "cpu": 4}).json()
    assert done == {"rows_affected": 1}


def test_create_update_list_sort_filter_page_delete(world):
    for cpu, memory, group in ((2, 8, 0), (1, 2, 5), (4, 16, 5)):
        body = world.post(BASE, headers=auth(), json={"cpu": cpu, "memory": memory,
                                                      "resource_group_id": group}).json()
        assert body["cpu_profile"]["cpu"] == cpu
    assert world.patch(f"{BASE}/2", headers=auth(), json={"memory": 3}).json() == {
        "rows_affected": 1}
    assert_envelope(world.patch(f"{BASE}/2", headers=auth(), json={"cpu": -1}), 400, 3)
    listed = world.get(BASE, headers=auth(), params={"sort": "-cpu"}).json()
    assert [p["id"] for p in listed["cpu_resource_profiles"]] == [3, 1, 2]
    assert listed["cpu_resource_profiles"][2]["memory"] == 3.0
    flt = json.dumps({"resource_group_id": "5"})
    first = world.get(BASE, headers=auth(), params={"search_filter": flt, "page_size": 1}).json()
    assert [p["id"] for p in first["cpu_resource_profiles"]] == [2] and first["next_page_token"]
    second = world.get(BASE, headers=auth(), params={
        "search_filter": flt, "page_size": 1, "page_token": first["next_page_token"]}).json()
    assert [p["id"] for p in second["cpu_resource_profiles"]] == [3]
    assert world.delete(f"{BASE}/3", headers=auth()).json() == {"rows_affected": 1}
    assert_envelope(world.delete(f"{BASE}/3", headers=auth()), 404, 5)


FIXTURE = """\
users:
  - username: root
    admin: true
    api_keys: [root-key]
cpu_profiles:
  - id: 7
    cpu: 2
    memory: 8
  - id: 9
    cpu: 0.5
    memory: 1
    resource_group_id: 3
"""


def test_fixture_profiles_are_served_and_new_ones_follow_them(tmp_path):
    path = tmp_path / "profiles.yaml"
    path.write_text(FIXTURE)
    assert "2 CPU profiles" in read_scenario([str(path)], Settings()).summary()
    with serve(str(path)) as client:
        listed = client.get(BASE, headers=auth("root-key")).json()["cpu_resource_profiles"]
        assert listed == [{"id": 7, "cpu": 2.0, "memory": 8.0, "resource_group_id": 0},
                          {"id": 9, "cpu": 0.5, "memory": 1.0, "resource_group_id": 3}]
        made = client.post(BASE, headers=auth("root-key"), json={"cpu": 1, "memory": 1}).json()
        assert made["cpu_profile"]["id"] == 10


def test_invalid_fixture_profiles_name_file_line_and_field(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(textwrap.dedent("""\
        cpu_profiles:
          - id: 1
            cpu: 2
            memory: 0
          - id: 1
            cpu: 1
            memory: 1
          - cpu: 1
        """))
    with pytest.raises(FixtureError) as caught:
        read_scenario([str(path)], Settings())
    lines = [str(p) for p in caught.value.problems]
    assert lines[0] == f"{path}:4:5: cpu_profiles[0].memory: must be greater than 0, got 0"
    assert lines[1] == (f"{path}:5:5: cpu_profiles[1].id: duplicate CPU profile 1 "
                        f"(first defined at {path}:2:5)")
    assert lines[2:] == [f"{path}:8:5: cpu_profiles[2].id: required field is missing",
                         f"{path}:8:5: cpu_profiles[2].memory: required field is missing"]
