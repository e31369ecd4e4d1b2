"""Seeding for the site-administration tests: what the cluster and the identity provider
would hold (resource groups, node labels, directory groups), written straight to tables."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from mockcml.resources.accelerators.tables import NodeLabel
from mockcml.resources.resource_groups.tables import ResourceGroup
from mockcml.resources.teams.tables import DirectoryMember
from mockcml.resources.users.tables import User
from tests.helpers import ADMIN_KEY, auth

ADMIN = auth(ADMIN_KEY)
ALICE = auth("alice-key")


def seed(client: TestClient, *rows: Any) -> None:
    with client.app.state.mock.db.transaction() as session:
        for row in rows:
            session.add(row)


def user_id(client: TestClient, username: str) -> int:
    with client.app.state.mock.db.transaction() as session:
        return session.execute(select(User.id).where(User.username == username)).scalar_one()


def cluster(client: TestClient) -> None:
    """A CPU group (1), a GPU group (2) and two node labels on the GPU group (10, 11)."""
    seed(client,
         ResourceGroup(id=1, name="cpu-pool", instance_group_name="ig-cpu",
                       instance_type="m5.2xlarge", cpu_count=8, memory_in_gib=32,
                       autoscale_min=1, autoscale_max=5),
         ResourceGroup(id=2, name="gpu-pool", instance_group_name="ig-gpu",
                       instance_type="p3.8xlarge", cpu_count=32, memory_in_gib=244,
                       gpu_count=4, gpumemory_in_gib=16, gpu_model="Tesla-V100",
                       gpu_type="nvidia", autoscale_min=0, autoscale_max=2, allow_jobs=False))
    seed(client,
         NodeLabel(id=10, label_key="nvidia.com/gpu.product", label_value="Tesla-V100",
                   max_gpu_count=8, max_gpu_per_workload=2, default_quota=1,
                   resource_group_id=2, cpu=8, memory=61, gpu_memory=16),
         NodeLabel(id=11, label_key="accelerator", label_value="a100", availability=False,
                   max_gpu_count=4, resource_group_id=2))


def directory(client: TestClient, cn: str, *usernames: str) -> None:
    seed(client, *(DirectoryMember(cn=cn, user_id=user_id(client, name)) for name in usernames))


def check_error(response: Any, status: int, code: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code and set(body) == {"error", "code", "message", "details"}, body
    return body
