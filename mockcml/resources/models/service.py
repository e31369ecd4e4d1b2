"""Model rules: creation (with the optional automatic build and deployment), partial
update, deletion with everything under the model, and listing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlmodel import Session, col

from mockcml.core.actors import Actor, ProjectRef
from mockcml.core.errors import AlreadyExists, InvalidArgument, NotFound
from mockcml.kit.ids import new_id
from mockcml.kit.listing import (
    Listing,
    Page,
    boolean,
    by_name,
    one_in_project,
    page,
    substrings,
)
from mockcml.kit.sql import taken
from mockcml.kit.users import Creator, user_filters, user_keys
from mockcml.resources.models.ids import access_key, crn
from mockcml.resources.models.tables import Model
from mockcml.resources.projects.tables import Project
from mockcml.resources.users.tables import User
from mockcml.settings import Settings

MODEL_LISTING = Listing(
    model="Model",
    filters={
        "auth_enabled": boolean(col(Model.auth_enabled)),
        **user_filters("creator", Creator),
        **substrings(Model.description, Model.name),
    },
    sorts={
        **by_name(Model.auth_enabled, Model.created_at, Model.description, Model.name,
                  Model.updated_at),
        **user_keys("creator", Creator),
    },
    tiebreak=col(Model.id),
    default_sort=(("created_at", False),),
)
# Fields copied as they are, on create and on update.
_COUNTS = ("run_as", "accelerator_label_id", "resource_group_id", "resource_profile_id")


def joined():
    return select(Model, Creator).join(Creator, Creator.id == Model.creator_id)


def list_models(session: Session, project_id: str, params: dict[str, Any]) -> Page:
    return page(session, joined().where(Model.project_id == project_id), MODEL_LISTING, params)


def list_all_models(session: Session, project_clause, params: dict[str, Any]) -> Page:
    """[inferred] The contract names no filter keys for ListAllModels (and it takes no
    sort); the keys of ListModels are accepted."""
    query = joined().add_columns(Project).join(Project, Project.id == Model.project_id)
    if project_clause is not None:
        query = query.where(project_clause)
    return page(session, query, MODEL_LISTING, params)


def get_model(session: Session, project_id: str, model_id: str) -> Model:
    model = session.get(Model, model_id)
    if model is None or model.project_id != project_id:
        raise NotFound(f"model {model_id!r} not found in project {project_id!r}")
    return model


def get_model_row(session: Session, project_id: str, model_id: str) -> tuple[Model, User]:
    return one_in_project(session, joined(), Model, model_id, project_id,
                          "model")


def _check_name(session: Session, project_id: str, name: str | None,
                exclude: str | None = None) -> str:
    """[inferred] A model's name is required and unique within its project."""
    if name is None or not name.strip():
        raise InvalidArgument("model name must not be empty")
    if taken(session, Model, col(Model.project_id) == project_id, col(Model.name) == name,
             exclude=exclude):
        raise AlreadyExists(f"a model named {name!r} already exists in this project")
    return name


def _copy_counts(model: Model, body: dict[str, Any]) -> None:
    for field in _COUNTS:
        if body.get(field) is not None:
            if body[field] < 0:
                raise InvalidArgument(f"{field} must not be negative")
            setattr(model, field, body[field])


def create_model(
    session: Session, user: Actor, project: ProjectRef, body: dict[str, Any], now: float,
    settings: Settings, *, model_id: str | None = None,
) -> Model:
    from mockcml.resources.model_builds.service import create_build

    if body.get("auto_deploy_model") and not body.get("auto_build_model"):
        raise InvalidArgument("auto_deploy_model needs auto_build_model: only a build deploys")
    model_id = model_id or new_id()
    model = Model(
        id=model_id, project_id=project.id, creator_id=user.id, crn=crn(model_id),
        name=_check_name(session, project.id, body.get("name")),
        description=body.get("description") or "",
        access_key=access_key(),
        # The request says disable_authentication, the answer says auth_enabled.
        auth_enabled=not body.get("disable_authentication", False),
        registered_model_id=body.get("registered_model_id") or "",
        visibility=body.get("visibility") or "private",
        created_at=now, updated_at=now,
    )
    _copy_counts(model, body)
    session.add(model)
    session.flush()
    if body.get("auto_build_model"):
        create_build(session, user, project, model, body.get("auto_build_config") or {}, now,
                     settings, auto_deploy=bool(body.get("auto_deploy_model")),
                     deployment=body.get("auto_deployment_config") or {})
    return model


def _at_least(value: int, field: str, minimum: int) -> int:
    if value < minimum:
        raise InvalidArgument(f"{field} must be at least {minimum}")
    return value


def update_model(session: Session, model: Model, body: dict[str, Any], now: float) -> None:
    """PATCH semantics: only the fields present in the body change (nested ones too)."""
    if body.get("name") is not None and body["name"] != model.name:
        model.name = _check_name(session, model.project_id, body["name"], exclude=model.id)
    if body.get("description") is not None:
        model.description = body["description"]
    if body.get("visibility") is not None:
        model.visibility = body["visibility"]
    resources = body.get("default_resources") or {}
    if resources.get("cpu_millicores") is not None:
        model.cpu_millicores = _at_least(resources["cpu_millicores"], "cpu_millicores", 1)
    if resources.get("memory_mb") is not None:
        model.memory_mb = _at_least(resources["memory_mb"], "memory_mb", 1)
    if resources.get("nvidia_gpus") is not None:
        model.nvidia_gpus = _at_least(resources["nvidia_gpus"], "nvidia_gpus", 0)
    policy = body.get("default_replication_policy") or {}
    if policy.get("num_replicas") is not None:
        model.num_replicas = _at_least(policy["num_replicas"], "num_replicas", 1)
    if policy.get("type") is not None:
        model.replication_type = policy["type"]
    _copy_counts(model, body)
    model.updated_at = now
    session.add(model)


def delete_model(session: Session, model: Model) -> None:
    """Deployments first, then builds, then the model: nothing is left dangling."""
    from mockcml.resources.model_builds.tables import ModelBuild
    from mockcml.resources.model_deployments.tables import ModelDeployment

    session.execute(delete(ModelDeployment).where(col(ModelDeployment.model_id) == model.id))
    session.execute(delete(ModelBuild).where(col(ModelBuild.model_id) == model.id))
    session.delete(model)
