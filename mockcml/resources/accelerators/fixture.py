"""The ``accelerator_node_labels`` section: labels the cluster's GPU nodes carry (the
cluster owns them; the API only tunes their limits), optionally a GPU profile of a
resource group (CreateAcceleratorNodeLabelGpuProfile's rows)."""

from __future__ import annotations

from typing import Any

from mockcml.fixtures import kinds as k
from mockcml.fixtures.sections import Refs, Section, Seeding
from mockcml.kit.sql import table_of
from mockcml.resources.accelerators.tables import NodeLabel

NODE_LABEL = k.Record("AcceleratorNodeLabel", "A node label of GPU nodes and its limits.", (
    k.Field("id", k.Integer(minimum=1), "Label id, unique (quotas name it).", required=True),
    k.Field("label_key", k.Text(nonempty=True), "Label key, e.g. nvidia.com/gpu.product.",
            required=True),
    k.Field("label_value", k.Text(), "Label value, e.g. Tesla-V100."),
    k.Field("availability", k.Boolean(), "Whether workloads may ask for it.", default=True),
    k.Field("max_gpu_count", k.Integer(minimum=0), "GPUs of this label in the cluster.",
            default=0),
    k.Field("max_gpu_per_workload", k.Integer(minimum=0), "Most GPUs one workload may ask.",
            default=0),
    k.Field("default_quota", k.Integer(minimum=0), "Default GPU quota per user.", default=0),
    k.Field("resource_group_id", k.Integer(minimum=0), "Its resource group (0: none).",
            default=0),
    k.Field("cpu", k.Number(), "vCPU that comes with it.", default=0),
    k.Field("memory", k.Number(), "Memory (GB) that comes with it.", default=0),
    k.Field("gpu_memory", k.Number(), "Memory per GPU (GB).", default=0),
    k.Field("profile_gpu_count", k.Integer(minimum=1),
            "Makes it a GPU profile of its resource group with this many GPUs."),
), key=("id",))


def _refs(entries: list[dict[str, Any]], refs: Refs):  # noqa: ANN202
    groups = {g["id"] for g in refs.sections.get("resource_groups", ())}
    profiles: dict[tuple[int, int], dict] = {}
    for entry in entries:
        group = entry.get("resource_group_id", 0)
        if group and group not in groups:
            yield entry, "resource_group_id", f"no resource group {group}"
        if entry.get("max_gpu_per_workload", 0) > entry.get("max_gpu_count", 0) > 0:
            yield entry, "max_gpu_per_workload", "must be at most max_gpu_count"
        count = entry.get("profile_gpu_count")
        if count is not None:
            if not group:
                yield entry, "profile_gpu_count", "a GPU profile needs a resource_group_id"
            elif (group, count) in profiles:
                yield entry, "profile_gpu_count", (f"resource group {group} already has a "
                                                   f"{count}-GPU profile")
            profiles[(group, count)] = entry


def _seed(entries: list[dict[str, Any]], seeding: Seeding) -> None:
    columns = set(table_of(NodeLabel).columns.keys())
    # In the database before the quotas, seeded next, name these labels.
    seeding.insert(NodeLabel, [{**{n: v for n, v in entry.items() if n in columns},
                                "created_at": seeding.now, "updated_at": seeding.now}
                               for entry in entries])


SECTION = Section("accelerator_node_labels", NODE_LABEL, "Accelerator (GPU) node labels.",
                  "accelerator node label", refs=_refs, seed=_seed)
