"""HTTP side of the model registry.

The routes follow the 26.06.13 contract: UpdateRegisteredModel is ``PATCH
/registry/models`` with the model id in the body, and UpdateRegisteredModelVersion is
``PATCH /registry/models/{model_id}`` with the version id in the body. Cloudera's own
MCP server calls ``update_registered_model(body, model_id)`` and
``update_registered_model_version(body, model_id, model_version_id)``, which does not
match this contract (another release may differ); those shapes are not served here.
"""

from __future__ import annotations

from mockcml.core.errors import InvalidArgument
from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.resources.projects.access import require
from mockcml.resources.registry import service
from mockcml.resources.registry.schemas import model_details, model_wire, version_wire
from mockcml.resources.registry.tables import RegisteredModel


def _answer(call: Call, model: RegisteredModel, versions: list[dict] | None = None,
            token: str = "") -> dict:
    """The RegisteredModel answer; without ``versions``, the first page of them."""
    model, owner, count = service.model_row(call.session, model)
    if versions is None:
        result = service.list_versions(call.session, model, {}, call.now)
        versions = [version_wire(v, user, call.now) for v, user in result.rows]
        token = result.next_page_token
    permission = service.permission_of(call.user, model)
    return model_wire(model, owner, permission, count, versions, token)


@operation("ListRegisteredModels")
def list_registered_models(call: Call) -> dict:
    result = service.list_models(call.session, call.user, call.query)
    return {
        "models": [
            model_details(model, owner, service.permission_of(call.user, model), count)
            for model, owner, count in result.rows
        ],
        "next_page_token": result.next_page_token,
    }


@operation("CreateRegisteredModel")
def create_registered_model(call: Call) -> dict:
    body = call.body or {}
    if (body.get("project_id") or "").strip():
        require(call.session, call.user, body["project_id"], "view")
    model, version = service.register(
        call.session, call.user, body, call.now, call.mock.settings,
        str(call.request.base_url).rstrip("/"),
    )
    # [inferred] The answer lists just the version this call registered, so a client
    # finds its model_version_id at model_versions[0]; count has the model's total.
    return _answer(call, model, [version_wire(version, call.user, call.now)])


@operation("GetRegisteredModel")
def get_registered_model(call: Call) -> dict:
    model = service.require_model(call.session, call.user, call.path["model_id"])
    result = service.list_versions(call.session, model, call.query, call.now)
    versions = [version_wire(v, user, call.now) for v, user in result.rows]
    return _answer(call, model, versions, result.next_page_token)


@operation("UpdateRegisteredModel")
def update_registered_model(call: Call) -> dict:
    body = call.body or {}
    if not body.get("model_id"):
        raise InvalidArgument("model_id must not be empty")
    model = service.require_model(call.session, call.user, body["model_id"], change=True)
    service.update_model(call.session, model, body, call.now)
    call.session.flush()
    return _answer(call, model)


@operation("DeleteRegisteredModel")
def delete_registered_model(call: Call) -> dict:
    model = service.require_model(call.session, call.user, call.path["model_id"], change=True)
    service.delete_model(call.session, model)
    return {}


@operation("UpdateRegisteredModelVersion", same_ids=("model_id",))
def update_registered_model_version(call: Call) -> dict:
    body = call.body or {}
    if not body.get("model_version_id"):
        raise InvalidArgument("model_version_id must not be empty")
    model = service.require_model(call.session, call.user, call.path["model_id"], change=True)
    version, user = service.get_version(call.session, model, body["model_version_id"])
    service.update_version(call.session, version, body, call.now)
    return version_wire(version, user, call.now)


@operation("GetRegisteredModelVersion")
def get_registered_model_version(call: Call) -> dict:
    model = service.require_model(call.session, call.user, call.path["model_id"])
    version, user = service.get_version(call.session, model, call.path["version_id"])
    return version_wire(version, user, call.now)


@operation("DeleteRegisteredModelVersion")
def delete_registered_model_version(call: Call) -> dict:
    model = service.require_model(call.session, call.user, call.path["model_id"], change=True)
    version, _ = service.get_version(call.session, model, call.path["version_id"])
    service.delete_version(call.session, model, version, call.now)
    return {}
