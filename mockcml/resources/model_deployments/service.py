"""Model-deployment rules: creating one on a built build, stopping, restarting, listing.

[inferred] A model serves one deployment at a time: creating or restarting a deployment
stops the model's other active deployments (pending, deploying or deployed) at once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from mockcml.core.actors import Actor
from mockcml.core.errors import FailedPrecondition, InvalidArgument, NotFound
from mockcml.kit import jsonfield
from mockcml.kit.ids import new_id
from mockcml.kit.listing import Listing, Page, one_of, page
from mockcml.kit.users import Creator, user_filters, user_keys
from mockcml.lifecycle import scripts
from mockcml.resources.model_builds.lifecycle import BUILD, BUILT
from mockcml.resources.model_builds.tables import ModelBuild
from mockcml.resources.model_deployments import lifecycle as lc
from mockcml.resources.model_deployments.tables import ModelDeployment
from mockcml.resources.models.ids import crn
from mockcml.resources.models.tables import Model
from mockcml.resources.users.tables import User
from mockcml.settings import Settings

_COUNTS = ("accelerator_label_id", "resource_group_id", "resource_profile_id")


def listing(now: float) -> Listing:
    """[inferred] The contract names no filter or sort keys for ListModelDeployments; the
    status (cdswctl's values), the deployer and the times are accepted."""
    status = lc.DEPLOYMENT.status_sql(ModelDeployment, now)
    return Listing(
        model="ModelDeployment",
        filters={
            "status": one_of(status, {v: v for v in lc.STATUSES}),
            **user_filters("deployer", Creator),
        },
        sorts={
            "created_at": col(ModelDeployment.created_at),
            "updated_at": lc.DEPLOYMENT.changed_sql(ModelDeployment, now),
            "status": status, **user_keys("deployer", Creator),
        },
        tiebreak=col(ModelDeployment.id),
        default_sort=(("created_at", False),),
    )


def _joined():
    return select(ModelDeployment, Creator).join(Creator,
                                                 Creator.id == ModelDeployment.deployer_id)


def list_deployments(session: Session, build: ModelBuild, params: dict[str, Any],
                     now: float) -> Page:
    query = _joined().where(ModelDeployment.build_id == build.id)
    return page(session, query, listing(now), params)


def get_deployment_row(session: Session, build: ModelBuild,
                       deployment_id: str) -> tuple[ModelDeployment, User]:
    row = session.execute(_joined().where(ModelDeployment.id == deployment_id,
                                          ModelDeployment.build_id == build.id)).first()
    if row is None:
        raise NotFound(f"deployment {deployment_id!r} not found for build {build.id!r}")
    return row[0], row[1]


def _resource(body: dict[str, Any], field: str, default: float) -> float:
    """A proto3 zero means "not sent": the model's default applies."""
    value = body.get(field)
    if value is None or value == 0:
        return default
    if value < 0:
        raise InvalidArgument(f"{field} must not be negative")
    return value


def sizing(body: dict[str, Any], model: Any) -> dict[str, Any]:
    """cpu, memory, nvidia_gpu and replicas of a new deployment: what ``body`` asks for, else
    the model's defaults (``model`` a Model or its row as a dict). CreateModelDeployment and
    the fixture loader both size deployments here."""
    def default(name: str) -> Any:
        return model[name] if isinstance(model, dict) else getattr(model, name)

    gpus = body.get("nvidia_gpus")
    if gpus is not None and gpus < 0:
        raise InvalidArgument("nvidia_gpus must not be negative")
    return {
        "cpu": _resource(body, "cpu", default("cpu_millicores") / 1000),
        "memory": _resource(body, "memory", default("memory_mb") / 1024),
        # Quirk copied from CML: the request says nvidia_gpus, the answer nvidia_gpu.
        "nvidia_gpu": default("nvidia_gpus") if gpus is None else gpus,
        "replicas": int(_resource(body, "replicas", default("num_replicas"))),
    }


def _environment(body: dict[str, Any]) -> dict[str, str]:
    env = body.get("environment") or {}
    if not isinstance(env, dict):
        raise InvalidArgument("environment must be an object")
    return {str(k): str(v) for k, v in env.items()}


def _require_built(build: ModelBuild, now: float) -> None:
    status = BUILD.status_at(build, now)
    if status != BUILT:
        raise FailedPrecondition(
            f"build {build.id!r} is {status!r}; only a built build can be deployed")


def create_deployment(
    session: Session, user: Actor, model: Model, build: ModelBuild, body: dict[str, Any],
    now: float, settings: Settings, *, require_built: bool = False,
    deployment_id: str | None = None,
) -> ModelDeployment:
    """A deployment of ``build``. CreateModelDeployment needs the build built now
    (FAILED_PRECONDITION otherwise); an automatic deployment (auto_deploy_model) waits
    pending for its build instead and fails if the build fails."""
    if require_built:
        _require_built(build, now)
    env = _environment(body)
    # A script queued through /_mock/outcomes for this build's next deployment.
    queued = lc.queued_env(scripts.pop(session, "model_deployment", build.id))
    script = lc.script_of({**queued, **env}, settings)
    size = sizing(body, model)
    deployment_id = deployment_id or new_id()
    deployment = ModelDeployment(
        id=deployment_id, project_id=model.project_id, model_id=model.id, build_id=build.id,
        deployer_id=user.id, crn=crn(deployment_id),
        **size, environment=jsonfield.dump(env), created_at=now,
    )
    for field in _COUNTS:
        setattr(deployment, field, int(_resource(body, field, getattr(model, field))))
    planned = lc.plan(now, script, settings.time_scale, build.finished_at, build.final_status)
    deployment.deploying_at, deployment.finished_at = planned.deploying_at, planned.finished_at
    deployment.final_status = planned.final_status
    _stop_others(session, model.id, deployment_id, now, settings)
    session.add(deployment)
    session.flush()
    return deployment


def _stop(deployment: ModelDeployment, now: float, settings: Settings) -> None:
    """Phases the deployment never reached are forgotten (the declared stop path)."""
    lc.DEPLOYMENT.stop_row(deployment, now, lc.DEPLOYMENT.stop_length(settings))


def _stop_others(session: Session, model_id: str, keep: str, now: float,
                 settings: Settings) -> None:
    others = session.execute(
        select(ModelDeployment).where(
            col(ModelDeployment.model_id) == model_id, col(ModelDeployment.id) != keep,
            lc.DEPLOYMENT.status_sql(ModelDeployment, now).in_(lc.STOPPABLE),
        )
    ).scalars().all()
    for other in others:
        _stop(other, now, settings)
        session.add(other)


def stop_deployment(session: Session, deployment: ModelDeployment, now: float,
                    settings: Settings) -> None:
    refused = f"deployment {deployment.id!r} is {{status}}; nothing to stop"
    if lc.DEPLOYMENT.request_stop(deployment, now, lc.DEPLOYMENT.stop_length(settings),
                                  refused):
        session.add(deployment)


def restart_deployment(session: Session, deployment: ModelDeployment, build: ModelBuild,
                       now: float, settings: Settings) -> None:
    status = lc.DEPLOYMENT.status_at(deployment, now)
    if not lc.DEPLOYMENT.can_restart(status):
        raise FailedPrecondition(
            f"deployment {deployment.id!r} is {status}; only a stopped, deployed or failed "
            "deployment can be restarted")
    _require_built(build, now)
    # ...or for this deployment's next restart.
    queued = lc.queued_env(scripts.pop(session, "model_deployment", deployment.id))
    script = lc.script_of({**queued, **jsonfield.load(deployment.environment)}, settings)
    planned = lc.restart_plan(now, script, settings.time_scale)
    deployment.deploying_at, deployment.finished_at = planned.deploying_at, planned.finished_at
    deployment.final_status = planned.final_status
    deployment.stop_at = deployment.stopped_at = None
    _stop_others(session, deployment.model_id, deployment.id, now, settings)
    session.add(deployment)
