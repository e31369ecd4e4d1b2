"""Accelerator node labels: the list, the two admin maps, GPU profiles on a resource group."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tests.resources.admin_seed import ADMIN, ALICE, check_error, cluster

LABELS = "/api/v2/nodelabels"
CONFIG, DEFAULT = f"{LABELS}/config", f"{LABELS}/default_quota"
PROFILE = f"{LABELS}/2/gpuprofile"


def _labels(client: TestClient, **params: object) -> list[dict]:
    response = client.get(LABELS, headers=ADMIN, params=params)
    assert response.status_code == 200, response.text
    return response.json()["accelerator_node_label"]


def _label(client: TestClient, label_id: str) -> dict:
    return next(x for x in _labels(client, display_all="true") if x["id"] == label_id)


def test_ordinary_keys_list_but_do_not_administer(world: TestClient) -> None:
    cluster(world)
    check_error(world.get(LABELS), 401, 16)
    assert world.get(LABELS, headers=ALICE).status_code == 200
    calls = [
        ("PATCH", CONFIG, {"id_max_gpu_workload": {"10": "1"}}),
        ("PATCH", DEFAULT, {"id_default_quota": {"10": "1"}}),
        ("POST", f"{LABELS}/2", {"gpu_count": "1", "cpu": 4, "memory": 16}),
        ("PATCH", PROFILE, {"id": "10", "cpu": 2}),
    ]
    for method, url, body in calls:
        check_error(world.request(method, url, headers=ALICE, json=body), 403, 7)
    check_error(world.delete(PROFILE, headers=ALICE, params={"id": "10"}), 403, 7)
    assert len(_labels(world, display_all="true")) == 2
    assert _label(world, "10")["max_gpu_per_workload"] == "2"


def test_list_shape_display_all_filters_and_sorts(world: TestClient) -> None:
    cluster(world)
    listed = _labels(world)
    assert [x["id"] for x in listed] == ["10"]  # 11 is not available
    label = listed[0]
    assert label["max_gpu_count"] == "8" and label["resource_group_id"] == "2"
    assert label["current_gpu_count"] == "0" and label["cpu"] == 8.0
    assert [x["id"] for x in _labels(world, display_all="true")] == ["10", "11"]
    found = _labels(world, display_all="true", search_filter=json.dumps({"label_key": "accel"}))
    assert [x["id"] for x in found] == ["11"]
    by_id = _labels(world, display_all="true", search_filter=json.dumps({"id": "1"}))
    assert by_id == []  # ids match exactly: "1" is neither 10 nor 11
    on_group = _labels(world, search_filter=json.dumps({"resource_group_id": 2}))
    assert [x["id"] for x in on_group] == ["10"]
    assert [x["id"] for x in _labels(world, display_all="true", sort="-id")] == ["11", "10"]
    check_error(world.get(LABELS, headers=ADMIN, params={"sort": "cpu"}), 400, 3)
    check_error(world.get(LABELS, headers=ADMIN, params={"display_all": "perhaps"}), 400, 3)


def test_admin_maps_set_limits_all_or_nothing(world: TestClient) -> None:
    cluster(world)
    response = world.patch(CONFIG, headers=ADMIN, json={"id_max_gpu_workload": {"10": "4",
                                                                                 "11": 1}})
    assert response.json() == {"rows_affected": 2}
    assert _label(world, "10")["max_gpu_per_workload"] == "4"
    response = world.patch(DEFAULT, headers=ADMIN, json={"id_default_quota": {"10": "3"}})
    assert response.json() == {"rows_affected": 1}
    assert _label(world, "10")["default_quota"] == "3"
    # An unknown label fails the whole map: label 10 keeps its value.
    check_error(world.patch(CONFIG, headers=ADMIN,
                            json={"id_max_gpu_workload": {"10": "1", "99": "1"}}), 404, 5)
    check_error(world.patch(CONFIG, headers=ADMIN, json={"id_max_gpu_workload": {"10": "9"}}),
                400, 3)  # more than the label's 8 GPUs
    check_error(world.patch(CONFIG, headers=ADMIN, json={"id_max_gpu_workload": {"x": "1"}}),
                400, 3)
    check_error(world.patch(DEFAULT, headers=ADMIN, json={"id_default_quota": {"10": "-1"}}),
                400, 3)
    check_error(world.patch(DEFAULT, headers=ADMIN, json={"id_default_quota": {}}), 400, 3)
    check_error(world.patch(DEFAULT, headers=ADMIN, json={"id_default_quota": {"10": None}}),
                400, 3)
    assert _label(world, "10")["max_gpu_per_workload"] == "4"
    assert _label(world, "10")["default_quota"] == "3"


def test_gpu_profile_create_update_delete(world: TestClient) -> None:
    cluster(world)
    response = world.post(f"{LABELS}/2", headers=ADMIN,
                          json={"resource_group_id": "2", "gpu_count": "2", "cpu": 8,
                                "memory": 60})
    assert response.status_code == 200, response.text
    created = response.json()["accelerator_node_label"]
    assert created["resource_group_id"] == "2" and created["max_gpu_per_workload"] == "2"
    assert created["label_value"] == "Tesla-V100" and created["gpu_memory"] == 16.0
    assert _label(world, created["id"]) == created
    updated = world.patch(PROFILE, headers=ADMIN, json={"id": created["id"], "gpu_count": "4",
                                                        "memory": 120})
    assert updated.json() == {"rows_affected": 1}
    after = _label(world, created["id"])
    assert (after["max_gpu_per_workload"], after["memory"], after["cpu"]) == ("4", 120.0, 8.0)
    deleted = world.delete(PROFILE, headers=ADMIN, params={"id": created["id"]})
    assert deleted.json() == {"rows_affected": 1}
    assert created["id"] not in [x["id"] for x in _labels(world, display_all="true")]
    check_error(world.delete(PROFILE, headers=ADMIN, params={"id": created["id"]}), 404, 5)


def test_gpu_profile_invalid_conflict_and_not_found(world: TestClient) -> None:
    cluster(world)
    ok = {"gpu_count": "1", "cpu": 4, "memory": 16}
    assert world.post(f"{LABELS}/2", headers=ADMIN, json=ok).status_code == 200
    check_error(world.post(f"{LABELS}/2", headers=ADMIN, json=ok), 409, 6)  # same size twice
    for bad in ({"cpu": 4, "memory": 16}, {**ok, "gpu_count": "5"}, {**ok, "cpu": 64},
                {**ok, "memory": 0}, {**ok, "resource_group_id": "1"}, {**ok, "gpu_count": "x"}):
        check_error(world.post(f"{LABELS}/2", headers=ADMIN, json=bad), 400, 3)
    check_error(world.post(f"{LABELS}/1", headers=ADMIN, json=ok), 400, 9)  # no GPUs
    check_error(world.post(f"{LABELS}/99", headers=ADMIN, json=ok), 404, 5)
    check_error(world.post(f"{LABELS}/abc", headers=ADMIN, json=ok), 400, 3)
    check_error(world.patch(PROFILE, headers=ADMIN, json={"cpu": 2}), 400, 3)  # no id
    check_error(world.patch(PROFILE, headers=ADMIN, json={"id": "10", "cpu": 2}), 404, 5)
    check_error(world.delete(PROFILE, headers=ADMIN), 400, 3)
    check_error(world.delete(PROFILE, headers=ADMIN, params={"id": "nope"}), 400, 3)
    check_error(world.delete(f"{LABELS}/99/gpuprofile", headers=ADMIN, params={"id": "1"}),
                404, 5)
    # Only the first profile was made.
    assert len(_labels(world, display_all="true")) == 3
