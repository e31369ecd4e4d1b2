"""Copilot model rules, shared by chat and embedding models.

[inferred] A model needs a provider and a name, unique together per kind; the endpoint,
when sent, is an http(s) URL; at most one model of a kind is the default, so making one
the default clears it on the others; a disabled model cannot be the default.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlmodel import Session, col

from mockcml.core.errors import AlreadyExists, InvalidArgument, NotFound
from mockcml.kit.forms import required_text
from mockcml.kit.ids import new_id
from mockcml.kit.listing import Listing, Page, boolean, page, substring
from mockcml.resources.copilot.tables import CopilotEvent, CopilotModel

CHAT, EMBEDDING = "chat", "embedding"
_TEXT = ("provider", "name", "endpoint", "provider_id")
_LISTING = Listing(
    filters={**{key: substring(getattr(CopilotModel, key)) for key in _TEXT},
             "enabled": boolean(col(CopilotModel.enabled)), "default": boolean(col(CopilotModel.default))},
    sorts={key: getattr(CopilotModel, key)
           for key in ("provider", "name", "endpoint", "enabled", "default")},
    tiebreak=col(CopilotModel.id),
    default_sort=(("provider", False), ("name", False)),
)
# One listing per kind: each names its own wire model, whose fields all filter.
LISTINGS = {CHAT: replace(_LISTING, model="CopilotModel"),
            EMBEDDING: replace(_LISTING, model="CopilotEmbeddingModel")}


def wire(model: CopilotModel) -> dict[str, Any]:
    return {"id": model.id, "provider": model.provider, "name": model.name,
            "endpoint": model.endpoint, "enabled": model.enabled, "default": model.default,
            "provider_id": model.provider_id}


def list_models(session: Session, kind: str, params: dict[str, Any]) -> Page:
    return page(session, select(CopilotModel).where(col(CopilotModel.kind) == kind),
                LISTINGS[kind], params)


def get_model(session: Session, kind: str, model_id: str) -> CopilotModel:
    model = session.get(CopilotModel, model_id or "")
    if model is None or model.kind != kind:
        noun = "copilot model" if kind == CHAT else "copilot embedding model"
        raise NotFound(f"{noun} {model_id!r} not found")
    return model


def _endpoint(value: str) -> str:
    if value:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidArgument(f"endpoint must be an http or https URL, not {value!r}")
    return value


def _check(session: Session, model: CopilotModel) -> None:
    # Not flushed first: a clashing change must be refused, not hit the constraint.
    with session.no_autoflush:
        clash = session.execute(select(col(CopilotModel.id)).where(
            col(CopilotModel.kind) == model.kind, col(CopilotModel.provider) == model.provider,
            col(CopilotModel.name) == model.name, col(CopilotModel.id) != model.id)).scalar()
    if clash is not None:
        raise AlreadyExists(f"model {model.name!r} of provider {model.provider!r} already exists")
    if model.default and not model.enabled:
        raise InvalidArgument("a disabled model cannot be the default")


def _settle(session: Session, model: CopilotModel) -> None:
    session.flush()
    if model.default:
        session.execute(update(CopilotModel).where(
            col(CopilotModel.kind) == model.kind, col(CopilotModel.id) != model.id).values(default=False))


def model_row(kind: str, body: dict[str, Any], now: float) -> dict[str, Any]:
    """A new model's fields (text and endpoint checked), for CreateCopilotModel and fixtures."""
    return {"id": new_id(), "kind": kind, "provider": required_text(body, "provider"),
            "name": required_text(body, "name"),
            "endpoint": _endpoint((body.get("endpoint") or "").strip()),
            "enabled": body.get("enabled", True), "default": bool(body.get("default")),
            "provider_id": (body.get("provider_id") or "").strip(), "created_at": now,
            "updated_at": now}


def create_model(session: Session, kind: str, body: dict[str, Any], now: float) -> CopilotModel:
    model = CopilotModel(**model_row(kind, body, now))
    _check(session, model)
    session.add(model)
    _settle(session, model)
    return model


def update_model(session: Session, kind: str, body: dict[str, Any], now: float) -> CopilotModel:
    """Partial update: the fields sent change, the others stay."""
    model = get_model(session, kind, body.get("id") or "")
    for key in ("provider", "name"):
        if key in body:
            setattr(model, key, required_text(body, key))
    if "endpoint" in body:
        model.endpoint = _endpoint((body["endpoint"] or "").strip())
    if "provider_id" in body:
        model.provider_id = (body["provider_id"] or "").strip()
    for key in ("enabled", "default"):
        if key in body:
            setattr(model, key, bool(body[key]))
    model.updated_at = now
    _check(session, model)
    _settle(session, model)
    return model


def delete_model(session: Session, kind: str, model_id: str) -> None:
    session.delete(get_model(session, kind, model_id))


def record_event(session: Session, user: Any, body: dict[str, Any], now: float) -> None:
    """[inferred] An event needs its type; a word count cannot be negative."""
    event_type = required_text(body, "event_type")
    if (body.get("prompt_word_count") or 0) < 0:
        raise InvalidArgument("prompt_word_count must not be negative")
    session.add(CopilotEvent(
        user_id=user.id, engine_id=body.get("engine_id") or "",
        application_id=body.get("application_id") or 0, event_type=event_type,
        event_details=body.get("event_details") or "",
        model_provider_id=body.get("model_provider_id") or "",
        model_name=body.get("model_name") or "", model_type=body.get("model_type") or "",
        include_selection=bool(body.get("include_selection")),
        prompt_word_count=body.get("prompt_word_count") or 0, created_at=now))
