"""HTTP side of models."""

from __future__ import annotations

from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.kit.crud import patched_in_project, project_listings
from mockcml.resources.models import service
from mockcml.resources.models.schemas import model_wire

# ListAll...: every model in a project the caller can see, each with its project filled in.
project_listings("models", model_wire, ("ListModels", service.list_models),
                 ("ListAllModels", service.list_all_models))


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
    return model_wire(*patched_in_project(call, "model_id", service.get_model,
                                          service.update_model, service.get_model_row))


@operation("DeleteModel", project="write")
def delete_model(call: Call) -> dict:
    service.delete_model(call.session, service.get_model(call.session, call.project.id,
                                                         call.path["model_id"]))
    return {}
