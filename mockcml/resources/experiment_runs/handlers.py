"""HTTP side of experiment runs."""

from __future__ import annotations

from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.resources.experiment_runs import data, service
from mockcml.resources.experiment_runs.schemas import run_wire
from mockcml.resources.experiments.service import get_experiment, require_active
from mockcml.resources.experiments.tables import Experiment


def _experiment(call: Call, change: bool = False) -> Experiment:
    """The path's experiment; a change needs a live (not deleted) one."""
    experiment = get_experiment(call.session, call.project.id, call.path["experiment_id"])
    if change:
        require_active(experiment)
    return experiment


def _wire(call: Call, run, user) -> dict:  # noqa: ANN001
    return run_wire(run, user, data.load(call.session, [run.id])[run.id])


@operation("ListExperimentRuns", project="view")
def list_experiment_runs(call: Call) -> dict:
    experiment = _experiment(call)
    result = service.list_runs(call.session, experiment, call.query)
    loaded = data.load(call.session, [run.id for run, _ in result.rows])
    return {"experiment_runs": [run_wire(run, user, loaded[run.id]) for run, user in result.rows],
            "next_page_token": result.next_page_token}


@operation("GetExperimentRun", project="view")
def get_experiment_run(call: Call) -> dict:
    experiment = _experiment(call)
    return _wire(call, *service.get_run_row(call.session, experiment, call.path["run_id"]))


@operation("CreateExperimentRun", project="write", same_ids=("project_id", "experiment_id"))
def create_experiment_run(call: Call) -> dict:
    experiment = _experiment(call, change=True)
    run = service.create_run(call.session, experiment, call.user, call.body or {}, call.now)
    call.session.flush()
    return _wire(call, run, call.user)


@operation("UpdateExperimentRun", project="write")
def update_experiment_run(call: Call) -> dict:
    # PATCH .../runs/{run.id}: the path value is already written into the body's id.
    experiment = _experiment(call, change=True)
    run = service.get_run(call.session, experiment, call.path["run_id"])
    service.update_run(call.session, run, call.body or {}, call.now)
    call.session.flush()
    return _wire(call, *service.get_run_row(call.session, experiment, run.id))


@operation("DeleteExperimentRun", project="write")
def delete_experiment_run(call: Call) -> dict:
    experiment = _experiment(call, change=True)
    service.delete_run(call.session, service.get_run(call.session, experiment,
                                                     call.path["run_id"]))
    return {}


@operation("GetExperimentRunMetrics", project="view")
def get_experiment_run_metrics(call: Call) -> dict:
    experiment = _experiment(call)
    run = service.get_run(call.session, experiment, call.path["run_id"])
    # A key never logged has an empty history, as in MLflow's GetMetricHistory.
    return {"metrics": data.history(call.session, run, call.path["metric_key"])}


_RUN_IDS = ("project_id", "experiment_id", "run_id")


@operation("LogExperimentRunBatch", project="write", same_ids=_RUN_IDS)
def log_experiment_run_batch(call: Call) -> dict:
    _batch(call, data.log_batch)
    return {}


@operation("DeleteExperimentRunBatch", project="write", same_ids=_RUN_IDS)
def delete_experiment_run_batch(call: Call) -> dict:
    _batch(call, data.delete_batch)
    return {}


def _batch(call: Call, apply) -> None:  # noqa: ANN001
    run = service.get_run(call.session, _experiment(call, change=True), call.path["run_id"])
    apply(call.session, run, call.body or {}, call.now)
