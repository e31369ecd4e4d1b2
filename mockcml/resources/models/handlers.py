"""HTTP side of models."""

from __future__ import annotations

from mockcml.core.errors import InvalidArgument
from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.resources.models import service
from mockcml.resources.models.schemas import model_wire
from mockcml.resources.projects.access import require
from mockcml.resources.projects.service import viewable_projects


def _page(result) -> dict:  # noqa: ANN001
    return {"models": [model_wire(*row) for row in result.rows],
            "next_page_token": result.next_page_token}


@operation("ListModels")
def list_models(call: Call) -> dict:
    project, _ = require(call.session, call.user, call.path["project_id"], "view")
    return _page(service.list_models(call.session, project.id, call.query))


@operation("ListAllModels")
def list_all_models(call: Call) -> dict:
    # Every model in a project the caller can see, each with its project filled in.
    return _page(service.list_all_models(call.session, viewable_projects(call.user), call.query))


@operation("GetModel")
def get_model(call: Call) -> dict:
    project, _ = require(call.session, call.user, call.path["project_id"], "view")
    return model_wire(*service.get_model_row(call.session, project.id, call.path["model_id"]))


@operation("CreateModel")
def create_model(call: Call) -> dict:
    project, _ = require(call.session, call.user, call.path["project_id"], "write")
    body = call.body or {}
    # The body may repeat the project id of the path (cmlapi sends it); they must agree.
    if body.get("project_id") and body["project_id"] != project.id:
        raise InvalidArgument("project_id in the body does not match the path")
    model = service.create_model(call.session, call.user, project, body, call.now,
                                 call.mock.settings)
    return model_wire(model, call.user)


@operation("UpdateModel")
def update_model(call: Call) -> dict:
    project, _ = require(call.session, call.user, call.path["project_id"], "write")
    model = service.get_model(call.session, project.id, call.path["model_id"])
    service.update_model(call.session, model, call.body or {}, call.now)
    call.session.flush()
    return model_wire(*service.get_model_row(call.session, project.id, model.id))


@operation("DeleteModel")
def delete_model(call: Call) -> dict:
    project, _ = require(call.session, call.user, call.path["project_id"], "write")
    service.delete_model(call.session, service.get_model(call.session, project.id,
                                                         call.path["model_id"]))
    return {}
