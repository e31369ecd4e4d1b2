"""Fixture records of models (with builds and deployments inside): the shape an item has in a fixture file.

Assembled into the scenario by ``mockcml/fixtures/schema.py``; field names follow the
API's create requests.
"""

from __future__ import annotations

from mockcml.fixtures.kinds import (
    Field,
    Integer,
    ListOf,
    Record,
    Ref,
    Text,
    Time,
    bool_field,
    counts,
)
from mockcml.resources.model_builds.fixture import BUILD

DEFAULT_RESOURCES = Record("DefaultResources", "Resources of the model's deployments.", (
    Field("cpu_millicores", Integer(minimum=1), "CPU in thousandths of a core.", default=1000),
    Field("memory_mb", Integer(minimum=1), "Memory in MB.", default=2048),
    Field("nvidia_gpus", Integer(minimum=0), "GPUs.", default=0),
))

REPLICATION_POLICY = Record("ReplicationPolicy", "How the model's deployments replicate.", (
    Field("num_replicas", Integer(minimum=1), "Replicas.", default=1),
    Field("type", Text(nonempty=True), "Policy type.", default="fixed"),
))

MODEL = Record("Model", "A model of the project: the fields of CreateModelRequest, plus its "
               "builds.", (
    Field("id", Text(nonempty=True, no_spaces=True), "Model id.",
          default="derived from the project id and the name"),
    Field("name", Text(nonempty=True), "Model name, unique in the project.", required=True),
    Field("description", Text(), "Free text."),
    Field("creator", Ref("user"), "Username of the creator.", default="the project owner"),
    Field("created_at", Time(), "Creation time.", default="just after the project's"),
    bool_field("disable_authentication", "Serve without the access key (auth_enabled false)."),
    Field("access_key", Text(nonempty=True, no_spaces=True), "Key for calling the model.",
          default="derived from the model id"),
    Field("registered_model", Ref("registered_model"),
          "Name of a registered model of the scenario (registered_model_id on the wire)."),
    Field("visibility", Text(nonempty=True), "As CreateModelRequest.", default="private"),
    Field("run_as", Integer(minimum=0), "As CreateModelRequest.", default=0),
    *counts("As CreateModelRequest."),
    Field("default_resources", DEFAULT_RESOURCES, "Resources of new deployments."),
    Field("default_replication_policy", REPLICATION_POLICY, "Replicas of new deployments."),
    Field("builds", ListOf(BUILD), "Builds, with their deployments."),
), key=("name",), extend=("builds",))
