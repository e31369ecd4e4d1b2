"""AcceleratorNodeLabel on the wire: int64 fields are strings."""

from __future__ import annotations

from mockcml.kit.siteadmin import int64_text
from mockcml.kit.wire import timestamp
from mockcml.resources.accelerators.tables import NodeLabel


def node_label_wire(label: NodeLabel, current_gpu_count: int = 0) -> dict:
    return {
        "id": int64_text(label.id),
        "label_key": label.label_key,
        "label_value": label.label_value,
        "availability": label.availability,
        "max_gpu_count": int64_text(label.max_gpu_count),
        "current_gpu_count": int64_text(current_gpu_count),
        "max_gpu_per_workload": int64_text(label.max_gpu_per_workload),
        "created_at": timestamp(label.created_at),
        "updated_at": timestamp(label.updated_at),
        "default_quota": int64_text(label.default_quota),
        "resource_group_id": int64_text(label.resource_group_id),
        "cpu": label.cpu,
        "memory": label.memory,
        "gpu_memory": label.gpu_memory,
    }
