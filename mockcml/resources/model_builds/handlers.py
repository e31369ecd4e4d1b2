"""HTTP side of model builds."""

from __future__ import annotations

from mockcml.core.errors import InvalidArgument
from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.resources.model_builds import service
from mockcml.resources.model_builds.schemas import build_wire
from mockcml.resources.models.service import get_model
from mockcml.resources.projects.access import require


def model_of(call: Call, capability: str):  # noqa: ANN201
    """The path's project (with the caller's capability checked) and model."""
    project, _ = require(call.session, call.user, call.path["project_id"], capability)
    return project, get_model(call.session, project.id, call.path["model_id"])


def check_body_ids(call: Call, fields: tuple[str, ...]) -> None:
    """The body may repeat the ids of the path (cmlapi sends them); they must agree."""
    body = call.body or {}
    for field in fields:
        if body.get(field) and body[field] != call.path[field]:
            raise InvalidArgument(f"{field} in the body does not match the path")


@operation("ListModelBuilds")
def list_model_builds(call: Call) -> dict:
    _, model = model_of(call, "view")
    now = call.now
    result = service.list_builds(call.session, model, call.query, now)
    return {"model_builds": [build_wire(build, creator, now) for build, creator in result.rows],
            "next_page_token": result.next_page_token}


@operation("GetModelBuild")
def get_model_build(call: Call) -> dict:
    # registered_model_version_id (query) is accepted and does not change the answer.
    _, model = model_of(call, "view")
    return build_wire(*service.get_build_row(call.session, model, call.path["build_id"]),
                      call.now)


@operation("CreateModelBuild")
def create_model_build(call: Call) -> dict:
    project, model = model_of(call, "write")
    check_body_ids(call, ("project_id", "model_id"))
    body = call.body or {}
    build = service.create_build(
        call.session, call.user, project, model, body, call.now, call.mock.settings,
        auto_deploy=bool(body.get("auto_deploy_model")),
        deployment=body.get("auto_deployment_config") or {},
    )
    return build_wire(build, call.user, call.now)


@operation("DeleteModelBuild")
def delete_model_build(call: Call) -> dict:
    _, model = model_of(call, "write")
    build = service.get_build(call.session, model, call.path["build_id"])
    service.delete_build(call.session, build, call.now)
    return {}
