"""Robustness tests: fuzzing, concurrency, crash and restart, authorization, hostile input.

Shared here: a "world" of one of every implemented resource created through the API, and
the substitution of its real ids into the contract's path templates.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from mockcml.core.contract import Operation
from tests.helpers import ADMIN_KEY, RUNTIME, auth

ENVELOPE_KEYS = {"error", "code", "message", "details"}
# Stands in for a path parameter no created resource answers (unimplemented operations).
PLACEHOLDER = "zzzz-0000-zzzz-0000"
BOUNDARY = "mockcml-robustness-boundary"
MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
# Ids in a world that are not its owner's data: public user ids, and workspace-level
# objects a site administrator made for the sweep (copilot models).
WORKSPACE_IDS = ("user_id", "username", "path", "metric_key", "copilot_model",
                 "copilot_embedding_model")


def check_envelope(response: Any) -> dict:
    """A failed call answers the error envelope, its gRPC code matching the HTTP status."""
    from mockcml.core.errors import GRPC_TO_HTTP

    content_type = response.headers.get("content-type") or ""
    if isinstance(content_type, list):  # schemathesis keeps every value of a header
        content_type = content_type[0]
    assert content_type.startswith("application/json"), (
        response.status_code, content_type, response.text[:500])
    body = response.json()
    assert isinstance(body, dict) and set(body) == ENVELOPE_KEYS, (response.status_code, body)
    assert isinstance(body["code"], int) and isinstance(body["message"], str), body
    assert body["error"] == body["message"] and body["message"], body
    assert body["details"] == [], body
    # 405 is the one status grpc-gateway reaches without a gRPC code of its own (12).
    if response.status_code != 405:
        assert GRPC_TO_HTTP.get(body["code"]) == response.status_code, (response.status_code, body)
    return body


def multipart(*parts: tuple[str, str | None, bytes]) -> tuple[bytes, dict[str, str]]:
    """A multipart/form-data body from (field name, filename or None, data) parts."""
    body = b""
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        body += (f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n".encode()
                 + data + b"\r\n")
    body += f"--{BOUNDARY}--\r\n".encode()
    return body, {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}


def _ok(response: Any) -> dict:
    assert response.status_code == 200, (response.request.method, str(response.request.url),
                                         response.text[:1000])
    return response.json()


@dataclass
class World:
    """Ids of one of everything, owned by one user."""

    username: str
    marker: str  # every name in this world contains it
    ids: dict[str, str] = field(default_factory=dict)

    def owned(self) -> set[str]:
        """Values that identify this world's data (never a user id: those are public)."""
        return {v for k, v in self.ids.items() if k not in WORKSPACE_IDS}

    def value(self, name: str, path: str) -> str:
        """The real value of path parameter ``name`` (contract spelling) of route ``path``."""
        base = name.split(".", 1)[0] if "." in name else name.removesuffix("_id")
        base = {"experiment.project_id": "project"}.get(name, base)
        if name == "run_id" or name == "run.id":
            base = "experiment_run" if "/experiments/" in path else "job_run"
        if base == "model" and path.startswith("/api/v2/registry/"):
            base = "registered_model"
        if name == "version_id":
            base = "registered_version"
        if name in ("path", "metric_key", "username", "user_id", "key_id"):
            base = name
        return self.ids.get(base, PLACEHOLDER)

    def url(self, op: Operation, overrides: dict[str, str] | None = None) -> str:
        overrides = overrides or {}

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in overrides and name.replace(".", "_") in op.path_types:
                return "987654"  # an integer-typed parameter: a number that names nothing
            return overrides.get(name) or self.value(name, op.path)

        return re.sub(r"\{([^}]+)\}", fill, op.path)


def build_world(client: Any, key: str, username: str, *, running: bool = False) -> World:
    """Create a private project with one of every implemented resource, through the API.

    ``running`` leaves the job run active (a long scripted duration) so it can be stopped.
    """
    h = auth(key)
    marker = f"rb{uuid.uuid4().hex[:10]}"
    world = World(username=username, marker=marker)
    ids = world.ids
    project = _ok(client.post("/api/v2/projects", headers=h,
                              json={"name": f"{marker}-proj", "visibility": "private",
                                    "description": f"{marker} project"}))
    pid = ids["project"] = project["id"]
    base = f"/api/v2/projects/{pid}"
    ids["job"] = _ok(client.post(f"{base}/jobs", headers=h, json={
        "name": f"{marker}-job", "script": "main.py", "runtime_identifier": RUNTIME}))["id"]
    env = {"MOCKCML_DURATION": "100000"} if running else {}
    ids["job_run"] = _ok(client.post(f"{base}/jobs/{ids['job']}/runs", headers=h,
                                     json={"environment": env}))["id"]
    ids["application"] = _ok(client.post(f"{base}/applications", headers=h, json={
        "name": f"{marker}-app", "subdomain": f"{marker}-sub", "script": "app.py",
        "runtime_identifier": RUNTIME}))["id"]
    ids["model"] = _ok(client.post(f"{base}/models", headers=h,
                                   json={"name": f"{marker}-model"}))["id"]
    build = _ok(client.post(f"{base}/models/{ids['model']}/builds", headers=h, json={
        "file_path": "predict.py", "function_name": "predict", "runtime_identifier": RUNTIME,
        # Built at once whatever the time scale, so that it can be deployed right away.
        "comment": "MOCKCML_PENDING_DURATION=0 MOCKCML_DURATION=0 MOCKCML_PUSHING_DURATION=0"}))
    ids["build"] = build["id"]
    ids["deployment"] = _ok(client.post(
        f"{base}/models/{ids['model']}/builds/{ids['build']}/deployments", headers=h,
        json={}))["id"]
    experiment = _ok(client.post(f"{base}/experiments", headers=h,
                                 json={"name": f"{marker}-exp"}))
    ids["experiment"] = experiment["id"]
    runs = f"{base}/experiments/{ids['experiment']}/runs"
    ids["experiment_run"] = _ok(client.post(runs, headers=h,
                                            json={"run_name": f"{marker}-erun"}))["id"]
    _ok(client.post(f"{runs}/{ids['experiment_run']}:logbatch", headers=h,
                    json={"metrics": [{"key": "loss", "value": 0.5, "step": 1}]}))
    ids["metric_key"] = "loss"
    body, headers = multipart(("data/notes.txt", "notes.txt", marker.encode()))
    _ok(client.post(f"{base}/files", headers={**h, **headers}, content=body))
    ids["path"] = "data/notes.txt"
    registered = _ok(client.post("/api/v2/registry/models", headers=h, json={
        "project_id": pid, "experiment_id": ids["experiment"], "run_id": ids["experiment_run"],
        "model_path": "model", "model_name": f"{marker}-registered"}))
    ids["registered_model"] = registered["model_id"]
    ids["registered_version"] = registered["model_versions"][0]["model_version_id"]
    ids["username"] = username
    ids["key_id"] = _ok(client.post(f"/api/v2/users/{username}/v2_keys", headers=h,
                                    json={"comments": f"{marker} key"}))["key_id"]
    # Workspace-level objects only a site administrator creates, so that operations on
    # them have a real id; skipped where the built-in admin key does not exist.
    admin = auth(ADMIN_KEY)
    for kind, path in (("copilot_model", "models"), ("copilot_embedding_model",
                                                     "embedding_models")):
        made = client.post(f"/api/v2/copilot/{path}", headers=admin,
                           json={"provider": "Bedrock", "name": f"sweep-{uuid.uuid4().hex[:8]}"})
        if made.status_code == 200:
            ids[kind] = made.json()["id"]
    return world
