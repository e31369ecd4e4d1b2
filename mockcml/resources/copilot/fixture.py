"""The ``copilot_models`` and ``copilot_embedding_models`` sections: the assistant's chat and
embedding models, written by CreateCopilotModel's (and the embedding twin's) service."""

from __future__ import annotations

from typing import Any

from mockcml.core.errors import ApiError
from mockcml.fixtures import kinds as k
from mockcml.fixtures.sections import Section, Seeding
from mockcml.resources.copilot import service
from mockcml.resources.copilot.tables import CopilotModel


def _record(name: str, what: str) -> k.Record:
    return k.Record(name, f"A {what} model of the assistant: the fields of its create request.", (
        k.Field("name", k.Text(nonempty=True), "Model name (unique in a file).", required=True),
        k.Field("provider", k.Text(nonempty=True), "Provider, e.g. Bedrock or OpenAI.",
                required=True),
        k.Field("endpoint", k.Text(), "http or https URL of the model."),
        k.Field("provider_id", k.Text(), "The provider's id of the model."),
        k.Field("enabled", k.Boolean(), "Offered to users.", default=True),
        k.Field("default", k.Boolean(), "The default model (at most one, enabled).",
                default=False),
    ), key=("name",))


def _check(entries: list[dict[str, Any]]):  # noqa: ANN202
    defaults = [e for e in entries if e.get("default")]
    for entry in defaults[1:]:
        yield entry, "default", f"only one model may be the default ({defaults[0]['name']!r} is)"
    for entry in entries:
        if entry.get("default") and not entry.get("enabled", True):
            yield entry, "default", "a disabled model cannot be the default"
        try:
            service._endpoint((entry.get("endpoint") or "").strip())
        except ApiError as error:
            yield entry, "endpoint", error.message


def _seed(kind: str):  # noqa: ANN202
    # Names are unique by the record's key and _check allows one enabled default: what
    # create_model asks the database, the check has answered for the whole section.
    def seed(entries: list[dict[str, Any]], seeding: Seeding) -> None:
        seeding.insert(CopilotModel, [service.model_row(kind, entry, seeding.now)
                                      for entry in entries])
    return seed


SECTIONS = (
    Section("copilot_models", _record("CopilotModel", "chat"), "Chat models of the assistant.",
            "copilot model", check=_check, seed=_seed(service.CHAT)),
    Section("copilot_embedding_models", _record("CopilotEmbeddingModel", "embedding"),
            "Embedding models of the assistant.", "copilot embedding model", check=_check,
            seed=_seed(service.EMBEDDING)),
)
