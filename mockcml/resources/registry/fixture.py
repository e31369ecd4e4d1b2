"""The ``registry`` list of a fixture file: registered models and their numbered versions."""

from __future__ import annotations

from mockcml.fixtures import kinds as k

REGISTRY_VISIBILITIES = ("PRIVATE", "PUBLIC")

VERSION_STATUSES = ("registered", "registering")

MODEL_VERSION = k.Record("RegisteredModelVersion", "A version of the registered model, "
                         "registered from an experiment run of the scenario.", (
    k.record_id("Version id (model_version_id).", "the model id and the version number"),
    k.Field("project", k.Ref("project"), "Project of the run: its name, or owner/name when several "
            "projects share the name.", required=True),
    k.Field("experiment", k.Ref("experiment"), "Name of an experiment of that project.",
            required=True),
    k.Field("run", k.Ref("experiment_run"), "Name of a run of that experiment.", required=True),
    k.Field("model_path", k.Text(nonempty=True), "Artifact path of the model in the run.",
            default="model"),
    k.Field("version_name", k.Text(nonempty=True), "Version name.", default="v<number>"),
    k.Field("notes", k.Text(), "Free text."),
    k.Field("tags", k.KeyMap("tag"), "Tags."),
    k.Field("user", k.Ref("user"), "Username of who registered it.", default="the model's owner"),
    k.Field("created_at", k.Time(), "Registration time.", default="one second after the model, in order"),
    k.Field("status", k.statuses({"registered": "REGISTERED", "registering": "REGISTERING"}),
            "registered, or registering (the copy ends register_seconds, scaled, after loading).",
            default="registered"),
))

REGISTERED_MODEL = k.Record("RegisteredModel", "A model of the model registry, with its versions "
                            "(numbered 1, 2, ... in order).", (
    k.record_id("Registered model id (model_id).", "the name"),
    k.Field("name", k.Text(nonempty=True), "Unique name (model_name).", required=True),
    *k.owner_and_creator(),
    k.Field("description", k.Text(), "Free text."),
    k.Field("visibility", k.Choice(REGISTRY_VISIBILITIES, (("private", "PRIVATE"), ("public", "PUBLIC"))),
            "Who sees it: PRIVATE (owner and admins) or PUBLIC.", default="PRIVATE"),
    k.Field("created_at", k.Time(), "Creation time.",
            default="30 days before loading, one second apart in file order"),
    k.Field("versions", k.ListOf(MODEL_VERSION), "Versions, numbered from 1 in order."),
), key=("name",), extend=("versions",))
