"""Experiment as it appears on the wire."""

from __future__ import annotations

import json

from mockcml.core.actors import Actor
from mockcml.kit.users import short_user
from mockcml.kit.wire import timestamp
from mockcml.resources.experiments.tables import Experiment


def experiment_wire(experiment: Experiment, user: Actor) -> dict:
    return {
        "id": experiment.id,
        "project_id": experiment.project_id,
        "name": experiment.name,
        "artifact_location": experiment.artifact_location,
        "created_at": timestamp(experiment.created_at),
        "updated_at": timestamp(experiment.updated_at),
        "tags": json.loads(experiment.tags),
        "lifecycle_stage": experiment.lifecycle_stage,
        "user": short_user(user),
    }
