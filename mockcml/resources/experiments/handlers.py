"""HTTP side of experiments."""

from __future__ import annotations

from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.kit.crud import patched_in_project, project_listings
from mockcml.resources.experiments import service
from mockcml.resources.experiments.schemas import experiment_wire

# ListAll...: every experiment in a project the caller can see, each with its project filled in.
project_listings("experiments", experiment_wire, ("ListExperiments", service.list_experiments),
                 ("ListAllExperiments", service.list_all_experiments))


@operation("GetExperiment", project="view")
def get_experiment(call: Call) -> dict:
    return experiment_wire(*service.get_experiment_row(
        call.session, call.project.id, call.path["experiment_id"]))


@operation("CreateExperiment", project="write", same_ids=("project_id",))
def create_experiment(call: Call) -> dict:
    experiment = service.create_experiment(call.session, call.user, call.project,
                                           call.body or {}, call.now)
    return experiment_wire(experiment, call.user)


@operation("UpdateExperiment", project="write", project_param="experiment_project_id")
def update_experiment(call: Call) -> dict:
    # PATCH /projects/{experiment.project_id}/experiments/{experiment.id}: both path values
    # are already written into the body's project_id and id.
    return experiment_wire(*patched_in_project(call, "experiment_id", service.get_experiment,
                                               service.update_experiment,
                                               service.get_experiment_row))


@operation("DeleteExperiment", project="write")
def delete_experiment(call: Call) -> dict:
    experiment = service.get_experiment(call.session, call.project.id,
                                        call.path["experiment_id"])
    service.delete_experiment(call.session, experiment, call.now)
    return {}
