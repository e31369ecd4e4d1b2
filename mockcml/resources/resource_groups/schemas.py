"""ResourceGroup as it appears on the wire (int64 counts as strings, int32 as numbers)."""

from __future__ import annotations

from mockcml.kit.siteadmin import int64_text
from mockcml.kit.wire import attrs, timestamp
from mockcml.resources.resource_groups.tables import ResourceGroup


def resource_group_wire(group: ResourceGroup) -> dict:
    out = attrs(group, "id name instance_group_name instance_type cpu_count gpu_count "
                       "memory_in_gib gpumemory_in_gib gpu_model gpu_type allow_jobs "
                       "allow_sessions allow_models allow_applications autoscale_min "
                       "autoscale_max rg_updated_at")
    out.update(gpu_count=int64_text(group.gpu_count),
               gpumemory_in_gib=int64_text(group.gpumemory_in_gib),
               rg_updated_at=timestamp(group.rg_updated_at))
    return out
