"""ListAllResourceGroups and UpdateResourceGroup: operator filters, sorts, the allow flags."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tests.resources.admin_seed import ADMIN, ALICE, check_error, cluster

LIST, UPDATE = "/api/v2/resourcegroups", "/api/v2/resourcegroup"


def _names(response) -> list[str]:  # noqa: ANN001
    assert response.status_code == 200, response.text
    return [group["name"] for group in response.json()["resource_group"]]


def test_unauthenticated_and_ordinary_keys(world: TestClient) -> None:
    cluster(world)
    check_error(world.get(LIST), 401, 16)
    check_error(world.patch(UPDATE, json={"id": 1, "allow_jobs": False}), 401, 16)
    # Any user may list the groups; only a site administrator may change one.
    assert _names(world.get(LIST, headers=ALICE)) == ["cpu-pool", "gpu-pool"]
    check_error(world.patch(UPDATE, headers=ALICE, json={"id": 1, "allow_jobs": False}), 403, 7)
    assert world.get(LIST, headers=ALICE).json()["resource_group"][0]["allow_jobs"] is True


def test_list_shape_filters_sorts_and_pages(world: TestClient) -> None:
    cluster(world)
    groups = world.get(LIST, headers=ADMIN).json()["resource_group"]
    gpu = groups[1]
    assert gpu["id"] == 2 and gpu["gpu_count"] == "4" and gpu["gpumemory_in_gib"] == "16"
    assert gpu["cpu_count"] == 32 and gpu["allow_jobs"] is False
    assert groups[0]["gpu_count"] == "0"  # a CPU-only group has no GPUs (null, written 0)

    def find(flt: dict) -> list[str]:
        return _names(world.get(LIST, headers=ADMIN, params={"search_filter": json.dumps(flt)}))

    assert find({"gpu_count": "gt:0"}) == ["gpu-pool"]
    assert find({"gpu_count": "isnull:true"}) == ["cpu-pool"]
    assert find({"gpu_count": "isnull:false"}) == ["gpu-pool"]
    assert find({"allow_jobs": "eq:true"}) == ["cpu-pool"]
    assert find({"allow_jobs": "false"}) == ["gpu-pool"]
    # Every other field of ResourceGroup filters too (substring of its column).
    assert find({"name": "gpu"}) == ["gpu-pool"]
    assert find({"cpu_count": "32"}) == ["gpu-pool"]
    assert _names(world.get(LIST, headers=ADMIN, params={"sort": "-name"})) == [
        "gpu-pool", "cpu-pool"]
    first = world.get(LIST, headers=ADMIN, params={"page_size": 1}).json()
    assert [g["name"] for g in first["resource_group"]] == ["cpu-pool"]
    second = world.get(LIST, headers=ADMIN, params={
        "page_size": 1, "page_token": first["next_page_token"]}).json()
    assert [g["name"] for g in second["resource_group"]] == ["gpu-pool"]
    assert second["next_page_token"] == ""


def test_list_rejects_bad_filters(world: TestClient) -> None:
    cluster(world)
    for flt in ({"gpu_count": "between:1"}, {"gpu_count": "gt:many"}, {"allow_jobs": "maybe"},
                {"no_such_field": "cpu"}, {"gpu_count": "gt:" + "9" * 30}, {"gpu_count": "eq:1.5"}):
        check_error(world.get(LIST, headers=ADMIN, params={"search_filter": json.dumps(flt)}),
                    400, 3)
    check_error(world.get(LIST, headers=ADMIN, params={"sort": "cpu_count"}), 400, 3)


def test_update_changes_only_the_flags_sent(world: TestClient) -> None:
    cluster(world)
    response = world.patch(UPDATE, headers=ADMIN, json={"id": 2, "allow_jobs": True,
                                                        "allow_models": False})
    assert response.status_code == 200, response.text
    group = response.json()
    assert (group["allow_jobs"], group["allow_models"], group["allow_sessions"]) == (
        True, False, True)
    listed = world.get(LIST, headers=ADMIN).json()["resource_group"][1]
    assert listed == group


def test_update_invalid_and_not_found(world: TestClient) -> None:
    cluster(world)
    check_error(world.patch(UPDATE, headers=ADMIN, json={"allow_jobs": False}), 400, 3)
    check_error(world.patch(UPDATE, headers=ADMIN, json={"id": 1, "allow_jobs": "no"}), 400, 3)
    check_error(world.patch(UPDATE, headers=ADMIN, json={"id": 99, "allow_jobs": False}), 404, 5)
    assert world.get(LIST, headers=ADMIN).json()["resource_group"][0]["allow_jobs"] is True
