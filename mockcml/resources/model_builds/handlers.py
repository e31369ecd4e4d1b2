"""HTTP side of model builds."""

from __future__ import annotations

from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.kit.listing import listed
from mockcml.resources.model_builds import service
from mockcml.resources.model_builds.schemas import build_wire
from mockcml.resources.models.service import get_model


def _model(call: Call):  # noqa: ANN202
    return get_model(call.session, call.project.id, call.path["model_id"])


@operation("ListModelBuilds", project="view")
def list_model_builds(call: Call) -> dict:
    result = service.list_builds(call.session, _model(call), call.query, call.now)
    return listed(result, "model_builds", build_wire, call.now)


@operation("GetModelBuild", project="view")
def get_model_build(call: Call) -> dict:
    # registered_model_version_id (query) is accepted and does not change the answer.
    return build_wire(*service.get_build_row(call.session, _model(call), call.path["build_id"]),
                      call.now)


@operation("CreateModelBuild", project="write", same_ids=("project_id", "model_id"))
def create_model_build(call: Call) -> dict:
    body = call.body or {}
    build = service.create_build(
        call.session, call.user, call.project, _model(call), body, call.now, call.mock.settings,
        auto_deploy=bool(body.get("auto_deploy_model")),
        deployment=body.get("auto_deployment_config") or {},
    )
    return build_wire(build, call.user, call.now)


@operation("DeleteModelBuild", project="write")
def delete_model_build(call: Call) -> dict:
    build = service.get_build(call.session, _model(call), call.path["build_id"])
    service.delete_build(call.session, build, call.now)
    return {}
