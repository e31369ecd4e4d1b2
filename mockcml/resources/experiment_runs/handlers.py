"""HTTP side of experiment runs."""

from __future__ import annotations

from mockcml.core.errors import InvalidArgument
from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.resources.experiment_runs import data, service
from mockcml.resources.experiment_runs.schemas import run_wire
from mockcml.resources.experiments.service import get_experiment, require_active
from mockcml.resources.experiments.tables import Experiment
from mockcml.resources.projects.access import require


def _experiment(call: Call, capability: str) -> Experiment:
    """Reads need view on the project; writes need write and a live (not deleted) experiment."""
    project, _ = require(call.session, call.user, call.path["project_id"], capability)
    experiment = get_experiment(call.session, project.id, call.path["experiment_id"])
    if capability != "view":
        require_active(experiment)
    return experiment


def _same_ids(call: Call, fields: tuple[str, ...]) -> dict:
    """A request body may repeat the ids of the path (cmlapi sends them); they must agree."""
    body = call.body or {}
    for field in fields:
        if body.get(field) and body[field] != call.path[field]:
            raise InvalidArgument(f"{field} in the body does not match the path")
    return body


def _wire(call: Call, run, user) -> dict:  # noqa: ANN001
    return run_wire(run, user, data.load(call.session, [run.id])[run.id])


@operation("ListExperimentRuns")
def list_experiment_runs(call: Call) -> dict:
    experiment = _experiment(call, "view")
    result = service.list_runs(call.session, experiment, call.query)
    loaded = data.load(call.session, [run.id for run, _ in result.rows])
    return {"experiment_runs": [run_wire(run, user, loaded[run.id]) for run, user in result.rows],
            "next_page_token": result.next_page_token}


@operation("GetExperimentRun")
def get_experiment_run(call: Call) -> dict:
    experiment = _experiment(call, "view")
    return _wire(call, *service.get_run_row(call.session, experiment, call.path["run_id"]))


@operation("CreateExperimentRun")
def create_experiment_run(call: Call) -> dict:
    experiment = _experiment(call, "write")
    body = _same_ids(call, ("project_id", "experiment_id"))
    run = service.create_run(call.session, experiment, call.user, body, call.now)
    call.session.flush()
    return _wire(call, run, call.user)


@operation("UpdateExperimentRun")
def update_experiment_run(call: Call) -> dict:
    # PATCH .../runs/{run.id}: the path value is already written into the body's id.
    experiment = _experiment(call, "write")
    run = service.get_run(call.session, experiment, call.path["run_id"])
    service.update_run(call.session, run, call.body or {}, call.now)
    call.session.flush()
    return _wire(call, *service.get_run_row(call.session, experiment, run.id))


@operation("DeleteExperimentRun")
def delete_experiment_run(call: Call) -> dict:
    experiment = _experiment(call, "write")
    service.delete_run(call.session, service.get_run(call.session, experiment,
                                                     call.path["run_id"]))
    return {}


@operation("GetExperimentRunMetrics")
def get_experiment_run_metrics(call: Call) -> dict:
    experiment = _experiment(call, "view")
    run = service.get_run(call.session, experiment, call.path["run_id"])
    # A key never logged has an empty history, as in MLflow's GetMetricHistory.
    return {"metrics": data.history(call.session, run, call.path["metric_key"])}


@operation("LogExperimentRunBatch")
def log_experiment_run_batch(call: Call) -> dict:
    experiment = _experiment(call, "write")
    body = _same_ids(call, ("project_id", "experiment_id", "run_id"))
    run = service.get_run(call.session, experiment, call.path["run_id"])
    data.log_batch(call.session, run, body, call.now)
    return {}


@operation("DeleteExperimentRunBatch")
def delete_experiment_run_batch(call: Call) -> dict:
    experiment = _experiment(call, "write")
    body = _same_ids(call, ("project_id", "experiment_id", "run_id"))
    run = service.get_run(call.session, experiment, call.path["run_id"])
    data.delete_batch(call.session, run, body, call.now)
    return {}
