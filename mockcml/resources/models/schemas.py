"""Model as it appears on the wire."""

from __future__ import annotations

from mockcml.core.actors import Actor
from mockcml.kit.users import short_user
from mockcml.kit.wire import timestamp
from mockcml.resources.jobs.schemas import short_project
from mockcml.resources.models.tables import Model
from mockcml.resources.projects.tables import Project


def model_wire(model: Model, creator: Actor, project: Project | None = None) -> dict:
    out = {
        "id": model.id,
        "name": model.name,
        "description": model.description,
        "creator": short_user(creator),
        "access_key": model.access_key,
        "deletion_status": "",
        "created_at": timestamp(model.created_at),
        "updated_at": timestamp(model.updated_at),
        "crn": model.crn,
        "auth_enabled": model.auth_enabled,
        "registered_model_id": model.registered_model_id,
        "visibility": model.visibility,
        # int64 fields travel as JSON strings (proto3 JSON mapping).
        "default_resources": {
            "cpu_millicores": str(model.cpu_millicores),
            "memory_mb": str(model.memory_mb),
            "nvidia_gpus": str(model.nvidia_gpus),
        },
        "default_replication_policy": {
            "num_replicas": str(model.num_replicas),
            "type": model.replication_type,
        },
        "run_as": model.run_as,
        "accelerator_label_id": str(model.accelerator_label_id),
        "resource_group_id": model.resource_group_id,
        "resource_profile_id": model.resource_profile_id,
    }
    # As for jobs, the project is filled in by the workspace-wide listing only.
    if project is not None:
        out["project"] = short_project(project)
    return out
