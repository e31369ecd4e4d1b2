"""HTTP side of runtimes."""

from __future__ import annotations

from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.resources.docker_credentials.service import get_credential
from mockcml.resources.runtimes import admin, service
from mockcml.resources.runtimes.schemas import runtime_wire


@operation("ListRuntimes")
def list_runtimes(call: Call) -> dict:
    # Any authenticated user may list the workspace's runtimes.
    result = service.list_runtimes(call.session, call.query)
    return {"runtimes": [runtime_wire(row[0]) for row in result.rows],
            "next_page_token": result.next_page_token}


@operation("ValidateCustomRuntime", admin=admin.ADMINS_ONLY)
def validate_custom_runtime(call: Call) -> dict:
    if call.query.get("docker_credential_id"):
        # The image would be pulled with this credential: it must exist.
        get_credential(call.session, call.query["docker_credential_id"])
    return admin.validate(call.session, call.query.get("url") or "")


@operation("RegisterCustomRuntime", admin=admin.ADMINS_ONLY)
def register_custom_runtime(call: Call) -> dict:
    return admin.register(call.session, call.user, (call.body or {}).get("url") or "")


@operation("UpdateRuntimeStatus", admin=admin.ADMINS_ONLY)
def update_runtime_status(call: Call) -> dict:
    return {"rows_affected": admin.set_status(call.session, call.body or {})}


@operation("SetDockerCredential", admin=admin.ADMINS_ONLY)
def set_docker_credential(call: Call) -> dict:
    admin.set_credential(call.session, call.body or {})
    return {}
