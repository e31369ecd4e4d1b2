"""Test helpers shared by the suite: a live mockcml process and small HTTP conveniences."""

from __future__ import annotations

from pathlib import Path

import httpx

from mockcml import testing
from mockcml.testing import free_port, server_variables  # noqa: F401 - the suite's helpers

ROOT = Path(__file__).resolve().parents[1]
ADMIN_KEY = "mockcml-admin-key"


def auth(key: str = ADMIN_KEY) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


class LiveServer(testing.LiveServer):
    """The plugin's ``LiveServer`` run from the repository root, where the suite's
    relative fixture paths (``fixtures/demo.yaml``) start."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        super().__init__(*args, env=env, cwd=ROOT)


def unique(prefix: str) -> str:
    import uuid

    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def assert_envelope(response: httpx.Response, status: int, code: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "code", "message", "details"}, body
    assert body["code"] == code, body
    assert body["error"] == body["message"] and body["message"], body
    assert body["details"] == []
    return body


def make_project(client, key: str = ADMIN_KEY, **fields) -> dict:  # noqa: ANN001
    body = {"name": unique("proj"), **fields}
    response = client.post("/api/v2/projects", json=body, headers=auth(key))
    assert response.status_code == 200, response.text
    return response.json()


def make_job(client, project_id: str, key: str = ADMIN_KEY, **fields) -> dict:  # noqa: ANN001
    body = {"name": unique("job"), "script": "main.py", "runtime_identifier": RUNTIME, **fields}
    response = client.post(f"/api/v2/projects/{project_id}/jobs", json=body, headers=auth(key))
    assert response.status_code == 200, response.text
    return response.json()


RUNTIME = (
    "docker.repository.cloudera.com/cloudera/cdsw/"
    "ml-runtime-pbj-jupyterlab-python3.11-standard:2025.01.1-b8"
)
