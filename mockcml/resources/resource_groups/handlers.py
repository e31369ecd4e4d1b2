"""HTTP side of resource groups."""

from __future__ import annotations

from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.kit.siteadmin import require_site_admin
from mockcml.resources.resource_groups import service
from mockcml.resources.resource_groups.schemas import resource_group_wire


@operation("ListAllResourceGroups")
def list_all_resource_groups(call: Call) -> dict:
    # Every signed-in user may list them: workloads pick a resource group when created.
    result = service.list_resource_groups(call.session, call.query)
    return {"resource_group": [resource_group_wire(row[0]) for row in result.rows],
            "next_page_token": result.next_page_token}


@operation("UpdateResourceGroup")
def update_resource_group(call: Call) -> dict:
    require_site_admin(call.user, "changing a resource group")
    return resource_group_wire(service.update_resource_group(call.session, call.body or {},
                                                             call.now))
