"""HTTP side of models."""

from __future__ import annotations

from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.resources.models import service
from mockcml.resources.models.schemas import model_wire
from mockcml.resources.projects.service import viewable_projects


def _page(result) -> dict:  # noqa: ANN001
    return {"models": [model_wire(*row) for row in result.rows],
            "next_page_token": result.next_page_token}


@operation("ListModels", project="view")
def list_models(call: Call) -> dict:
    return _page(service.list_models(call.session, call.project.id, call.query))


@operation("ListAllModels")
def list_all_models(call: Call) -> dict:
    # Every model in a project the caller can see, each with its project filled in.
    return _page(service.list_all_models(call.session, viewable_projects(call.user), call.query))


@operation("GetModel", project="view")
def get_model(call: Call) -> dict:
    return model_wire(*service.get_model_row(call.session, call.project.id, call.path["model_id"]))


@operation("CreateModel", project="write", same_ids=("project_id",))
def create_model(call: Call) -> dict:
    model = service.create_model(call.session, call.user, call.project, call.body or {}, call.now,
                                 call.mock.settings)
    return model_wire(model, call.user)


@operation("UpdateModel", project="write")
def update_model(call: Call) -> dict:
    project = call.project
    model = service.get_model(call.session, project.id, call.path["model_id"])
    service.update_model(call.session, model, call.body or {}, call.now)
    call.session.flush()
    return model_wire(*service.get_model_row(call.session, project.id, model.id))


@operation("DeleteModel", project="write")
def delete_model(call: Call) -> dict:
    service.delete_model(call.session, service.get_model(call.session, call.project.id,
                                                         call.path["model_id"]))
    return {}
