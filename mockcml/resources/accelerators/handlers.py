"""HTTP side of accelerator node labels and GPU profiles."""

from __future__ import annotations

from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.kit.siteadmin import int64_param, require_site_admin
from mockcml.resources.accelerators import service
from mockcml.resources.accelerators.schemas import node_label_wire
from mockcml.resources.quotas.usage import gpus_in_use_by_label

WHAT = "accelerator node label administration"


@operation("ListAllAcceleratorNodeLabels")
def list_all_accelerator_node_labels(call: Call) -> dict:
    # Every signed-in user may list them: workloads pick an accelerator label.
    result = service.list_node_labels(call.session, call.query)
    in_use = gpus_in_use_by_label(call.session, call.now)
    return {
        "accelerator_node_label": [node_label_wire(row[0], in_use.get(row[0].id, 0))
                                   for row in result.rows],
        "next_page_token": result.next_page_token,
    }


@operation("UpdateAcceleratorLabelsAdminConfig")
def update_accelerator_labels_admin_config(call: Call) -> dict:
    require_site_admin(call.user, WHAT)
    return {"rows_affected": service.set_max_gpu_per_workload(call.session, call.body or {},
                                                              call.now)}


@operation("UpdateAcceleratorLabelsDefaultQuota")
def update_accelerator_labels_default_quota(call: Call) -> dict:
    require_site_admin(call.user, WHAT)
    return {"rows_affected": service.set_default_quota(call.session, call.body or {}, call.now)}


def _group_id(call: Call) -> int:
    return int64_param(call.path["resource_group_id"], "resource_group_id")


@operation("CreateAcceleratorNodeLabelGpuProfile")
def create_accelerator_node_label_gpu_profile(call: Call) -> dict:
    group_id = _group_id(call)  # a malformed path is a 400 before any permission check
    require_site_admin(call.user, WHAT)
    label = service.create_gpu_profile(call.session, group_id, call.body or {}, call.now)
    return {"accelerator_node_label": node_label_wire(label)}


@operation("UpdateAcceleratorNodeLabelGpuProfile")
def update_accelerator_node_label_gpu_profile(call: Call) -> dict:
    group_id = _group_id(call)
    require_site_admin(call.user, WHAT)
    return {"rows_affected": service.update_gpu_profile(call.session, group_id,
                                                        call.body or {}, call.now)}


@operation("DeleteAcceleratorNodeLabelGpuProfile")
def delete_accelerator_node_label_gpu_profile(call: Call) -> dict:
    group_id = _group_id(call)
    raw_id = call.query.get("id")
    label_id = None if raw_id in (None, "") else int64_param(raw_id, "id")
    require_site_admin(call.user, WHAT)
    return {"rows_affected": service.delete_gpu_profile(call.session, group_id, label_id)}
