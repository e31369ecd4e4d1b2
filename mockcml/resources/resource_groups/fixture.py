"""The ``resource_groups`` section: the cluster's resource groups (instance groups), which
the mock cannot create through the API (the cluster owns them), so fixtures declare them."""

from __future__ import annotations

from typing import Any

from mockcml.fixtures import kinds as k
from mockcml.fixtures.sections import Section
from mockcml.kit.sql import table_of
from mockcml.resources.resource_groups.service import ALLOW_FLAGS
from mockcml.resources.resource_groups.tables import ResourceGroup

RESOURCE_GROUP = k.Record("ResourceGroup", "A resource group of the cluster: its instances, "
                          "GPUs and which workloads it allows.", (
    k.Field("id", k.Integer(minimum=1), "Resource group id (int32), unique.", required=True),
    k.Field("name", k.Text(nonempty=True), "Name.", required=True),
    k.Field("instance_group_name", k.Text(), "Instance group."),
    k.Field("instance_type", k.Text(), "Instance type, e.g. m5.2xlarge."),
    k.Field("cpu_count", k.Integer(minimum=0), "vCPU per instance.", default=0),
    k.Field("memory_in_gib", k.Integer(minimum=0), "Memory per instance.", default=0),
    k.Field("gpu_count", k.Integer(minimum=0), "GPUs per instance; none for a CPU group."),
    k.Field("gpumemory_in_gib", k.Integer(minimum=0), "Memory per GPU."),
    k.Field("gpu_model", k.Text(), "GPU model, e.g. Tesla-V100."),
    k.Field("gpu_type", k.Text(), "GPU vendor, e.g. nvidia."),
    *(k.Field(flag, k.Boolean(), f"Whether {flag[6:]} may run here.", default=True)
      for flag in ALLOW_FLAGS),
    k.Field("autoscale_min", k.Integer(minimum=0), "Fewest instances.", default=0),
    k.Field("autoscale_max", k.Integer(minimum=0), "Most instances.", default=0),
), key=("id",))


def _check(entries: list[dict[str, Any]]):  # noqa: ANN202
    for entry in entries:
        if entry.get("autoscale_max", 0) < entry.get("autoscale_min", 0):
            yield entry, "autoscale_max", "must be at least autoscale_min"


def _rows(entries: list[dict[str, Any]]):  # noqa: ANN202
    columns = set(table_of(ResourceGroup).columns.keys())
    for entry in entries:
        yield table_of(ResourceGroup), {n: v for n, v in entry.items() if n in columns}


SECTION = Section("resource_groups", RESOURCE_GROUP, "Resource groups of the cluster.",
                  "resource group", rows=_rows, check=_check)
