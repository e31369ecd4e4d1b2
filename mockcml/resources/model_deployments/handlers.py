"""HTTP side of model deployments."""

from __future__ import annotations

from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.kit.listing import listed
from mockcml.resources.model_builds.service import get_build
from mockcml.resources.model_deployments import service
from mockcml.resources.model_deployments.schemas import deployment_wire
from mockcml.resources.models.service import get_model


def _build(call: Call):  # noqa: ANN202
    """The path's model and build, in the project registry.invoke checked."""
    model = get_model(call.session, call.project.id, call.path["model_id"])
    return model, get_build(call.session, model, call.path["build_id"])


@operation("ListModelDeployments", project="view")
def list_model_deployments(call: Call) -> dict:
    result = service.list_deployments(call.session, _build(call)[1], call.query, call.now)
    return listed(result, "model_deployments", deployment_wire, call.now)


@operation("GetModelDeployment", project="view")
def get_model_deployment(call: Call) -> dict:
    _, build = _build(call)
    row = service.get_deployment_row(call.session, build, call.path["deployment_id"])
    return deployment_wire(*row, call.now)


@operation("CreateModelDeployment", project="write",
           same_ids=("project_id", "model_id", "build_id"))
def create_model_deployment(call: Call) -> dict:
    model, build = _build(call)
    deployment = service.create_deployment(call.session, call.user, model, build,
                                           call.body or {}, call.now, call.mock.settings,
                                           require_built=True)
    return deployment_wire(deployment, call.user, call.now)


@operation("StopModelDeployment", project="write")
def stop_model_deployment(call: Call) -> dict:
    _, build = _build(call)
    deployment, deployer = service.get_deployment_row(call.session, build,
                                                      call.path["deployment_id"])
    service.stop_deployment(call.session, deployment, call.now, call.mock.settings)
    return deployment_wire(deployment, deployer, call.now)


@operation("RestartModelDeployment", project="write")
def restart_model_deployment(call: Call) -> dict:
    _, build = _build(call)
    deployment, deployer = service.get_deployment_row(call.session, build,
                                                      call.path["deployment_id"])
    service.restart_deployment(call.session, deployment, build, call.now, call.mock.settings)
    return deployment_wire(deployment, deployer, call.now)
