"""HTTP side of the small operations: runtime add-ons, AMPs and run-as machine users
(the administration ones are in admin_handlers.py)."""

from __future__ import annotations

from mockcml.core.errors import InvalidArgument
from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.kit.sql import Row
from mockcml.kit.wire import attrs, timestamp
from mockcml.resources.misc import addons, machine_users
from mockcml.resources.projects import service as projects
from mockcml.resources.projects.schemas import project_wire


@operation("ListRuntimeAddons")
def list_runtime_addons(call: Call) -> dict:
    # Every signed-in user may list the catalogue (jobs and applications pick from it).
    result = addons.list_addons(call.session, call.query)
    return {
        "runtime_addons": [_addon_wire(row) for row in result.rows],
        "next_page_token": result.next_page_token,
    }


def _addon_wire(addon: Row) -> dict:
    out = attrs(addon, "identifier component display_name status manageable created_at id "
                       "reason")
    out.update(manageable=bool(addon.manageable), created_at=timestamp(addon.created_at))
    return out


@operation("CreateAmp")
def create_amp(call: Call) -> dict:
    """An AMP is a project created from a git repository, then configured.

    The project is created exactly as CreateProject creates one. [inferred] An AMP
    needs ``git_url``; ``template`` is "git" when left out and must be "git" if sent.
    The runtime add-ons named for the configuration must be usable add-ons of the
    catalogue. The AMP's own steps (.project-metadata.yaml: jobs, applications, ...)
    are not run: the repository is never cloned, so the project is created empty and
    its creation_status is "success" at once.
    """
    body = call.body or {}
    request = body.get("create_project_request")
    if not request:
        raise InvalidArgument("create_project_request must be set")
    if not (request.get("git_url") or "").strip():
        raise InvalidArgument("create_project_request.git_url must be set for an AMP")
    template = request.get("template") or "git"
    if template != "git":
        raise InvalidArgument(f"an AMP is created from git, not from template {template!r}")
    configure = body.get("configure_prototype_request") or {}
    for identifier in configure.get("runtime_addon_identifiers") or []:
        if not addons.usable(call.session, identifier):
            raise InvalidArgument(f"runtime add-on {identifier!r} is not available")
    project = projects.create_project(
        call.session, call.user, {**request, "template": template}, call.now)
    return project_wire(*projects.get_project_row(call.session, call.user, project.id))


@operation("ListAllRunAsMachineUserCollaborators", project="view")
def list_machine_users(call: Call) -> dict:
    result = machine_users.list_machine_users(call.session, call.path["project_id"], call.query)
    return {
        "run_as_machine_user_collaborators": [
            {"user_id": user_id, "user_name": user_name} for user_id, user_name in result.rows
        ],
        "next_page_token": result.next_page_token,
    }
