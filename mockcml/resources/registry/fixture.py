"""Fixture records of registered models and their versions: the shape an item has in a fixture file.

Assembled into the scenario by ``mockcml/fixtures/schema.py``; field names follow the
API's create requests.
"""

from __future__ import annotations

from mockcml.fixtures.kinds import (
    Choice,
    Field,
    KeyMap,
    ListOf,
    Record,
    Ref,
    Text,
    Time,
    statuses,
)

REGISTRY_VISIBILITIES = ("PRIVATE", "PUBLIC")

VERSION_STATUSES = ("registered", "registering")

MODEL_VERSION = Record("RegisteredModelVersion", "A version of the registered model, "
                       "registered from an experiment run of the scenario.", (
    Field("id", Text(nonempty=True, no_spaces=True), "Version id (model_version_id).",
          default="derived from the model id and the version number"),
    Field("project", Ref("project"), "Project of the run: its name, or owner/name when several "
          "projects share the name.", required=True),
    Field("experiment", Ref("experiment"), "Name of an experiment of that project.",
          required=True),
    Field("run", Ref("experiment_run"), "Name of a run of that experiment.", required=True),
    Field("model_path", Text(nonempty=True), "Artifact path of the model in the run.",
          default="model"),
    Field("version_name", Text(nonempty=True), "Version name.", default="v<number>"),
    Field("notes", Text(), "Free text."),
    Field("tags", KeyMap("tag"), "Tags."),
    Field("user", Ref("user"), "Username of who registered it.", default="the model's owner"),
    Field("created_at", Time(), "Registration time.", default="one second after the model, in order"),
    Field("status", statuses({"registered": "REGISTERED", "registering": "REGISTERING"}),
          "registered, or registering (the copy ends REGISTER_SECONDS scaled after loading).",
          default="registered"),
))

REGISTERED_MODEL = Record("RegisteredModel", "A model of the model registry, with its versions "
                          "(numbered 1, 2, ... in order).", (
    Field("id", Text(nonempty=True, no_spaces=True), "Registered model id (model_id).",
          default="derived from the name"),
    Field("name", Text(nonempty=True), "Unique name (model_name).", required=True),
    Field("owner", Ref("user"), "Username of the owner.", required=True),
    Field("creator", Ref("user"), "Username of the creator.", default="the owner"),
    Field("description", Text(), "Free text."),
    Field("visibility", Choice(REGISTRY_VISIBILITIES, (("private", "PRIVATE"), ("public", "PUBLIC"))),
          "Who sees it: PRIVATE (owner and admins) or PUBLIC.", default="PRIVATE"),
    Field("created_at", Time(), "Creation time.",
          default="30 days before loading, one second apart in file order"),
    Field("versions", ListOf(MODEL_VERSION), "Versions, numbered from 1 in order."),
), key=("name",), extend=("versions",))
