"""The cmlapi SDK against the admin surface of issue 13 (teams, quotas, node labels,
resource groups): every method called as a client would, over real HTTP, with the admin
key and valid arguments, answers without an ApiException and with populated data."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from mockcml.app import create_app
from mockcml.resources.users.service import add_key, create_user
from mockcml.settings import Settings
from tests.helpers import ADMIN_KEY, free_port
from tests.resources.admin_seed import cluster, directory, user_id
from tests.sdk import import_committed_sdk

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, TestClient]]:
    """A uvicorn server on a thread, so that the test can seed the app's database."""
    app = create_app(Settings(time_scale=0))
    port = free_port()
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert uv.started, "uvicorn did not start"
    seeder = TestClient(app)  # only its .app is used, for the database
    with app.state.mock.db.transaction() as session:
        for name in ("alice", "bob"):
            add_key(session, create_user(session, name), f"{name}-key")
    cluster(seeder)
    directory(seeder, "ds", "alice", "bob")
    directory(seeder, "ml", "bob")
    try:
        yield f"http://127.0.0.1:{port}", seeder
    finally:
        uv.should_exit = True
        thread.join(timeout=10)


def _data(answer: Any) -> dict:
    data = answer.to_dict() if hasattr(answer, "to_dict") else answer
    assert isinstance(data, dict)
    return data


def test_every_admin_method_answers_with_data(server: tuple[str, TestClient]) -> None:
    url, seeder = server
    cmlapi: ModuleType = import_committed_sdk()
    api = cmlapi.default_client(url, ADMIN_KEY)
    alice = str(user_id(seeder, "alice"))

    team = _data(api.create_synced_team(cmlapi.CreateSyncedTeamRequest(
        username="datasci", group_permissions=[cmlapi.GroupPermission(cn="ds",
                                                                      permission="write")])))
    assert team["ldap_synced"] and len(team["team_members"]) == 2
    plain = _data(api.create_team(cmlapi.CreateTeamRequest(username="plain", bio="x")))
    assert plain["username"] == "plain"
    members = _data(api.list_synced_team_members("datasci"))["members"]
    assert {m["user"]["username"] for m in members} == {"alice", "bob"}
    assert _data(api.update_member_permission_for_synced_team(
        cmlapi.UpdateMemberPermissionForSyncedTeamRequest(permission="admin"),
        "datasci", alice)) == {}
    assert _data(api.add_group_to_synced_team(
        cmlapi.AddGroupToSyncedTeamRequest(group_permission=cmlapi.GroupPermission(
            cn="ml", permission="read")), "datasci")) == {}
    groups = _data(api.list_synced_team_groups("datasci"))["groups"]
    ml = next(g for g in groups if g["cn"] == "ml")
    assert _data(api.update_group_permission_for_synced_team(
        cmlapi.UpdateGroupPermissionForSyncedTeamRequest(permission="admin"), "datasci",
        ml["id"])) == {}
    assert _data(api.remove_group_from_synced_team("datasci", ml["id"])) == {}
    for method in (api.latest_sync_status, api.teams_sync_status, api.users_sync_status):
        assert _data(method())["status"] == "succeeded"
    assert _data(api.delete_team("plain")) == {}

    assert _data(api.set_default_quota(cmlapi.SetDefaultQuotaRequest(
        quota=cmlapi.DefaultQuotaInfo(requests_cpu="4", requests_memory="16",
                                      requests_gpu="1"))))["success"]
    assert _data(api.set_team_default_quota(cmlapi.SetTeamDefaultQuotaRequest(
        quota=cmlapi.DefaultQuotaInfo(requests_cpu="40"))))["success"]
    assert len(_data(api.get_default_quotas())["request_quotas"]) == 2
    assert _data(api.get_default_quota())["quota"]["requests_cpu"] == "4"
    assert _data(api.list_users_quota(page_size=100))["total_count"] == "3"
    assert _data(api.list_groups_quota())["group_quota"][0]["group"]["user_name"] == "datasci"
    assert _data(api.update_accelerator_based_user_quota(
        cmlapi.UpdateAcceleratorBasedUserQuotaRequest(accelerator_based_user_quota=[
            cmlapi.AcceleratorBasedUserQuota(user_id=alice, accelerator_id="10",
                                             gpu_quota="2")])))["rows_affected"] == 1
    assert _data(api.update_accelerator_based_team_quota(
        cmlapi.UpdateAcceleratorBasedTeamQuotaRequest(accelerator_based_team_quota=[
            cmlapi.AcceleratorBasedTeamQuota(team_id=team["id"], accelerator_id="10",
                                             gpu_quota="4")])))["rows_affected"] == 1
    assert _data(api.list_accelerator_based_user_quota())["accelerator_based_user_quota"]
    assert _data(api.list_accelerator_based_team_quota())["accelerator_based_team_quota"]
    assert _data(api.list_users_accelerator_quota())["user_accelerator_quota"]
    assert _data(api.list_teams_accelerator_quota())["team_accelerator_quota"]

    assert _data(api.list_all_resource_groups())["resource_group"]
    group = _data(api.update_resource_group(cmlapi.ResourceGroupUpdateFields(
        id=2, allow_jobs=True)))
    assert group["allow_jobs"] is True
    assert _data(api.list_all_accelerator_node_labels())["accelerator_node_label"]
    assert _data(api.update_accelerator_labels_admin_config(
        cmlapi.UpdateNodeLabelAdminConfigRequest(id_max_gpu_workload={"10": "4"})))[
        "rows_affected"] == 1
    assert _data(api.update_accelerator_labels_default_quota(
        cmlapi.UpdateNodeLabelDefaultQuotaRequest(id_default_quota={"10": "1"})))[
        "rows_affected"] == 1
    profile = _data(api.create_accelerator_node_label_gpu_profile(
        cmlapi.CreateNodelLabelGpuProfileRequest(gpu_count="2", cpu=8, memory=60), "2"))
    label_id = profile["accelerator_node_label"]["id"]
    assert _data(api.update_accelerator_node_label_gpu_profile(
        cmlapi.UpdateNodelLabelGpuProfileRequest(id=label_id, cpu=4), "2"))[
        "rows_affected"] == 1
    assert _data(api.delete_accelerator_node_label_gpu_profile("2", id=label_id))[
        "rows_affected"] == 1
