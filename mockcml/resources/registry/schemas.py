"""Registered models and versions as they appear on the wire."""

from __future__ import annotations

import json

from mockcml.core.actors import Actor
from mockcml.kit.users import short_user
from mockcml.kit.wire import timestamp
from mockcml.resources.registry.service import status_at
from mockcml.resources.registry.tables import RegisteredModel, RegisteredModelVersion


def model_details(model: RegisteredModel, owner: Actor, permission: str, count: int) -> dict:
    """RegisteredModelDetails: one entry of ListRegisteredModels."""
    return {
        "model_id": model.id,
        "name": model.name,
        "description": model.description,
        "owner": short_user(owner),
        "permission": permission,
        "visibility": model.visibility,
        "created_at": timestamp(model.created_at),
        "updated_at": timestamp(model.updated_at),
        "count": count,
        # The reference gives every entry its own next_page_token; it is always empty.
        "next_page_token": "",
    }


def model_wire(
    model: RegisteredModel, owner: Actor, permission: str, count: int, versions: list[dict],
    next_page_token: str = "",
) -> dict:
    """RegisteredModel: the details plus one page of its versions."""
    return {
        **model_details(model, owner, permission, count),
        "model_versions": versions,
        "next_page_token": next_page_token,
    }


def version_wire(version: RegisteredModelVersion, user: Actor, now: float) -> dict:
    tags = json.loads(version.tags)
    return {
        "model_id": version.model_id,
        "model_version_id": version.id,
        "version_name": version.version_name,
        "number": version.number,
        "notes": version.notes,
        "user": short_user(user),
        "created_at": timestamp(version.created_at),
        "updated_at": timestamp(version.updated_at),
        "status": status_at(version, now),
        "model_version_metadata": {
            # Registered from an experiment run, so always an MLflow model; simple_metadata
            # belongs to the other MLOPSType and is left out, as proto3 JSON leaves out an
            # unset message.
            "mlops_type": "MLFLOW",
            "tags": tags,
            "workspace_url": version.workspace_url,
            "project_id": version.project_id,
            "owner": short_user(user),
            "mlflow_metadata": {
                "experiment_id": version.experiment_id,
                "run_id": version.run_id,
                # Experiment runs are not read here: the run's metrics and params are empty.
                "metrics": [],
                "params": [],
                "tags": [],
            },
        },
        "tags": tags,
        "error_message": "",
    }
