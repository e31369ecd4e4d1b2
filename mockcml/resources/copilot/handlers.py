"""HTTP side of Copilot.

Every signed-in user may read the models (an editor's assistant offers them) and send
events; adding, changing and removing models is site administration.
"""

from __future__ import annotations

from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.kit.crud import admin_crud
from mockcml.resources.copilot import service
from mockcml.resources.copilot.service import CHAT, EMBEDDING


def _models(kind: str, suffix: str, field: str) -> None:
    """The five operations of one kind of model (chat or embedding)."""
    admin_crud(
        "copilot model administration", service.wire, open_reads=True,
        listing=(f"ListCopilot{suffix}s", f"{field}s",
                 lambda session, query: service.list_models(session, kind, query)),
        get=(f"GetCopilot{suffix}", f"{field}_id",
             lambda session, model_id: service.get_model(session, kind, model_id)),
        create=(f"CreateCopilot{suffix}",
                lambda session, body, now: service.create_model(session, kind, body, now)),
        update=(f"UpdateCopilot{suffix}",
                lambda session, body, now: service.update_model(session, kind, body, now)),
        delete=(f"DeleteCopilot{suffix}", f"{field}_id",
                lambda session, model_id: service.delete_model(session, kind, model_id)),
    )


_models(CHAT, "Model", "copilot_model")
_models(EMBEDDING, "EmbeddingModel", "copilot_embedding_model")


@operation("SendCopilotEvent")
def send_copilot_event(call: Call) -> dict:
    service.record_event(call.session, call.user, call.body or {}, call.now)
    return {}
