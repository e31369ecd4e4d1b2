"""HTTP side of Copilot.

Every signed-in user may read the models (an editor's assistant offers them) and send
events; adding, changing and removing models is site administration.
"""

from __future__ import annotations

from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.kit.admin import require_site_admin
from mockcml.resources.copilot import service
from mockcml.resources.copilot.service import CHAT, EMBEDDING

WHAT = "copilot model administration"


def _list(call: Call, kind: str, field: str) -> dict:
    result = service.list_models(call.session, kind, call.query)
    return {field: [service.wire(row[0]) for row in result.rows],
            "next_page_token": result.next_page_token}


@operation("ListCopilotModels")
def list_copilot_models(call: Call) -> dict:
    return _list(call, CHAT, "copilot_models")


@operation("ListCopilotEmbeddingModels")
def list_copilot_embedding_models(call: Call) -> dict:
    return _list(call, EMBEDDING, "copilot_embedding_models")


@operation("GetCopilotModel")
def get_copilot_model(call: Call) -> dict:
    return service.wire(service.get_model(call.session, CHAT, call.path["copilot_model_id"]))


@operation("GetCopilotEmbeddingModel")
def get_copilot_embedding_model(call: Call) -> dict:
    return service.wire(service.get_model(call.session, EMBEDDING,
                                          call.path["copilot_embedding_model_id"]))


@operation("CreateCopilotModel")
def create_copilot_model(call: Call) -> dict:
    require_site_admin(call.user, WHAT)
    return service.wire(service.create_model(call.session, CHAT, call.body or {}, call.now))


@operation("CreateCopilotEmbeddingModel")
def create_copilot_embedding_model(call: Call) -> dict:
    require_site_admin(call.user, WHAT)
    return service.wire(service.create_model(call.session, EMBEDDING, call.body or {},
                                             call.now))


@operation("UpdateCopilotModel")
def update_copilot_model(call: Call) -> dict:
    require_site_admin(call.user, WHAT)
    return service.wire(service.update_model(call.session, CHAT, call.body or {}, call.now))


@operation("UpdateCopilotEmbeddingModel")
def update_copilot_embedding_model(call: Call) -> dict:
    require_site_admin(call.user, WHAT)
    return service.wire(service.update_model(call.session, EMBEDDING, call.body or {},
                                             call.now))


@operation("DeleteCopilotModel")
def delete_copilot_model(call: Call) -> dict:
    require_site_admin(call.user, WHAT)
    service.delete_model(call.session, CHAT, call.path["copilot_model_id"])
    return {}


@operation("DeleteCopilotEmbeddingModel")
def delete_copilot_embedding_model(call: Call) -> dict:
    require_site_admin(call.user, WHAT)
    service.delete_model(call.session, EMBEDDING, call.path["copilot_embedding_model_id"])
    return {}


@operation("SendCopilotEvent")
def send_copilot_event(call: Call) -> dict:
    service.record_event(call.session, call.user, call.body or {}, call.now)
    return {}
