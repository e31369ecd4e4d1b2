"""Every method of the served cmlapi SDK, called as a client would over real HTTP against
the demo fixtures (fixtures/demo.yaml) with the demo's admin key and valid arguments:
each of the 158 answers without an ApiException, and with populated data (a list it
returns is not empty), because the demo seeds something of every kind.

Ids are found the way a client finds them (listing first), never read from the database.
Objects the walk deletes are ones it created, so reads never depend on the order."""

from __future__ import annotations

import io
import json
import tarfile
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import uvicorn

from mockcml.app import create_app
from mockcml.settings import Settings
from tests.helpers import ROOT, free_port
from tests.sdk import import_committed_sdk

pytestmark = pytest.mark.live
DEMO = ROOT / "fixtures" / "demo.yaml"
ADMIN_KEY = "mockcml-admin-key"  # the demo's admin (fixtures/demo.yaml)
# Answers that are empty by the contract (deletes, stops with no body, and the like).
EMPTY_OK = {
    "delete_accelerator_node_label_gpu_profile", "delete_application", "delete_copilot_model",
    "delete_copilot_embedding_model", "delete_cpu_profile", "delete_docker_credential",
    "delete_experiment", "delete_experiment_run", "delete_job", "delete_model",
    "delete_model_build", "delete_project", "delete_project_collaborator",
    "delete_project_file", "delete_registered_model", "delete_registered_model_version",
    "delete_runtime_repo", "delete_team", "delete_v2_key", "delete_v2_keys",
    "add_project_collaborator", "update_member_permission_for_synced_team",
    "add_group_to_synced_team", "remove_group_from_synced_team",
    "update_group_permission_for_synced_team", "set_docker_credential", "send_copilot_event",
    "update_project_file_metadata", "upload_file", "log_experiment_run_batch",
    "delete_experiment_run_batch", "restart_application", "stop_application",
    "update_runtime_addon_status", "validate_custom_runtime", "load_runtime_addons_upload",
    "handle_custom_runtime_upload", "set_workspace_spark_default", "dashboards_archive",
    "update_runtime_status", "stop_model_deployment", "restart_model_deployment",
}


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    app = create_app(Settings(fixtures=[str(DEMO)]))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


class Walk:
    """Calls methods by name, remembers which were called and checks each answer."""

    def __init__(self, api: Any) -> None:
        self.api = api
        self.called: set[str] = set()

    def __call__(self, name: str, *args: Any, **kwargs: Any) -> Any:
        answer = getattr(self.api, name)(*args, **kwargs)
        self.called.add(name)
        data = answer.to_dict() if hasattr(answer, "to_dict") else answer
        if name not in EMPTY_OK:
            assert data not in (None, {}, [], ""), f"{name} answered {data!r}"
        if isinstance(data, dict) and name.startswith(("list_", "batch_list_", "get_default_quotas")):
            # A list operation: the list it answers with has items.
            lists = {key: value for key, value in data.items() if isinstance(value, list)}
            assert lists, f"{name} answered no list: {data!r}"
            for key, value in lists.items():
                assert value, f"{name}: {key} is empty"
        return data


def _first(items: list[dict], **match: Any) -> dict:
    return next(item for item in items if all(item.get(k) == v for k, v in match.items()))


def _tarball() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        data = b"FROM scratch\n"
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _advance(url: str, by: str) -> None:
    request = urllib.request.Request(f"{url}/_mock/clock/advance", method="POST",
                                     data=json.dumps({"by": by}).encode(),
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200


def _file(directory: Path, name: str, data: bytes) -> str:
    path = directory / name
    path.write_bytes(data)
    return str(path)


def test_every_method_answers_with_data(url: str) -> None:
    cmlapi: ModuleType = import_committed_sdk()
    api = cmlapi.default_client(url, ADMIN_KEY)
    call = Walk(api)
    work = Path(tempfile.mkdtemp(prefix="sdk-walk-"))

    # --- the workspace as the demo seeded it ------------------------------------------------
    projects = call("list_projects", include_all_projects=True, page_size=100)["projects"]
    etl = _first(projects, name="etl-pipeline")["id"]
    churn = _first(projects, name="churn-model")["id"]
    call("batch_list_projects", project_ids=[etl, churn])
    call("list_project_names")
    call("get_project", churn)
    call("list_project_collaborators", churn)
    call("list_all_run_as_machine_user_collaborators", etl)
    jobs = call("list_jobs", etl)["jobs"]
    job = _first(jobs, name="extract-data")["id"]
    call("list_all_jobs")
    call("get_job", etl, job)
    runs = call("list_job_runs", etl, job)["job_runs"]
    call("get_job_run", etl, job, runs[0]["id"])
    apps = call("list_applications", churn)["applications"]
    app = _first(apps, name="churn-dashboard")["id"]
    call("get_application", churn, app)
    models = call("list_models", churn)["models"]
    model = _first(models, name="churn-predictor")["id"]
    call("list_all_models")
    call("get_model", churn, model)
    builds = call("list_model_builds", churn, model)["model_builds"]
    build = next(b for b in builds if b["status"] == "built")["id"]
    call("get_model_build", churn, model, build)
    deployments = call("list_model_deployments", churn, model, build)["model_deployments"]
    call("get_model_deployment", churn, model, build, deployments[0]["id"])
    files = call("list_project_files", churn, "")["files"]
    a_file = next(f for f in files if not f["is_dir"])["path"]
    call("download_project_file", churn, a_file, _preload_content=False)
    experiments = call("list_experiments", churn)["experiments"]
    experiment = _first(experiments, name="churn-training")["id"]
    call("list_all_experiments")
    call("get_experiment", churn, experiment)
    exp_runs = call("list_experiment_runs", churn, experiment)["experiment_runs"]
    exp_run = exp_runs[0]["id"]
    got = call("get_experiment_run", churn, experiment, exp_run)
    metric = next(iter(got["data"]["metrics"]))["key"]
    call("get_experiment_run_metrics", churn, experiment, exp_run, metric)
    registered = call("list_registered_models")["models"]
    registered_id = registered[0]["model_id"]
    reg = call("get_registered_model", registered_id)
    call("get_registered_model_version", registered_id, reg["model_versions"][0]["model_version_id"])
    call("list_runtimes")
    call("list_runtime_addons")
    call("list_news_feeds", "all")
    call("get_short_user_by_id", "2")
    call("list_v2_keys", "admin")

    # --- the site administration the demo seeded --------------------------------------------
    call("list_all_resource_groups")
    call("list_all_accelerator_node_labels")
    call("list_cpu_profiles")
    call("get_default_quotas")
    call("get_default_quota")
    call("list_users_quota")
    call("list_groups_quota")
    call("list_users_accelerator_quota")
    call("list_teams_accelerator_quota")
    call("list_accelerator_based_user_quota")
    call("list_accelerator_based_team_quota")
    call("list_synced_team_members", "platform")
    groups = call("list_synced_team_groups", "platform")["groups"]
    call("latest_sync_status")
    call("teams_sync_status")
    call("users_sync_status")
    call("list_runtime_repos")
    call("list_docker_credentials")
    chat = call("list_copilot_models")["copilot_models"]
    call("get_copilot_model", chat[0]["id"])
    embedding = call("list_copilot_embedding_models")["copilot_embedding_models"]
    call("get_copilot_embedding_model", embedding[0]["id"])
    call("read_workspace_spark_default", "false")
    call("read_base_cluster_spark_default")
    call("read_cml_spark_default", "false", "false")
    call("list_ml_serving_apps")
    call("list_workload_status")
    call("list_workload_executions")
    call("list_workload_types")
    call("list_usage")
    call("get_time_series")

    # --- writes on the demo's objects (nothing the reads above rely on is removed) ----------
    call("update_project", {"description": "walked"}, churn)
    call("add_project_collaborator", {"permission": "read"}, etl, "mallory")
    call("delete_project_collaborator", etl, "mallory")
    call("update_job", {"arguments": "--walk"}, etl, job)
    run = call("create_job_run", {}, etl, job)
    call("stop_job_run", etl, job, run["id"])
    call("update_application", {"description": "walked"}, churn, app)
    call("restart_application", churn, app)
    call("stop_application", churn, app)
    call("update_model", {"description": "walked"}, churn, model)
    deployed = next(d for d in deployments if d["status"] == "deployed")["id"]
    call("restart_model_deployment", churn, model, build, deployed)
    deployment = call("create_model_deployment", {"cpu": 1, "memory": 2}, churn, model, build)
    call("stop_model_deployment", churn, model, build, deployment["id"])
    call("update_experiment", {"name": "churn-training"}, churn, experiment)
    call("update_experiment_run", {"name": "walked"}, churn, experiment, exp_run)
    call("log_experiment_run_batch", {"metrics": [{"key": "walk", "value": 1.0,
                                                   "timestamp": "2026-01-01T00:00:00Z",
                                                   "step": "0"}],
                                      "params": [{"key": "walked", "value": "yes"}]},
         churn, experiment, exp_run)
    call("delete_experiment_run_batch", {"params": ["walked"]}, churn, experiment, exp_run)
    call("update_project_file_metadata", {"path": "walked.txt"}, churn, a_file)
    call("upload_file", churn, file=_file(work, "upload.txt", b"hello"), _preload_content=False)
    call("update_registered_model", {"model_id": registered_id, "description": "walked"})
    call("update_registered_model_version", {"model_version_id": reg["model_versions"][0][
        "model_version_id"], "version_notes": "walked"}, registered_id)
    call("update_runtime_status", {"image_identifier": [
        "docker.repository.cloudera.com/cloudera/cdsw/ml-runtime-workbench-r4.3-standard:"
        "2024.02.1-b4"], "status": "ENABLED"})
    call("update_resource_group", {"id": 2, "allow_jobs": True})
    call("update_accelerator_labels_admin_config", {"id_max_gpu_workload": {"1": "2"}})
    call("update_accelerator_labels_default_quota", {"id_default_quota": {"1": "1"}})
    call("set_default_quota", {"quota": {"requests_cpu": "16"}})
    call("set_team_default_quota", {"quota": {"requests_cpu": "64"}})
    call("update_accelerator_based_user_quota", {"accelerator_based_user_quota": [
        {"user_id": "3", "accelerator_id": "1", "gpu_quota": "1"}]})
    call("update_accelerator_based_team_quota", {"accelerator_based_team_quota": [
        {"team_id": "1", "accelerator_id": "1", "gpu_quota": "2"}]})
    members = call("list_synced_team_members", "platform")["members"]
    call("update_member_permission_for_synced_team", {"permission": "admin"}, "platform",
         members[0]["user_id"])
    call("update_group_permission_for_synced_team", {"permission": "read"}, "platform",
         groups[0]["id"])
    call("set_workspace_spark_default", {"is_pushdown": "true",
                                         "workspace_spark_default": "spark.a 1"})
    call("disable_engines", {"disable_engines": False})
    call("update_runtime_addon_status", {"status": "AVAILABLE",
                                         "identifiers": ["spark332-22-hf1"]})
    call("send_copilot_event", {"event_type": "walk", "model_name": chat[0]["name"]})
    call("validate_api_key", {"api_key": ADMIN_KEY})
    call("rotate_v1_key", {}, "admin")
    call("dashboards_archive", "7", _preload_content=False)

    # --- create, change and delete objects of every kind ------------------------------------
    project = call("create_project", {"name": "sdk-walk", "template": "blank"})["id"]
    new_job = call("create_job", {"name": "walk-job", "script": "a.py", "runtime_identifier":
                                  _first(call("list_runtimes")["runtimes"],
                                         edition="Standard")["image_identifier"]},
                   project)["id"]
    call("delete_job", project, new_job)
    new_app = call("create_application", {"name": "walk-app", "subdomain": "walk-app",
                                          "script": "app.py", "runtime_identifier":
                                          _first(call("list_runtimes")["runtimes"],
                                                 edition="Standard")["image_identifier"]},
                   project)["id"]
    call("delete_application", project, new_app)
    new_model = call("create_model", {"name": "walk-model", "project_id": project,
                                      "description": "x"}, project)["id"]
    new_build = call("create_model_build", {
        "file_path": "predict.py", "function_name": "predict", "runtime_identifier":
        _first(call("list_runtimes")["runtimes"], edition="Standard")["image_identifier"]},
        project, new_model)["id"]
    call("delete_model_build", project, new_model, new_build)
    call("delete_model", project, new_model)
    new_experiment = call("create_experiment", {"name": "walk-exp"}, project)["id"]
    new_run = call("create_experiment_run", {"experiment_id": new_experiment}, project,
                   new_experiment)["id"]
    call("delete_experiment_run", project, new_experiment, new_run)
    call("delete_experiment", project, new_experiment)
    call("upload_file", project, file=_file(work, "gone.txt", b"x"), _preload_content=False)
    call("delete_project_file", project, "file")  # the multipart field name is the path
    call("create_registered_model", {"project_id": churn, "experiment_id": experiment,
                                     "run_id": exp_run, "model_name": "walk-registered",
                                     "model_path": "model"})
    walk_registered = _first(call("list_registered_models")["models"], name="walk-registered")
    walk_version = call("get_registered_model", walk_registered["model_id"])["model_versions"][0]
    call("delete_registered_model_version", walk_registered["model_id"],
         walk_version["model_version_id"])
    call("delete_registered_model", walk_registered["model_id"])
    call("create_amp", {"create_project_request": {
        "name": "walk-amp", "template": "git", "git_url": "https://github.com/example/amp"}})
    call("delete_project", project)

    key = call("create_v2_key", {"comments": "walk"}, "admin")
    call("delete_v2_key", "admin", key["key_id"])
    call("create_v2_key", {"comments": "walk-2"}, "carol")
    call("delete_v2_keys", "carol")

    call("create_team", {"username": "walk-team"})
    call("delete_team", "walk-team")
    call("create_synced_team", {"username": "walk-synced", "group_permissions": [
        {"cn": "platform-eng", "permission": "read"}]})
    call("add_group_to_synced_team", {"group_permission": {"cn": "platform-oncall",
                                                           "permission": "read"}}, "walk-synced")
    added = _first(call("list_synced_team_groups", "walk-synced")["groups"],
                   cn="platform-oncall")
    call("remove_group_from_synced_team", "walk-synced", added["id"])

    profile = call("create_accelerator_node_label_gpu_profile",
                   {"gpu_count": "4", "cpu": 8, "memory": 60}, "2")
    label_id = profile["accelerator_node_label"]["id"]
    call("update_accelerator_node_label_gpu_profile", {"id": label_id, "cpu": 4}, "2")
    call("delete_accelerator_node_label_gpu_profile", "2", id=label_id)
    cpu = call("create_cpu_profile", {"cpu": 2, "memory": 4})["cpu_profile"]
    call("update_cpu_profile", {"id": cpu["id"], "cpu": 3, "memory": 4}, cpu["id"])
    call("delete_cpu_profile", cpu["id"])

    repo = call("create_runtime_repo", {"name": "walk", "url": "https://example.com/w.json"})
    call("update_runtime_repo", {"id": repo["id"], "name": "walked"}, repo["id"])
    call("delete_runtime_repo", repo["id"])
    credential = call("create_docker_credential", {"name": "walk", "server": "example.com",
                                                   "username": "u", "password": "p"})
    call("update_docker_credential", {"id": credential["id"], "username": "v"},
         credential["id"])
    call("set_docker_credential", {"runtime_identifier": "registry.example.com/team/"
                                   "custom-python-geo:1.4.0",
                                   "docker_credential_id": credential["id"]})
    call("delete_docker_credential", credential["id"])
    model_made = call("create_copilot_model", {"provider": "Walk", "name": "walk-chat"})
    call("update_copilot_model", {"id": model_made["id"], "enabled": False}, model_made["id"])
    call("delete_copilot_model", model_made["id"])
    embed = call("create_copilot_embedding_model", {"provider": "Walk", "name": "walk-embed"})
    call("update_copilot_embedding_model", {"id": embed["id"], "enabled": False}, embed["id"])
    call("delete_copilot_embedding_model", embed["id"])

    call("register_custom_runtime", {"url": "registry.example.com/walk:1"})
    call("validate_custom_runtime", url="registry.example.com/walk:2")
    addons = json.dumps({"runtime_addons": [{"identifier": "walk-addon", "component": "Spark",
                                             "display_name": "Walk"}]}).encode()
    call("load_runtime_addons_upload", file=_file(work, "addons.json", addons))
    call("handle_custom_runtime_upload",
         _file(work, "meta.json", json.dumps({"identifier": "walk-custom", "component": "Spark",
                                              "display_name": "Walk custom"}).encode()),
         _file(work, "custom.tar.gz", _tarball()))
    call("generate_diag_bundle", {})
    # The bundle's id comes back in a header (as CML's gateway sends it).
    _, _, headers = api.generate_diag_bundle_with_http_info({})
    request_id = headers["Grpc-Metadata-Request-Id"]
    call("get_diag_bundle_status", request_id)
    _advance(url, "1h")  # the bundle is collected in mock time
    call("download_diagnostics_bundle", request_id, _preload_content=False)

    methods = {name for name in dir(api) if not name.startswith("_")
               and callable(getattr(api, name)) and not name.endswith("_with_http_info")
               and name != "api_client"}
    assert len(methods) == 158
    assert sorted(methods - call.called) == []
