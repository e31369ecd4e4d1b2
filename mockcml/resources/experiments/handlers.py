"""HTTP side of experiments."""

from __future__ import annotations

from mockcml.core.errors import InvalidArgument
from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.resources.experiments import service
from mockcml.resources.experiments.schemas import experiment_wire
from mockcml.resources.projects.access import require
from mockcml.resources.projects.service import viewable_projects


def _page(result) -> dict:  # noqa: ANN001
    return {"experiments": [experiment_wire(*row) for row in result.rows],
            "next_page_token": result.next_page_token}


@operation("ListExperiments")
def list_experiments(call: Call) -> dict:
    project, _ = require(call.session, call.user, call.path["project_id"], "view")
    return _page(service.list_experiments(call.session, project.id, call.query))


@operation("ListAllExperiments")
def list_all_experiments(call: Call) -> dict:
    # Every experiment in a project the caller can see.
    clause = viewable_projects(call.user)
    return _page(service.list_all_experiments(call.session, clause, call.query))


@operation("GetExperiment")
def get_experiment(call: Call) -> dict:
    project, _ = require(call.session, call.user, call.path["project_id"], "view")
    return experiment_wire(*service.get_experiment_row(
        call.session, project.id, call.path["experiment_id"]))


@operation("CreateExperiment")
def create_experiment(call: Call) -> dict:
    project, _ = require(call.session, call.user, call.path["project_id"], "write")
    body = call.body or {}
    # The body may repeat the project id of the path (cmlapi sends it); it must agree.
    if body.get("project_id") and body["project_id"] != project.id:
        raise InvalidArgument("project_id in the body does not match the path")
    experiment = service.create_experiment(call.session, call.user, project, body, call.now)
    return experiment_wire(experiment, call.user)


@operation("UpdateExperiment")
def update_experiment(call: Call) -> dict:
    # PATCH /projects/{experiment.project_id}/experiments/{experiment.id}: both path values
    # are already written into the body's project_id and id.
    project, _ = require(call.session, call.user, call.path["experiment_project_id"], "write")
    experiment = service.get_experiment(call.session, project.id, call.path["experiment_id"])
    service.update_experiment(call.session, experiment, call.body or {}, call.now)
    call.session.flush()
    return experiment_wire(*service.get_experiment_row(call.session, project.id, experiment.id))


@operation("DeleteExperiment")
def delete_experiment(call: Call) -> dict:
    project, _ = require(call.session, call.user, call.path["project_id"], "write")
    experiment = service.get_experiment(call.session, project.id, call.path["experiment_id"])
    service.delete_experiment(call.session, experiment, call.now)
    return {}
