"""ResourceGroup as it appears on the wire (int64 counts as strings, int32 as numbers)."""

from __future__ import annotations

from mockcml.kit.siteadmin import int64_text
from mockcml.kit.wire import timestamp
from mockcml.resources.resource_groups.tables import ResourceGroup


def resource_group_wire(group: ResourceGroup) -> dict:
    return {
        "id": group.id,
        "name": group.name,
        "instance_group_name": group.instance_group_name,
        "instance_type": group.instance_type,
        "cpu_count": group.cpu_count,
        "gpu_count": int64_text(group.gpu_count),
        "memory_in_gib": group.memory_in_gib,
        "gpumemory_in_gib": int64_text(group.gpumemory_in_gib),
        "gpu_model": group.gpu_model,
        "gpu_type": group.gpu_type,
        "allow_jobs": group.allow_jobs,
        "allow_sessions": group.allow_sessions,
        "allow_models": group.allow_models,
        "allow_applications": group.allow_applications,
        "autoscale_min": group.autoscale_min,
        "autoscale_max": group.autoscale_max,
        "rg_updated_at": timestamp(group.rg_updated_at),
    }
