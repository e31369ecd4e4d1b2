"""Project rules: creation, partial update, deletion, listing and collaborators."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import BindParameter, and_, bindparam, delete, or_, select
from sqlmodel import Session, col

from mockcml.core.actors import Actor, ProjectRef, Reader
from mockcml.core.errors import AlreadyExists, InvalidArgument, NotFound
from mockcml.kit import jsonfield
from mockcml.kit.ids import new_id
from mockcml.kit.listing import Listing, Page, by_name, page, substrings
from mockcml.kit.sql import fetch_record, table_of, taken
from mockcml.kit.users import Creator, Owner, ShortUser, user_filters, user_keys
from mockcml.resources.projects.access import (
    PERMISSIONS,
    VISIBLE_TO_ALL,
    Access,
    access_of,
    grant,
    require,
)
from mockcml.resources.projects.tables import SHARED_MEMORY_MB, Collaborator, Project, project_row
from mockcml.resources.users.service import get_user
from mockcml.resources.users.tables import User

VISIBILITIES = ("public", "organization", "private")
ENGINE_TYPES = ("ml_runtime", "legacy_engine")
_MINE = table_of(Collaborator).alias("mine")

PROJECT_LISTING = Listing(
    model="Project",
    filters={
        **substrings(Project.name, Project.description),
        **user_filters("creator", Creator),
        **user_filters("owner", Owner),
    },
    sorts={
        **by_name(Project.name, Project.description, Project.created_at, Project.updated_at),
        **user_keys("creator", Creator),
        **user_keys("owner", Owner),
    },
    tiebreak=col(Project.id),
    default_sort=(("created_at", False),),
)


def _joined(user: Actor):
    """Projects with owner, creator and the caller's own collaborator permission."""
    return (
        select(Project, Owner, Creator, _MINE.c.permission)
        .join(Owner, col(Owner.id) == col(Project.owner_id))
        .join(Creator, col(Creator.id) == col(Project.creator_id))
        .outerjoin(_MINE, and_(_MINE.c.project_id == col(Project.id), _MINE.c.user_id == user.id))
    )


def access_from_row(user: Actor, project: ProjectRef, permission: str | None) -> Access:
    return grant(user, project.owner_id, project.visibility, permission)


def visible_clause(user: Actor, include_public: bool, include_all: bool):
    if include_all and user.is_admin:
        return None
    mine = or_(col(Project.owner_id) == user.id, _MINE.c.permission.is_not(None))
    if include_public:
        return or_(mine, col(Project.visibility).in_(VISIBLE_TO_ALL))
    return mine


def viewable_projects(user: Actor):
    """Every project the user may view, as a clause needing no join (None: all of them)."""
    if user.is_admin:
        return None
    theirs = select(col(Collaborator.project_id)).where(col(Collaborator.user_id) == user.id)
    return or_(col(Project.owner_id) == user.id, col(Project.id).in_(theirs),
               col(Project.visibility).in_(VISIBLE_TO_ALL))


_CALLER: BindParameter[int] = bindparam("caller_id")


@cache
def _plain():
    """Projects as labelled columns (owner ``o_*``, creator ``k_*``), built once: the
    caller is a bound parameter (``caller_id``)."""
    return (
        select(*table_of(Project).columns,
               Owner.username.label("o_username"), Owner.name.label("o_name"),
               Owner.email.label("o_email"), Creator.username.label("k_username"),
               Creator.name.label("k_name"), Creator.email.label("k_email"),
               _MINE.c.permission.label("caller_permission"))
        .join(Owner, Owner.id == Project.owner_id)
        .join(Creator, Creator.id == Project.creator_id)
        .outerjoin(_MINE, and_(_MINE.c.project_id == Project.id, _MINE.c.user_id == _CALLER))
    )


@cache
def _listed(include_public: bool, everything: bool):
    if everything:
        return _plain()
    mine = or_(col(Project.owner_id) == _CALLER, _MINE.c.permission.is_not(None))
    if include_public:
        mine = or_(mine, col(Project.visibility).in_(VISIBLE_TO_ALL))
    return _plain().where(mine)


def split_row(user: Actor, row: Any) -> tuple[Any, ShortUser, ShortUser, Access]:
    """(project, owner, creator, access) from one plain row of ``_plain`` or _PROJECT_ROW."""
    owner = ShortUser(row.o_username, row.o_name, row.o_email)
    creator = ShortUser(row.k_username, row.k_name, row.k_email)
    return row, owner, creator, grant(user, row.owner_id, row.visibility, row.caller_permission)


def list_projects(session: Reader, user: Actor, params: dict[str, Any]) -> Page:
    include_all = bool(params.get("include_all_projects"))
    everything = include_all and user.is_admin
    # The spec: for a caller who is not a site admin, include_all_projects means what
    # include_public_projects means.
    include_public = bool(params.get("include_public_projects")) or include_all
    query = _listed(include_public, everything)
    return page(session, query, PROJECT_LISTING, params, plain=True,
                binds={"caller_id": user.id}, reuse=True)


def list_project_names(session: Session, user: Actor, params: dict[str, Any]) -> Page:
    listing = Listing(filters=substrings(Project.name), sorts=by_name(Project.name),
                      tiebreak=col(Project.id), default_sort=(("name", False),))
    query = (
        select(col(Project.name))
        .outerjoin(_MINE, and_(_MINE.c.project_id == col(Project.id), _MINE.c.user_id == user.id))
        .where(visible_clause(user, False, False))
    )
    return page(session, query, listing, params)


_PROJECT_ROW = """
    SELECT p.*, c.permission AS caller_permission,
           o.username AS o_username, o.name AS o_name, o.email AS o_email,
           k.username AS k_username, k.name AS k_name, k.email AS k_email
    FROM projects p
    JOIN users o ON o.id = p.owner_id
    JOIN users k ON k.id = p.creator_id
    LEFT JOIN collaborators c ON c.project_id = p.id AND c.user_id = :user_id
    WHERE p.id = :project_id
"""


def get_project_row(session: Reader, user: Actor, project_id: str) -> tuple:
    """(project, owner, creator, access) for GetProject: one plain-SQL query, no ORM."""
    row = fetch_record(session, _PROJECT_ROW, user_id=user.id, project_id=project_id)
    found = split_row(user, row) if row is not None else None
    if found is None or not found[3].allows("view"):
        raise NotFound(f"project {project_id!r} not found")
    return found


def batch(session: Session, user: Actor, ids: list[str]) -> list[tuple]:
    if not ids:
        return []
    rows = session.execute(_joined(user).where(col(Project.id).in_(ids))).all()
    by_id = {row[0].id: row for row in rows}
    out = []
    for project_id in dict.fromkeys(ids):
        row = by_id.get(project_id)
        if row is None:
            continue
        access = access_from_row(user, row[0], row[3])
        if access.allows("view"):
            out.append((row[0], row[1], row[2], access))
    return out


def _check_choice(value: str, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise InvalidArgument(f"{field} must be one of {list(allowed)}, got {value!r}")
    return value


def _check_name(session: Session, owner_id: int, name: str, exclude: str | None = None) -> None:
    if not name.strip():
        raise InvalidArgument("project name must not be empty")
    if taken(session, Project, col(Project.owner_id) == owner_id, col(Project.name) == name,
             exclude=exclude):
        raise AlreadyExists(f"a project named {name!r} already exists for this owner")


def create_project(
    session: Session, user: Actor, body: dict[str, Any], now: float, *, project_id: str | None = None,
    owner: Actor | None = None,
) -> Project:
    owner = owner or user
    name = body.get("name") or ""
    _check_name(session, owner.id, name)
    _check_choice(body.get("visibility") or "private", VISIBILITIES, "visibility")
    _check_choice(body.get("default_project_engine_type") or "ml_runtime", ENGINE_TYPES,
                  "default_project_engine_type")
    # proto3: a shared_memory_limit of 0 is "not set", so it takes the default too.
    fields = {**body, "shared_memory_limit": body.get("shared_memory_limit") or SHARED_MEMORY_MB}
    project = Project(**project_row(project_id or new_id(), owner.id, user.id, fields, now))
    if project.shared_memory_limit < 0:
        raise InvalidArgument("shared_memory_limit must not be negative")
    session.add(project)
    session.flush()
    return project


def update_project(session: Session, project: Project, body: dict[str, Any], now: float) -> None:
    """PATCH semantics: only the fields present in the body change."""
    if "name" in body and body["name"] != project.name:
        _check_name(session, project.owner_id, body["name"], exclude=project.id)
        project.name = body["name"]
    if "description" in body:
        project.description = body["description"] or ""
    if "visibility" in body:
        project.visibility = _check_choice(body["visibility"], VISIBILITIES, "visibility")
    if "default_engine_type" in body:
        project.default_engine_type = _check_choice(
            body["default_engine_type"], ENGINE_TYPES, "default_engine_type"
        )
    for field in ("shared_memory_limit", "ephemeral_storage_request", "ephemeral_storage_limit"):
        if field in body:
            if body[field] is not None and body[field] < 0:
                raise InvalidArgument(f"{field} must not be negative")
            setattr(project, field, body[field] or 0)
    if "slug" in body and body["slug"]:
        project.slug = body["slug"]
    if "environment" in body:
        project.environment = jsonfield.dump(
            jsonfield.parse_env_string(body["environment"] or "", "project")
        )
    project.updated_at = now
    session.add(project)


def delete_project(session: Session, project: Project) -> None:
    from mockcml.resources.jobs.service import delete_jobs_of_project

    delete_jobs_of_project(session, project.id)
    session.execute(delete(Collaborator).where(col(Collaborator.project_id) == project.id))
    session.delete(project)


# --- collaborators ------------------------------------------------------------

COLLABORATOR_LISTING = Listing(
    model="Collaborator",
    filters={**substrings(User.username, Collaborator.permission), **user_filters("user", User)},
    sorts=by_name(User.username, Collaborator.permission),
    tiebreak=col(User.username),
    default_sort=(),
)


def list_collaborators(session: Session, project: ProjectRef, params: dict[str, Any]) -> Page:
    query = (
        select(User, col(Collaborator.permission))
        .join(Collaborator, col(Collaborator.user_id) == col(User.id))
        .where(col(Collaborator.project_id) == project.id)
    )
    return page(session, query, COLLABORATOR_LISTING, params)


def add_collaborator(
    session: Session, project: ProjectRef, username: str, permission: str, now: float
) -> None:
    _check_choice(permission or "", PERMISSIONS, "permission")
    user = get_user(session, username)
    if user is None:
        raise NotFound(f"user {username!r} not found")
    if user.id == project.owner_id:
        raise InvalidArgument(f"{username!r} owns the project and cannot be a collaborator")
    existing = session.get(Collaborator, (project.id, user.id))
    if existing is None:
        session.add(Collaborator(project_id=project.id, user_id=user.id, permission=permission,
                                 created_at=now))
    else:
        existing.permission = permission
        session.add(existing)


def remove_collaborator(session: Session, project: ProjectRef, username: str) -> None:
    user = get_user(session, username)
    existing = session.get(Collaborator, (project.id, user.id)) if user else None
    if existing is None:
        raise NotFound(f"{username!r} is not a collaborator of project {project.id!r}")
    session.delete(existing)


__all__ = [
    "access_of", "require", "list_projects", "get_project_row", "create_project",
    "update_project", "delete_project", "list_collaborators", "add_collaborator",
    "remove_collaborator",
]
