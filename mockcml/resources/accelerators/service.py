"""Node label rules: listing, the two admin maps (GPUs per workload, default quota) and
GPU profiles on a resource group.

[inferred] The reference gives the shapes only. Here:
* ``display_all`` false (the default) lists the available labels, true lists all of them;
  ``id`` and ``resource_group_id`` filter by exact id, ``label_key`` by substring.
* The admin maps are keyed by label id; an unknown id fails the whole request (404) and a
  negative value or a GPUs-per-workload above the label's GPUs is INVALID_ARGUMENT, so
  nothing is half-applied. ``rows_affected`` counts the labels named.
* A GPU profile needs a resource group with GPUs; its gpu_count, cpu and memory must fit
  one node of the group, and a group has one profile per gpu_count (409 otherwise). The
  profile's label is the group's GPU model under ``nvidia.com/gpu.product``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from mockcml.core.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from mockcml.kit.listing import Listing, Page, page, substring
from mockcml.kit.siteadmin import int64_param, required_int64
from mockcml.resources.accelerators.tables import NodeLabel
from mockcml.resources.resource_groups.service import exact_id, get_resource_group

GPU_PRODUCT_LABEL = "nvidia.com/gpu.product"

NODE_LABEL_LISTING = Listing(
    filters={
        "id": exact_id(col(NodeLabel.id)),
        "label_key": substring(col(NodeLabel.label_key)),
        "resource_group_id": exact_id(col(NodeLabel.resource_group_id)),
    },
    sorts={"id": col(NodeLabel.id), "label_key": col(NodeLabel.label_key)},
    tiebreak=col(NodeLabel.id),
    # Every other stored field filters on its column; current_gpu_count is derived when
    # answering (GPUs in use), so filtering on it is a 400 "cannot filter".
    model="AcceleratorNodeLabel",
)


def list_node_labels(session: Session, params: dict[str, Any]) -> Page:
    query = select(NodeLabel)
    if not params.get("display_all"):
        query = query.where(col(NodeLabel.availability).is_(True))
    return page(session, query, NODE_LABEL_LISTING, params)


def get_node_label(session: Session, label_id: int) -> NodeLabel:
    label = session.get(NodeLabel, label_id)
    if label is None:
        raise NotFound(f"accelerator node label {label_id} not found")
    return label


def _id_map(session: Session, values: Any, name: str) -> list[tuple[NodeLabel, int]]:
    """(label, value) pairs of a map keyed by label id, every id and value checked first."""
    if not isinstance(values, dict) or not values:
        raise InvalidArgument(f"{name} must name at least one node label")
    pairs = []
    for raw_id, value in values.items():
        label_id = int64_param(raw_id, f"{name} key")
        # A null map value decodes to None ("not set"): a map entry needs a value.
        if value is None or value < 0:
            raise InvalidArgument(f"{name}[{raw_id}] must be a number of at least 0")
        pairs.append((label_id, value))
    return [(get_node_label(session, label_id), value) for label_id, value in pairs]


def set_max_gpu_per_workload(session: Session, body: dict[str, Any], now: float) -> int:
    labels = _id_map(session, body.get("id_max_gpu_workload"), "id_max_gpu_workload")
    for label, value in labels:
        if label.max_gpu_count and value > label.max_gpu_count:
            raise InvalidArgument(
                f"id_max_gpu_workload[{label.id}]: {value} is more than the label's "
                f"{label.max_gpu_count} GPUs")
    for label, value in labels:
        label.max_gpu_per_workload, label.updated_at = value, now
    return len(labels)


def set_default_quota(session: Session, body: dict[str, Any], now: float) -> int:
    labels = _id_map(session, body.get("id_default_quota"), "id_default_quota")
    for label, value in labels:
        label.default_quota, label.updated_at = value, now
    return len(labels)


def _check_body_group(body: dict[str, Any], group_id: int) -> None:
    sent = body.get("resource_group_id")
    if sent not in (None, 0) and sent != group_id:
        raise InvalidArgument("resource_group_id in the body does not match the path")


def _check_fit(group: Any, gpu_count: int, cpu: float, memory: float) -> int:
    """The group's GPU count, once the profile is known to fit it."""
    if not group.gpu_count:
        raise FailedPrecondition(f"resource group {group.id} has no GPUs")
    if not 1 <= gpu_count <= group.gpu_count:
        raise InvalidArgument(f"gpu_count must be between 1 and {group.gpu_count}")
    if not 0 < cpu <= (group.cpu_count or cpu):
        raise InvalidArgument(f"cpu must be more than 0 and at most {group.cpu_count}")
    if not 0 < memory <= (group.memory_in_gib or memory):
        raise InvalidArgument(f"memory must be more than 0 and at most {group.memory_in_gib}")
    return group.gpu_count


def _profile_clash(session: Session, group_id: int, gpu_count: int, but: int | None) -> None:
    query = select(col(NodeLabel.id)).where(col(NodeLabel.resource_group_id) == group_id,
                                       col(NodeLabel.profile_gpu_count) == gpu_count)
    found = session.execute(query).scalar_one_or_none()
    if found is not None and found != but:
        raise AlreadyExists(
            f"resource group {group_id} already has a GPU profile of {gpu_count} GPUs")


def create_gpu_profile(session: Session, group_id: int, body: dict[str, Any],
                       now: float) -> NodeLabel:
    _check_body_group(body, group_id)
    group = get_resource_group(session, group_id)
    gpu_count = required_int64(body.get("gpu_count"), "gpu_count")
    cpu, memory = body.get("cpu", 0.0), body.get("memory", 0.0)
    capacity = _check_fit(group, gpu_count, cpu, memory)
    _profile_clash(session, group_id, gpu_count, None)
    label = NodeLabel(
        label_key=GPU_PRODUCT_LABEL, label_value=group.gpu_model or group.gpu_type,
        max_gpu_count=capacity, max_gpu_per_workload=gpu_count,
        resource_group_id=group_id, cpu=cpu, memory=memory,
        gpu_memory=float(group.gpumemory_in_gib or 0), profile_gpu_count=gpu_count,
        created_at=now, updated_at=now,
    )
    session.add(label)
    session.flush()
    return label


def _profile(session: Session, group_id: int, raw_id: Any) -> NodeLabel:
    label_id = required_int64(raw_id, "id")
    get_resource_group(session, group_id)
    label = session.get(NodeLabel, label_id)
    if label is None or label.resource_group_id != group_id or label.profile_gpu_count is None:
        raise NotFound(f"GPU profile {label_id} of resource group {group_id} not found")
    return label


def update_gpu_profile(session: Session, group_id: int, body: dict[str, Any], now: float) -> int:
    """Change the gpu_count, cpu and memory that are sent; the rest keep their value."""
    _check_body_group(body, group_id)
    label = _profile(session, group_id, body.get("id"))
    group = get_resource_group(session, group_id)
    gpu_count: int = body.get("gpu_count") or label.profile_gpu_count or 0  # _profile: never None
    cpu, memory = body.get("cpu") or label.cpu, body.get("memory") or label.memory
    _check_fit(group, gpu_count, cpu, memory)
    _profile_clash(session, group_id, gpu_count, label.id)
    label.profile_gpu_count = label.max_gpu_per_workload = gpu_count
    label.cpu, label.memory, label.updated_at = cpu, memory, now
    return 1


def delete_gpu_profile(session: Session, group_id: int, raw_id: Any) -> int:
    label = _profile(session, group_id, raw_id)
    session.delete(label)
    return 1
