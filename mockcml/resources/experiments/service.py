"""Experiment rules: names unique per project, MLflow's soft delete and restore, listing.

Deleting an experiment does what MLflow does: ``lifecycle_stage`` becomes ``deleted``,
the experiment and its runs stay readable, nothing in it can be written, lists leave it
out, and its name stays taken. A PATCH setting ``lifecycle_stage`` back to ``active``
restores it. Deleting the project removes everything for good.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from mockcml.core.actors import Actor, ProjectRef
from mockcml.core.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from mockcml.kit.ids import new_id
from mockcml.kit.listing import Listing, Page, by_name, one_in_project, page, substrings
from mockcml.kit.users import Creator, user_filters, user_keys
from mockcml.resources.experiments.tables import Experiment, encode_tags, experiment_row
from mockcml.resources.experiments.validation import (
    MAX_EXPERIMENT_TAG_VALUE_LENGTH,
    key_values,
)
from mockcml.resources.projects.tables import Project
from mockcml.resources.users.tables import User

ACTIVE, DELETED = "active", "deleted"
LIFECYCLE_STAGES = (ACTIVE, DELETED)
# [inferred] Where CML keeps a project's MLflow artifacts when the client names no location.

# [inferred] The reference names no filter or sort keys for ListExperiments and
# ListAllExperiments; these follow the Experiment fields and the creator.* convention of
# the other lists (the creator is the experiment's ``user``, so user.* works as well).
_USER_FILTERS = {
    **user_filters("creator", Creator),
    **user_filters("user", Creator),
}
EXPERIMENT_LISTING = Listing(
    model="Experiment",
    filters={
        **substrings(Experiment.name, Experiment.artifact_location, Experiment.lifecycle_stage),
        **_USER_FILTERS,
    },
    sorts={
        **by_name(Experiment.name, Experiment.created_at, Experiment.updated_at),
        **user_keys("creator", Creator),
        **user_keys("user", Creator),
    },
    tiebreak=col(Experiment.id),
    default_sort=(("created_at", False),),
)


def joined():
    return select(Experiment, Creator).join(Creator, Creator.id == Experiment.user_id)


def _active_unless_asked(query, params: dict[str, Any]):
    """Like MLflow's ACTIVE_ONLY view: deleted experiments are listed only when the filter
    names ``lifecycle_stage``."""
    try:
        asked = "lifecycle_stage" in json.loads(params.get("search_filter") or "{}")
    except (ValueError, TypeError, RecursionError):
        asked = False  # page() rejects the malformed filter
    return query if asked else query.where(Experiment.lifecycle_stage == ACTIVE)


def list_experiments(session: Session, project_id: str, params: dict[str, Any]) -> Page:
    query = _active_unless_asked(joined().where(Experiment.project_id == project_id), params)
    return page(session, query, EXPERIMENT_LISTING, params)


def list_all_experiments(session: Session, project_clause, params: dict[str, Any]) -> Page:
    query = joined().join(Project, Project.id == Experiment.project_id)
    if project_clause is not None:
        query = query.where(project_clause)
    return page(session, _active_unless_asked(query, params), EXPERIMENT_LISTING, params)


def get_experiment(session: Session, project_id: str, experiment_id: str) -> Experiment:
    experiment = session.get(Experiment, experiment_id)
    if experiment is None or experiment.project_id != project_id:
        raise NotFound(f"experiment {experiment_id!r} not found in project {project_id!r}")
    return experiment


def get_experiment_row(session: Session, project_id: str, experiment_id: str
                       ) -> tuple[Experiment, User]:
    return one_in_project(session, joined(), Experiment, experiment_id,
                          project_id, "experiment")


def require_active(experiment: Experiment) -> None:
    """Nothing can be created or logged in a deleted experiment (MLflow's rule)."""
    if experiment.lifecycle_stage != ACTIVE:
        raise FailedPrecondition(
            f"experiment {experiment.id!r} is deleted; restore it (lifecycle_stage "
            "\"active\") before changing it or its runs")


def _check_name(session: Session, project_id: str, name: Any, exclude: str | None = None) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidArgument("experiment name must not be empty")
    query = select(col(Experiment.lifecycle_stage)).where(
        col(Experiment.project_id) == project_id, col(Experiment.name) == name)
    if exclude:
        query = query.where(col(Experiment.id) != exclude)
    stage = session.execute(query).scalar()
    if stage == DELETED:
        raise AlreadyExists(f"experiment {name!r} already exists in deleted state; restore "
                            "it or choose another name")
    if stage is not None:
        raise AlreadyExists(f"experiment {name!r} already exists in this project")
    return name


def _tags(value: list | None) -> str:
    return encode_tags(key_values(value, MAX_EXPERIMENT_TAG_VALUE_LENGTH, "experiment tag"))


def create_experiment(
    session: Session, user: Actor, project: ProjectRef, body: dict[str, Any], now: float,
    *, experiment_id: str | None = None,
) -> Experiment:
    name = _check_name(session, project.id, body.get("name"))
    pairs = key_values(body.get("tags"), MAX_EXPERIMENT_TAG_VALUE_LENGTH, "experiment tag")
    # lifecycle_stage is output-only in a create request: a new experiment is active.
    fields = {**body, "lifecycle_stage": None}
    experiment = Experiment(**experiment_row(experiment_id or new_id(), project.id, user.id,
                                             name, fields, pairs, now))
    session.add(experiment)
    session.flush()
    return experiment


# Fields of the Experiment body that a PATCH cannot change; they are ignored like the
# other output-only fields (the path already fills id and project_id).
_READ_ONLY = ("id", "project_id", "created_at", "updated_at", "user")


def update_experiment(session: Session, experiment: Experiment, body: dict[str, Any],
                      now: float) -> None:
    """PATCH semantics: only the fields present change; ``tags`` replaces the whole list."""
    # A null is "not set" in proto3 JSON.
    changes = {k: v for k, v in body.items() if k not in _READ_ONLY and v is not None}
    stage = changes.get("lifecycle_stage")
    if stage is not None and stage not in LIFECYCLE_STAGES:
        raise InvalidArgument(f"lifecycle_stage must be one of {list(LIFECYCLE_STAGES)}")
    name, location, tags = experiment.name, experiment.artifact_location, experiment.tags
    if "name" in changes and changes["name"] != experiment.name:
        name = _check_name(session, experiment.project_id, changes["name"],
                           exclude=experiment.id)
    if changes.get("artifact_location"):
        location = changes["artifact_location"]
    if "tags" in changes:
        tags = _tags(changes["tags"])
    changed = (name, location, tags) != (
        experiment.name, experiment.artifact_location, experiment.tags)
    # A deleted experiment can only be restored (possibly together with other changes);
    # sending back what a GET returned is harmless.
    if changed and stage != ACTIVE:
        require_active(experiment)
    experiment.name, experiment.artifact_location, experiment.tags = name, location, tags
    if stage is not None:
        experiment.lifecycle_stage = stage
    experiment.updated_at = now
    session.add(experiment)


def delete_experiment(session: Session, experiment: Experiment, now: float) -> None:
    """Soft delete, as MLflow does; asking twice changes nothing."""
    if experiment.lifecycle_stage == DELETED:
        return
    experiment.lifecycle_stage = DELETED
    experiment.updated_at = now
    session.add(experiment)
