"""ModelDeployment as it appears on the wire: the status and times as of the mock's clock."""

from __future__ import annotations

from mockcml.core.actors import Actor
from mockcml.kit.users import short_user
from mockcml.kit.wire import reached, timestamp
from mockcml.resources.model_deployments.lifecycle import DEPLOYMENT
from mockcml.resources.model_deployments.tables import ModelDeployment


def deployment_wire(deployment: ModelDeployment, deployer: Actor, now: float) -> dict:
    out = {
        "project_id": deployment.project_id,
        "model_id": deployment.model_id,
        "build_id": deployment.build_id,
        "id": deployment.id,
        "cpu": deployment.cpu,
        "memory": deployment.memory,
        # The create request names this nvidia_gpus; the answer says nvidia_gpu (CML's quirk).
        "nvidia_gpu": deployment.nvidia_gpu,
        # A map on create, a JSON-encoded string here: CML's quirk, copied.
        "environment": deployment.environment,
        "created_at": timestamp(deployment.created_at),
        # The time of the latest change of status.
        "updated_at": timestamp(DEPLOYMENT.changed_at(deployment, now)),
        # Left out until a stop has completed, as proto3 JSON leaves out unset timestamps.
        "stopped_at": reached(deployment.stopped_at, now),
        "crn": deployment.crn,
        "deployer": short_user(deployer),
        "status": DEPLOYMENT.status_at(deployment, now),
        "replicas": deployment.replicas,
        "accelerator_label_id": str(deployment.accelerator_label_id),
        "resource_group_id": deployment.resource_group_id,
        "resource_profile_id": deployment.resource_profile_id,
    }
    return {k: v for k, v in out.items() if v is not None}
