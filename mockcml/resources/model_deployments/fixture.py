"""A build's deployments in fixture files, with their status at load time."""

from __future__ import annotations

from mockcml.fixtures import kinds as k
from mockcml.lifecycle.engine import length
from mockcml.resources.model_deployments.lifecycle import DEPLOYMENT as LIFECYCLE
from mockcml.resources.model_deployments.lifecycle import ENV_DURATION, ENV_PENDING, STOP

DEPLOYMENT_STATUSES = ("deployed", "stopped", "failed", "pending", "deploying", "stopping")

DEPLOYMENT = k.Record("ModelDeployment", "A deployment of the build: the fields of "
                      "CreateModelDeploymentRequest, plus its status at load time.", (
    k.record_id("Deployment id.", "the build id and the deployment's position"),
    k.status_at_load(k.Choice(DEPLOYMENT_STATUSES), "deployed, stopped, failed",
                     "pending, deploying, stopping", "deployed"),
    k.Field("created_at", k.Time(), "Creation time; not before the build was built.",
            default="one second after the build was built, in order"),
    k.Field("deployer", k.Ref("user"), "Username of who deployed it.",
            default="the build's creator"),
    k.Field("cpu", k.Number(positive=True), "vCPU cores.",
            default="the model's default_resources"),
    k.Field("memory", k.Number(positive=True), "Memory in GB.",
            default="the model's default_resources"),
    k.Field("nvidia_gpus", k.Integer(minimum=0), "GPUs (nvidia_gpu on the wire).",
            default="the model's default_resources"),
    k.Field("replicas", k.Integer(minimum=1), "Replicas.",
            default="the model's default_replication_policy"),
    k.Field("environment", k.EnvMap(), "Environment variables; MOCKCML_OUTCOME, MOCKCML_DURATION and "
            "MOCKCML_PENDING_DURATION script its deploys as for API-created deployments."),
    *k.counts("As CreateModelDeploymentRequest."),
    k.Field("pending", k.Duration(), "Time spent pending.",
            default=LIFECYCLE.scripted_default("pending", ENV_PENDING)),
    k.Field("deploying", k.Duration(), "Time spent deploying.",
            default=LIFECYCLE.scripted_default("deploying", ENV_DURATION)),
    k.Field("deployed", k.Duration(), "Time spent deployed before the stop was asked for "
            "(stopping, stopped).", default="until the moment of loading"),
    k.Field("stopping", k.Duration(), "Time spent stopping.",
            default=f"{length(None, STOP.seconds):g}s"),
))
