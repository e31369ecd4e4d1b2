"""ExperimentRun as it appears on the wire."""

from __future__ import annotations

import json

from mockcml.core.actors import Actor
from mockcml.kit.users import short_user
from mockcml.kit.wire import timestamp
from mockcml.resources.experiment_runs.data import RunData
from mockcml.resources.experiment_runs.tables import ExperimentRun


def run_wire(run: ExperimentRun, user: Actor, data: RunData) -> dict:
    out = {
        "id": run.id,
        "name": run.name,
        "experiment_id": run.experiment_id,
        "user": short_user(user),
        "status": run.status,
        "start_time": timestamp(run.start_time),
        # Left out until the run ends, as proto3 JSON leaves out an unset timestamp.
        "end_time": timestamp(run.end_time),
        "artifact_uri": run.artifact_uri,
        "data": {
            "metrics": data.metrics,
            "params": data.params,
            "tags": data.tags,
            # Artifacts and registered models are not simulated yet: always empty.
            "files": [],
            "registered_model_metadata": [],
        },
        "inputs": {"dataset_inputs": json.loads(run.inputs)},
    }
    return {k: v for k, v in out.items() if v is not None}
