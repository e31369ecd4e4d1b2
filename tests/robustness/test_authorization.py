"""Authorization sweep: every operation of the contract, called with real ids, as four callers.

alice owns a private project holding one of every implemented resource (job, run,
application, model, build, deployment, experiment, experiment run, file, registered model
and version); bob collaborates with ``read``. The sweep is written from the contract, so an
operation added to it is swept without a change here:

* nobody (no key): 401 with the envelope, for every operation;
* mallory (a stranger): never a 2xx for a call that reaches into alice's project or
  names alice's data, never one of alice's ids or names in any 2xx answer (lists included,
  also with every boolean query flag set), and alice's view unchanged afterwards;
* bob (read): no POST/PUT/PATCH/DELETE into alice's project succeeds, except the read-only
  ones (``:download``, ValidateAPIKey); afterwards every table is the same row for row,
  and so is alice's view. (A POST that only names alice's data in its body, as
  CreateRegisteredModel from her experiment run, makes bob's own object from what he may
  read: it is a stranger's business, not a reader's.)
* alice (owner): each operation on a fresh copy of her world answers a 2xx or a 400/409
  (validation, a precondition of the state, a conflict), never 401/403/404 nor a 5xx, and
  nearly all succeed; unimplemented ones answer 501 with code 12.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from mockcml.app import create_app
from mockcml.core.contract import Operation, load_contract
from mockcml.core.db import data_tables
from mockcml.core.registry import DECLARED, implemented
from mockcml.resources.users.service import add_key, create_user
from mockcml.settings import Settings
from tests.helpers import RUNTIME, auth
from tests.robustness import MUTATING, World, build_world, check_envelope, multipart

USERS = ("alice", "bob", "carol", "dave", "erin", "frank", "mallory")
OPERATIONS = load_contract().operations
# POSTs that change nothing: a reader may call them.
READ_ONLY = {"DownloadProjectFile", "ValidateAPIKey"}
# Path parameters that must not be alice herself.
OVERRIDES = {"AddProjectCollaborator": {"username": "frank"},
             "DeleteProjectCollaborator": {"username": "carol"},
             "ReadWorkspaceSparkDefault": {"is_pushdown": "false"},
             "ReadCMLSparkDefault": {"pushdown_enabled": "true", "raz_enabled": "false"},
             "ListNewsFeeds": {"category": "all"}}
# int64 path ids: a placeholder that is not a number is a 400 before any permission check.
OVERRIDES.update({op: {"resource_group_id": "1"} for op in (
    "CreateAcceleratorNodeLabelGpuProfile", "UpdateAcceleratorNodeLabelGpuProfile",
    "DeleteAcceleratorNodeLabelGpuProfile")})
OVERRIDES.update({op: {"group_id": "1"} for op in (
    "RemoveGroupFromSyncedTeam", "UpdateGroupPermissionForSyncedTeam")})


def _bodies(w: World) -> dict[str, Callable[[], Any]]:
    """Request bodies with which the owner's call succeeds (the default is ``{}``)."""
    i, m = w.ids, f"new{uuid.uuid4().hex[:8]}"  # names the caller gives: never the marker
    return {
        "CreateProject": lambda: {"name": f"{m}-other"},
        "CreateAmp": lambda: {"create_project_request": {
            "name": f"{m}-amp", "git_url": "https://example.com/amp.git"}},
        "UpdateProject": lambda: {"description": f"{m} changed"},
        "CreateJob": lambda: {"name": f"{m}-job2", "script": "b.py", "runtime_identifier": RUNTIME},
        "UpdateJob": lambda: {"arguments": "--changed"},
        "CreateJobRun": lambda: {"environment": {"MOCKCML_DURATION": "100000"}},
        "CreateApplication": lambda: {"name": f"{m}-app2", "subdomain": f"{m}-sub2",
                                      "script": "b.py", "runtime_identifier": RUNTIME},
        "UpdateApplication": lambda: {"description": "changed"},
        "CreateModel": lambda: {"name": f"{m}-model2"},
        "UpdateModel": lambda: {"description": "changed"},
        "CreateModelBuild": lambda: {"file_path": "p.py", "function_name": "f",
                                     "runtime_identifier": RUNTIME},
        "CreateExperiment": lambda: {"name": f"{m}-exp2"},
        "UpdateExperiment": lambda: {"name": f"{m}-exp3"},
        "CreateExperimentRun": lambda: {},
        "UpdateExperimentRun": lambda: {"name": f"{m}-erun2"},
        "LogExperimentRunBatch": lambda: {"metrics": [{"key": "acc", "value": 1.0}]},
        "DeleteExperimentRunBatch": lambda: {"metrics": ["loss"]},
        "UpdateProjectFileMetadata": lambda: {"path": "data/renamed.txt"},
        "AddProjectCollaborator": lambda: {"permission": "write"},
        "CreateV2Key": lambda: {"comments": "another"},
        "ValidateAPIKey": lambda: {"audience": "API"},
        "SendCopilotEvent": lambda: {"event_type": "chat_opened"},
        "CreateRegisteredModel": lambda: {
            "project_id": i["project"], "experiment_id": i["experiment"],
            "run_id": i["experiment_run"], "model_path": "model", "model_name": f"{m}-reg2"},
        "UpdateRegisteredModel": lambda: {"model_id": i["registered_model"],
                                          "description": "changed"},
        "UpdateRegisteredModelVersion": lambda: {"model_version_id": i["registered_version"],
                                                 "notes": "changed"},
    }


def _request(client: TestClient, op: Operation, w: World, key: str | None,
             query: dict | None = None) -> tuple[Any, str, Any]:
    overrides = OVERRIDES.get(op.operation_id)
    if op.operation_id == "GetShortUserByID" and "user_id" in w.ids:
        # The world owner's numeric id: the integer placeholder names no user (a 404).
        overrides = {"user_id": w.ids["user_id"]}
    url = w.url(op, overrides)
    headers = auth(key) if key else {}
    kwargs: dict[str, Any] = {"params": query or {}}
    body = None
    if op.body_kind == "json":
        body = _bodies(w).get(op.operation_id, dict)()
        kwargs["json"] = body
    elif op.body_kind == "multipart":
        content, extra = multipart((f"upload/{w.marker}.txt", "x.txt", b"data"))
        kwargs["content"] = content
        headers = {**headers, **extra}
    response = client.request(op.method, url, headers=headers, **kwargs)
    if response.status_code >= 400:
        check_envelope(response)
    return response, url, body


def _targets(w: World, url: str, body: Any, method: str = "GET") -> bool:
    """Whether a call reaches into the world's project or names its data.

    A POST that only names the world's data in its body (CreateRegisteredModel from
    alice's experiment run) creates the caller's own object from something it may read:
    it reaches in for a stranger (who may not read it) but not for a reader.
    """
    if any(value in url for value in w.owned()) or f"/users/{w.username}/" in url:
        return True
    return method != "POST" and any(value in json.dumps(body) for value in w.owned())


def _names_data(w: World, url: str, body: Any) -> bool:
    return _targets(w, url, body) or any(value in json.dumps(body) for value in w.owned())


def _flags(op: Operation) -> dict[str, str]:
    return {name: "true" for name, spec in op.query.items() if spec.type == "boolean"}


def _owner_view(client: TestClient, w: World) -> dict[str, Any]:
    """Every GET alice can make about her world, with every flag off and on."""
    view = {}
    for op in OPERATIONS:
        if op.method != "GET":
            continue
        for query in ({}, _flags(op)):
            response, url, _ = _request(client, op, w, "alice-key", query)
            view[f"{url}?{sorted(query)}"] = (response.status_code, response.json())
    return view


def _database(client: TestClient) -> dict[str, list]:
    engine = client.app.state.mock.db.engine
    with engine.connect() as conn:
        return {table.name: [tuple(row) for row in conn.execute(select(table))]
                for table in data_tables()}


@pytest.fixture
def world() -> Iterator[TestClient]:
    """alice..mallory with keys "<name>-key"; real time, so runs stay active until stopped."""
    app = create_app(Settings(time_scale=1))
    with TestClient(app, raise_server_exceptions=False) as client:
        with app.state.mock.db.transaction() as session:
            for name in USERS:
                add_key(session, create_user(session, name), f"{name}-key")
        yield client


def _alice_world(client: TestClient) -> World:
    w = build_world(client, "alice-key", "alice", running=True)
    for user, permission in (("bob", "read"), ("carol", "write")):
        response = client.put(f"/api/v2/projects/{w.ids['project']}/collaborators/{user}",
                              headers=auth("alice-key"), json={"permission": permission})
        assert response.status_code == 200, response.text
    from mockcml.resources.users.tables import User

    with client.app.state.mock.db.transaction() as session:
        w.ids["user_id"] = str(session.execute(
            select(User.id).where(User.username == "alice")).scalar_one())
    # Nothing moves by itself while the sweep runs: views before and after compare exactly.
    assert client.post("/_mock/clock/freeze").status_code == 200
    return w


def test_nobody_gets_401_everywhere(world: TestClient) -> None:
    w = _alice_world(world)
    for op in OPERATIONS:
        response, url, _ = _request(world, op, w, None)
        assert response.status_code == 401, (op.operation_id, url, response.text)
        assert response.json()["code"] == 16


def test_a_stranger_reaches_nothing_of_alice(world: TestClient) -> None:
    w = _alice_world(world)
    before = _owner_view(world, w)
    leaks, reached = [], []
    for op in OPERATIONS:
        queries = [{}, _flags(op)] if op.method == "GET" and _flags(op) else [{}]
        for query in queries:
            response, url, body = _request(world, op, w, "mallory-key", query)
            if not 200 <= response.status_code < 300:
                continue
            if _names_data(w, url, body):
                reached.append((op.operation_id, url, response.status_code))
            text = response.text
            found = [v for v in w.owned() | {w.marker} if v in text]
            if found:
                leaks.append((op.operation_id, url, query, found))
    assert not reached, f"mallory got a 2xx inside alice's project: {reached}"
    assert not leaks, f"mallory saw alice's data: {leaks}"
    assert _owner_view(world, w) == before


def test_a_reader_changes_nothing(world: TestClient) -> None:
    w = _alice_world(world)
    view, database = _owner_view(world, w), _database(world)
    changed = []
    inside = [op for op in OPERATIONS if _targets(w, w.url(op, OVERRIDES.get(op.operation_id)),
                                                  _bodies(w).get(op.operation_id, dict)(),
                                                  op.method)]
    attempted = 0
    for op in inside:
        response, url, _ = _request(world, op, w, "bob-key")
        if op.method not in MUTATING or op.operation_id in READ_ONLY or url.endswith(":download"):
            continue
        attempted += op.operation_id in implemented()
        if 200 <= response.status_code < 300:
            changed.append((op.operation_id, op.method, url, response.status_code))
    assert not changed, f"a read-only collaborator changed alice's project: {changed}"
    # Every implemented change of the project was tried (40 when this was written).
    assert attempted >= 35, attempted
    assert _database(world) == database
    assert _owner_view(world, w) == view


def _owner_order(op: Operation) -> tuple:
    return (op.method == "DELETE", op.operation_id == "DeleteV2Keys")


SITE_ADMIN_ONLY = {"RegisterCustomRuntime", "ValidateCustomRuntime", "UpdateRuntimeStatus",
                   "SetDockerCredential"}
# Teams, quotas, node labels and resource groups (issue 13, part A): all but the two lists
# every user reads to pick where a workload runs.
SITE_ADMIN_ONLY |= {
    "CreateTeam", "CreateSyncedTeam", "DeleteTeam", "ListSyncedTeamMembers",
    "UpdateMemberPermissionForSyncedTeam", "ListSyncedTeamGroups", "AddGroupToSyncedTeam",
    "RemoveGroupFromSyncedTeam", "UpdateGroupPermissionForSyncedTeam", "LatestSyncStatus",
    "TeamsSyncStatus", "UsersSyncStatus",
    "GetDefaultQuotas", "GetDefaultQuota", "SetDefaultQuota", "SetTeamDefaultQuota",
    "ListUsersQuota", "ListGroupsQuota", "ListUsersAcceleratorQuota",
    "ListTeamsAcceleratorQuota", "ListAcceleratorBasedUserQuota",
    "UpdateAcceleratorBasedUserQuota", "ListAcceleratorBasedTeamQuota",
    "UpdateAcceleratorBasedTeamQuota",
    "UpdateAcceleratorLabelsAdminConfig", "UpdateAcceleratorLabelsDefaultQuota",
    "CreateAcceleratorNodeLabelGpuProfile", "UpdateAcceleratorNodeLabelGpuProfile",
    "DeleteAcceleratorNodeLabelGpuProfile", "UpdateResourceGroup",
}
# Workspace administration of issue 13 (part B): repos, credentials, add-ons, copilot
# models, usage views, diagnostics, spark and site settings.
SITE_ADMIN_ONLY |= {
    "ListRuntimeRepos", "CreateRuntimeRepo", "UpdateRuntimeRepo", "DeleteRuntimeRepo",
    "LoadRuntimeAddonsUpload", "HandleCustomRuntimeUpload", "UpdateRuntimeAddonStatus",
    "ListDockerCredentials", "CreateDockerCredential", "UpdateDockerCredential",
    "DeleteDockerCredential", "CreateCopilotModel", "UpdateCopilotModel", "DeleteCopilotModel",
    "CreateCopilotEmbeddingModel", "UpdateCopilotEmbeddingModel",
    "DeleteCopilotEmbeddingModel", "ListUsage", "GetTimeSeries", "ListWorkloadExecutions",
    "GenerateDiagBundle", "GetDiagBundleStatus", "DownloadDiagnosticsBundle",
    "SetWorkspaceSparkDefault", "DisableEngines", "DashboardsArchive",
}


def _site_admin_only() -> set[str]:
    """Operations declared @operation(..., admin=...), and the admin surface above whose
    handlers check site administrators themselves."""
    return SITE_ADMIN_ONLY | {op for op, declared in DECLARED.items() if declared.admin is not None}


def test_the_owner_gets_answers_not_errors(world: TestClient) -> None:
    done, site_admin_only = implemented(), _site_admin_only()
    refused, unexpected, succeeded = [], [], []
    template = _alice_world(world)
    for op in sorted(OPERATIONS, key=_owner_order):
        if op.operation_id not in done:
            response, url, _ = _request(world, op, template, "alice-key")
            assert response.status_code == 501, (op.operation_id, url, response.text)
            assert response.json()["code"] == 12
            continue
        w = build_world(world, "alice-key", "alice", running=True)
        w.ids["user_id"] = template.ids["user_id"]
        # DeleteProjectCollaborator removes carol.
        added = world.put(f"/api/v2/projects/{w.ids['project']}/collaborators/carol",
                          headers=auth("alice-key"), json={"permission": "write"})
        assert added.status_code == 200, added.text
        response, url, _ = _request(world, op, w, "alice-key")
        status = response.status_code
        if op.operation_id in site_admin_only:
            # Workspace administration is not a project owner's to do.
            assert status == 403 and response.json()["code"] == 7, (op.operation_id, status)
            succeeded.append(op.operation_id)
        elif 200 <= status < 300:
            succeeded.append(op.operation_id)
        elif status in (400, 409):  # validation, a precondition of the state, a conflict
            refused.append((op.operation_id, status, response.json()["message"]))
        else:
            unexpected.append((op.operation_id, url, status, response.text[:300]))
    assert not unexpected, "\n".join(map(str, unexpected))
    # The bodies above make nearly every call succeed, so the sweeps of the other callers
    # are refused for their role and not for a malformed request.
    assert len(succeeded) >= 0.9 * len(done), refused
