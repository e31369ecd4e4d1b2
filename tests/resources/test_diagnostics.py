"""Diagnostic bundles: site administration, a lifecycle on the mock clock, a real zip."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from tests.conftest import make_asgi_client
from tests.helpers import assert_envelope, auth, make_job, make_project

GENERATE = "/api/v2/diagnostics/bundle"
STATUS = "/api/v2/diagnostics/bundle/status"
DOWNLOAD = "/api/v2/diagnostics/download"


@pytest.fixture
def client():
    """Real time scale on a frozen clock: only /_mock/clock/advance moves the bundle."""
    with make_asgi_client(time_scale=1) as c:
        assert c.post("/_mock/clock/freeze").status_code == 200
        yield c


def _generate(client, **body):
    response = client.post(GENERATE, headers=auth(), json=body)
    assert response.status_code == 200, response.text
    return response.headers["grpc-metadata-request-id"], response.json()


def test_site_admin_only(world):
    request_id = world.post(GENERATE, headers=auth(), json={}).headers[
        "grpc-metadata-request-id"]
    for method, path in (("POST", GENERATE), ("GET", f"{STATUS}/{request_id}"),
                         ("GET", f"{DOWNLOAD}/{request_id}")):
        kwargs = {"json": {}} if method == "POST" else {}
        assert_envelope(world.request(method, path, **kwargs), 401, 16)
        assert_envelope(world.request(method, path, headers=auth("alice-key"), **kwargs),
                        403, 7)


def test_lifecycle_follows_the_mock_clock(client):
    request_id, first = _generate(client, start_time="2026-01-01T00:00:00Z",
                                  end_time="2026-01-02T00:00:00Z")
    assert first == {"status": "DIAG_NOT_STARTED", "start_time": "2026-01-01T00:00:00Z",
                     "end_time": "2026-01-02T00:00:00Z"}
    assert_envelope(client.get(f"{DOWNLOAD}/{request_id}", headers=auth()), 400, 9)
    seen = []
    for _ in range(4):
        seen.append(client.get(f"{STATUS}/{request_id}", headers=auth()).json()["status"])
        client.post("/_mock/clock/advance", json={"by": "2s"})
    assert seen == ["DIAG_NOT_STARTED", "DIAG_IN_PROGRESS", "DIAG_IN_PROGRESS",
                    "DIAG_COMPLETED"]
    latest = client.get(f"{STATUS}/latest", headers=auth())
    assert latest.headers["grpc-metadata-request-id"] == request_id


def test_download_is_a_zip_of_the_window(client):
    project = make_project(client)
    job = make_job(client, project["id"])
    client.post(f"/api/v2/projects/{project['id']}/jobs/{job['id']}/runs", headers=auth(),
                json={})
    client.post("/_mock/clock/advance", json={"by": "1m"})
    request_id, body = _generate(client)
    client.post("/_mock/clock/advance", json={"by": "1m"})
    response = client.get(f"{DOWNLOAD}/{request_id}", headers=auth())
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    assert request_id in response.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["manifest.json", "workloads.json"]
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["request_id"] == request_id
    assert (manifest["start_time"], manifest["end_time"]) == (body["start_time"],
                                                              body["end_time"])
    assert json.loads(archive.read("workloads.json")) == [
        {"workload_type": "job", "status": "succeeded", "count": 1}]


@pytest.mark.parametrize("body", [
    {"start_time": "yesterday"}, {"end_time": "2026-13-01T00:00:00Z"},
    {"start_time": "2026-02-01T00:00:00Z", "end_time": "2026-01-01T00:00:00Z"},
    {"start_time": "2999-01-01T00:00:00Z", "end_time": "3000-01-01T00:00:00Z"},
    {"start_time": 5},
])
def test_invalid_windows_are_400_and_create_nothing(client, body):
    assert_envelope(client.post(GENERATE, headers=auth(), json=body), 400, 3)
    assert_envelope(client.get(f"{STATUS}/latest", headers=auth()), 404, 5)


def test_an_unknown_field_is_ignored(client):
    # Not a field of the request: dropped, as grpc-gateway drops it; the default window.
    _, answer = _generate(client, window="1d")
    assert "window" not in answer and answer["status"] == "DIAG_NOT_STARTED"
    assert client.get(f"{STATUS}/latest", headers=auth()).status_code == 200


def test_unknown_request_is_404(client):
    assert_envelope(client.get(f"{STATUS}/nope", headers=auth()), 404, 5)
    assert_envelope(client.get(f"{DOWNLOAD}/nope", headers=auth()), 404, 5)


def test_request_id_header_and_zip_over_http(api):
    """In-process and through uvicorn (time scale 0: the bundle is ready at once)."""
    response = api.post(GENERATE, headers=auth(), json={})
    assert response.status_code == 200 and response.json()["status"] == "DIAG_COMPLETED"
    request_id = response.headers["grpc-metadata-request-id"]
    status = api.get(f"{STATUS}/{request_id}", headers=auth())
    assert status.headers["grpc-metadata-request-id"] == request_id
    download = api.get(f"{DOWNLOAD}/{request_id}", headers=auth())
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/octet-stream"
    assert zipfile.ZipFile(io.BytesIO(download.content)).testzip() is None
