"""HTTP side of docker credentials: every operation is site administration."""

from __future__ import annotations

from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.kit.admin import require_site_admin
from mockcml.resources.docker_credentials import service

WHAT = "docker credential administration"


@operation("ListDockerCredentials")
def list_docker_credentials(call: Call) -> dict:
    require_site_admin(call.user, WHAT)
    result = service.list_credentials(call.session, call.query)
    return {"docker_credentials": [service.wire(row[0]) for row in result.rows],
            "next_page_token": result.next_page_token}


@operation("CreateDockerCredential")
def create_docker_credential(call: Call) -> dict:
    require_site_admin(call.user, WHAT)
    return service.wire(service.create_credential(call.session, call.body or {}, call.now))


@operation("UpdateDockerCredential")
def update_docker_credential(call: Call) -> dict:
    require_site_admin(call.user, WHAT)
    return service.wire(service.update_credential(call.session, call.body or {}, call.now))


@operation("DeleteDockerCredential")
def delete_docker_credential(call: Call) -> dict:
    require_site_admin(call.user, WHAT)
    service.delete_credential(call.session, call.path["docker_credential_id"])
    return {}
