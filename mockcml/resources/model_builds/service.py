"""Model-build rules: validation and planning of a new build, listing, deletion."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, select
from sqlmodel import Session, col

from mockcml.core.actors import Actor, ProjectRef
from mockcml.core.errors import FailedPrecondition, InvalidArgument, NotFound
from mockcml.kit.ids import new_id
from mockcml.kit.listing import Listing, Page, one_of, page, substring
from mockcml.kit.users import Creator, user_filters, user_keys
from mockcml.lifecycle import scripts
from mockcml.resources.model_builds import lifecycle
from mockcml.resources.model_builds.tables import ModelBuild
from mockcml.resources.models.ids import crn
from mockcml.resources.models.tables import Model
from mockcml.resources.projects.tables import check_kernel, workload_kernel
from mockcml.resources.users.tables import User
from mockcml.settings import Settings

_TEXT = ("comment", "file_path", "function_name", "runtime_identifier",
         "registered_model_version_id", "model_root_dir", "build_script_path")
_COUNTS = ("accelerator_label_id", "resource_group_id", "resource_profile_id")


def listing(now: float) -> Listing:
    """ListModelBuilds filters and sorts, with the status and times as of ``now``."""
    status = lifecycle.BUILD.status_sql(ModelBuild, now)
    return Listing(
        model="ModelBuild",
        filters={
            "comment": substring(col(ModelBuild.comment)),
            **user_filters("creator", Creator),
            "crn": substring(col(ModelBuild.crn)),
            "status": one_of(status, {v: v for v in lifecycle.FILTER_VALUES}),
        },
        sorts={
            "built_at": lifecycle.built_at_sql(ModelBuild, now),
            "comment": col(ModelBuild.comment), "created_at": col(ModelBuild.created_at),
            **user_keys("creator", Creator), "crn": col(ModelBuild.crn), "status": status,
            "updated_at": lifecycle.BUILD.changed_sql(ModelBuild, now),
        },
        tiebreak=col(ModelBuild.id),
        default_sort=(("created_at", False),),
    )


def _joined():
    return select(ModelBuild, Creator).join(Creator, Creator.id == ModelBuild.creator_id)


def list_builds(session: Session, model: Model, params: dict[str, Any], now: float) -> Page:
    return page(session, _joined().where(ModelBuild.model_id == model.id), listing(now), params)


def get_build_row(session: Session, model: Model, build_id: str) -> tuple[ModelBuild, User]:
    row = session.execute(
        _joined().where(ModelBuild.id == build_id, ModelBuild.model_id == model.id)
    ).first()
    if row is None:
        raise NotFound(f"build {build_id!r} not found for model {model.id!r}")
    return row[0], row[1]


def get_build(session: Session, model: Model, build_id: str) -> ModelBuild:
    return get_build_row(session, model, build_id)[0]


def _validate(build: ModelBuild, project: ProjectRef) -> None:
    # A build from the model registry names a registered version instead of a file.
    if not build.registered_model_version_id:
        if not build.file_path.strip():
            raise InvalidArgument("file_path must not be empty")
        if not build.function_name.strip():
            raise InvalidArgument("function_name must not be empty")
    check_kernel(build.kernel)
    build.kernel = workload_kernel(project.default_engine_type, build.runtime_identifier,
                                   build.kernel)


def create_build(
    session: Session, user: Actor, project: ProjectRef, model: Model, body: dict[str, Any],
    now: float, settings: Settings, *, auto_deploy: bool = False,
    deployment: dict[str, Any] | None = None, build_id: str | None = None,
) -> ModelBuild:
    """A new build, its whole lifecycle planned now (see ``lifecycle``); with
    ``auto_deploy`` a deployment is created too and waits for the build."""
    from mockcml.resources.model_deployments.service import create_deployment

    build_id = build_id or new_id()
    build = ModelBuild(id=build_id, project_id=project.id, model_id=model.id,
                       creator_id=user.id, crn=crn(build_id), created_at=now)
    for field in _TEXT:
        if body.get(field) is not None:
            setattr(build, field, body[field])
    build.kernel = body.get("kernel") or ""
    for field in _COUNTS:
        if body.get(field) is not None:
            if body[field] < 0:
                raise InvalidArgument(f"{field} must not be negative")
            setattr(build, field, body[field])
    build.runtime_addon_identifiers = json.dumps(body.get("runtime_addon_identifiers") or [])
    _validate(build, project)
    # A script queued through /_mock/outcomes for this model's next build; words in the
    # build's own comment win over it.
    queued = scripts.pop(session, "model_build", model.id) or {}
    planned = lifecycle.plan(now, f"{lifecycle.queued_words(queued)} {build.comment}",
                             settings.time_scale, settings)
    build.queued_at, build.pushing_at = planned.queued_at, planned.pushing_at
    build.finished_at, build.final_status = planned.finished_at, planned.final_status
    session.add(build)
    session.flush()
    if auto_deploy:
        create_deployment(session, user, model, build, deployment or {}, now, settings)
    return build


def delete_build(session: Session, build: ModelBuild, now: float) -> None:
    """[inferred] A build still served (a deployment pending, deploying, deployed or
    stopping) is not deleted: FAILED_PRECONDITION. Its stopped or failed deployments go
    with it."""
    from mockcml.resources.model_deployments.lifecycle import ACTIVE, DEPLOYMENT
    from mockcml.resources.model_deployments.tables import ModelDeployment

    active = session.execute(
        select(col(ModelDeployment.id)).where(
            col(ModelDeployment.build_id) == build.id,
            DEPLOYMENT.status_sql(ModelDeployment, now).in_(ACTIVE),
        )
    ).first()
    if active is not None:
        raise FailedPrecondition(
            f"build {build.id!r} has an active deployment ({active[0]!r}); stop it first")
    session.execute(delete(ModelDeployment).where(col(ModelDeployment.build_id) == build.id))
    session.delete(build)
