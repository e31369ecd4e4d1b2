"""Fixture records of model deployments: the shape an item has in a fixture file.

Assembled into the scenario by ``mockcml/fixtures/schema.py``; field names follow the
API's create requests.
"""

from __future__ import annotations

from mockcml.fixtures.kinds import (
    Choice,
    Duration,
    EnvMap,
    Field,
    Integer,
    Number,
    Record,
    Ref,
    Text,
    Time,
    counts,
)

DEPLOYMENT_STATUSES = ("deployed", "stopped", "failed", "pending", "deploying", "stopping")

DEPLOYMENT = Record("ModelDeployment", "A deployment of the build: the fields of "
                    "CreateModelDeploymentRequest, plus its status at load time.", (
    Field("id", Text(nonempty=True, no_spaces=True), "Deployment id.",
          default="derived from the build id and the deployment's position"),
    Field("status", Choice(DEPLOYMENT_STATUSES),
          "Status at load time: deployed, stopped, failed (history), or pending, deploying, "
          "stopping (in progress).", default="deployed"),
    Field("created_at", Time(), "Creation time; not before the build was built.",
          default="one second after the build was built, in order"),
    Field("deployer", Ref("user"), "Username of who deployed it.",
          default="the build's creator"),
    Field("cpu", Number(positive=True), "vCPU cores.",
          default="the model's default_resources"),
    Field("memory", Number(positive=True), "Memory in GB.",
          default="the model's default_resources"),
    Field("nvidia_gpus", Integer(minimum=0), "GPUs (nvidia_gpu on the wire).",
          default="the model's default_resources"),
    Field("replicas", Integer(minimum=1), "Replicas.",
          default="the model's default_replication_policy"),
    Field("environment", EnvMap(), "Environment variables; MOCKCML_OUTCOME, MOCKCML_DURATION and "
          "MOCKCML_PENDING_DURATION script its deploys as for API-created deployments."),
    *counts("As CreateModelDeploymentRequest."),
    Field("pending", Duration(), "Time spent pending.",
          default="MOCKCML_PENDING_DURATION, else 1s"),
    Field("deploying", Duration(), "Time spent deploying.", default="MOCKCML_DURATION, else 5s"),
    Field("deployed", Duration(), "Time spent deployed before the stop was asked for "
          "(stopping, stopped).", default="until the moment of loading"),
    Field("stopping", Duration(), "Time spent stopping.", default="1s"),
))
