"""HTTP side of runtime repos: every operation is site administration."""

from __future__ import annotations

from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.kit.admin import require_site_admin
from mockcml.resources.runtime_repos import service

WHAT = "runtime repo administration"


@operation("ListRuntimeRepos")
def list_runtime_repos(call: Call) -> dict:
    require_site_admin(call.user, WHAT)
    result = service.list_repos(call.session, call.query)
    return {"runtimerepos": [service.wire(row[0]) for row in result.rows],
            "next_page_token": result.next_page_token}


@operation("CreateRuntimeRepo")
def create_runtime_repo(call: Call) -> dict:
    require_site_admin(call.user, WHAT)
    return service.wire(service.create_repo(call.session, call.body or {}, call.now))


@operation("UpdateRuntimeRepo")
def update_runtime_repo(call: Call) -> dict:
    require_site_admin(call.user, WHAT)
    return service.wire(service.update_repo(call.session, call.body or {}))


@operation("DeleteRuntimeRepo")
def delete_runtime_repo(call: Call) -> dict:
    require_site_admin(call.user, WHAT)
    service.delete_repo(call.session, call.path["runtime_repo_id"])
    return {}
