"""Models in fixture files: CreateModelRequest fields, default resources and replication."""

from __future__ import annotations

from mockcml.fixtures import kinds as k
from mockcml.resources.model_builds.fixture import BUILD

DEFAULT_RESOURCES = k.Record("DefaultResources", "Resources of the model's deployments.", (
    k.Field("cpu_millicores", k.Integer(minimum=1), "CPU in thousandths of a core.", default=1000),
    k.Field("memory_mb", k.Integer(minimum=1), "Memory in MB.", default=2048),
    k.Field("nvidia_gpus", k.Integer(minimum=0), "GPUs.", default=0),
))

REPLICATION_POLICY = k.Record("ReplicationPolicy", "How the model's deployments replicate.", (
    k.Field("num_replicas", k.Integer(minimum=1), "Replicas.", default=1),
    k.Field("type", k.Text(nonempty=True), "Policy type.", default="fixed"),
))

MODEL = k.Record("Model", "A model of the project: the fields of CreateModelRequest, plus its "
                 "builds.", (
    k.record_id("Model id.", "the project id and the name"),
    k.Field("name", k.Text(nonempty=True), "Model name, unique in the project.", required=True),
    k.Field("description", k.Text(), "Free text."),
    k.Field("creator", k.Ref("user"), "Username of the creator.", default="the project owner"),
    k.Field("created_at", k.Time(), "Creation time.", default="just after the project's"),
    k.bool_field("disable_authentication", "Serve without the access key (auth_enabled false)."),
    k.Field("access_key", k.Text(nonempty=True, no_spaces=True), "Key for calling the model.",
            default="derived from the model id"),
    k.Field("registered_model", k.Ref("registered_model"),
            "Name of a registered model of the scenario (registered_model_id on the wire)."),
    k.Field("visibility", k.Text(nonempty=True), "As CreateModelRequest.", default="private"),
    k.Field("run_as", k.Integer(minimum=0), "As CreateModelRequest.", default=0),
    *k.counts("As CreateModelRequest."),
    k.Field("default_resources", DEFAULT_RESOURCES, "Resources of new deployments."),
    k.Field("default_replication_policy", REPLICATION_POLICY, "Replicas of new deployments."),
    k.Field("builds", k.ListOf(BUILD), "Builds, with their deployments."),
), key=("name",), extend=("builds",))
