"""Invalid text (a lone UTF-16 surrogate) is a 400 code 3 everywhere text comes in
(issue 19, item 2), and nothing is written.

JSON can spell half a surrogate pair on its own (``\\ud800``); Python decodes it to a
string the database refuses, which used to surface as a 500. The bodies below are sent
as raw bytes so that the escape reaches the server as written.
"""

from __future__ import annotations

import base64
import json

import pytest

from mockcml.core.errors import InvalidArgument
from mockcml.kit.wire import check_text, loads
from tests.helpers import assert_envelope, auth, make_job, make_project, unique

LONE = "\\ud800"  # the JSON escape, as it travels
HEADERS = {**auth(), "content-type": "application/json"}


def _send(api, method: str, path: str, raw: str):
    return api.request(method, path, content=raw.encode(), headers=HEADERS)


def _names(api) -> list[str]:
    projects = api.get("/api/v2/projects", headers=auth(), params={"page_size": 1000}).json()
    return [p["name"] for p in projects["projects"]]


def test_create_project_with_a_lone_surrogate_is_400_and_writes_nothing(api):
    before = _names(api)
    for text in (LONE, "x" + LONE, "\\udfff", "\\ude00x"):
        response = _send(api, "POST", "/api/v2/projects", f'{{"name": "{text}"}}')
        body = assert_envelope(response, 400, 3)
        assert "surrogate" in body["message"]
    assert _names(api) == before


def test_a_surrogate_pair_is_text_and_round_trips(api):
    name = unique("emoji")
    response = _send(api, "POST", "/api/v2/projects", f'{{"name": "{name}\\ud83d\\ude00"}}')
    assert response.status_code == 200, response.text
    assert response.json()["name"] == name + "\U0001F600"


def test_update_project_and_keys_of_maps(api):
    project = make_project(api)
    path = f"/api/v2/projects/{project['id']}"
    assert_envelope(_send(api, "PATCH", path, f'{{"description": "d{LONE}"}}'), 400, 3)
    got = api.get(path, headers=auth()).json()
    assert got["description"] == project["description"]


def test_jobs_runs_and_environments(api):
    project = make_project(api)["id"]
    jobs = f"/api/v2/projects/{project}/jobs"
    body = {"name": "j", "script": "main.py", "runtime_identifier": "x"}
    raw = json.dumps(body)[:-1] + f', "arguments": "a{LONE}"}}'
    assert_envelope(_send(api, "POST", jobs, raw), 400, 3)
    job = make_job(api, project)
    # In a map's value and in a map's key.
    for env in (f'{{"A": "{LONE}"}}', f'{{"{LONE}": "1"}}'):
        response = _send(api, "POST", f"{jobs}/{job['id']}/runs", f'{{"environment": {env}}}')
        assert_envelope(response, 400, 3)
    # PATCH sends environment as a JSON string; the escape is then inside that text.
    inner = json.dumps(json.dumps({"A": "x"}).replace("x", LONE))
    response = _send(api, "PATCH", f"{jobs}/{job['id']}", f'{{"environment": {inner}}}')
    assert_envelope(response, 400, 3)
    runs = api.get(f"{jobs}/{job['id']}/runs", headers=auth()).json()["job_runs"]
    assert runs == []


def test_create_v2_key_comment(api):
    response = _send(api, "POST", "/api/v2/users/admin/v2_keys", f'{{"comments": "c{LONE}"}}')
    assert_envelope(response, 400, 3)


def test_search_filter_and_page_token(api):
    flt = f'{{"name": "x{LONE}"}}'  # JSON text inside a query value
    response = api.get("/api/v2/projects", headers=auth(), params={"search_filter": flt})
    assert_envelope(response, 400, 3)
    token = base64.urlsafe_b64encode(f'{{"v": ["{LONE}", "x"], "f": "y"}}'.encode()).decode()
    response = api.get("/api/v2/projects", headers=auth(), params={"page_token": token})
    assert_envelope(response, 400, 3)


@pytest.mark.parametrize("value", ["\ud800", ["ok", "\udfff"], {"k": {"\ud800": 1}},
                                   {"k": ["a", {"b": "\ud800x"}]}])
def test_check_text_finds_a_surrogate_anywhere(value):
    with pytest.raises(InvalidArgument):
        check_text(value, "body")


def test_loads_checks_str_and_bytes_and_leaves_valid_text_alone():
    assert loads(b'{"a": "\\ud83d\\ude00", "b": "\\u00e9"}') == {"a": "\U0001F600", "b": "é"}
    for raw in ('{"a": "\\ud800"}', b'{"a": "\\ud800"}', '["\\udc00"]'):
        with pytest.raises(InvalidArgument):
            loads(raw)


@pytest.mark.parametrize("path, raw", [
    ("/_mock/faults", f'{{"path": "/api/v2/x{LONE}", "status": 500}}'),
    ("/_mock/outcomes", f'{{"id": "x{LONE}"}}'),
    ("/_mock/snapshots", f'{{"name": "s{LONE}"}}'),
])
def test_controls_refuse_invalid_text_and_store_nothing(api, path, raw):
    faults = api.get("/_mock/faults").json()
    response = api.post(path, content=raw.encode(), headers={"content-type": "application/json"})
    assert_envelope(response, 400, 3)
    assert api.get("/_mock/faults").json() == faults
