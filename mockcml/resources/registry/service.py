"""Model registry rules: registering versions, who sees and changes a model, listings.

Who may do what [inferred; the reference only names the Visibility enum]:
  see     a PUBLIC model: every signed-in user; a PRIVATE one: its owner and site admins
  change  update, delete, add versions: the owner and site admins

A new version spends settings.register_seconds (× time_scale) in REGISTERING while its
artifacts are copied, then is REGISTERED. The status is read off the planned end time and
the clock, never stored, so a GET never writes and a clock jump moves every version.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, func, literal, or_, select
from sqlmodel import Session, col

from mockcml.core.actors import Actor
from mockcml.core.errors import AlreadyExists, InvalidArgument, NotFound, PermissionDenied
from mockcml.kit.ids import new_id
from mockcml.kit.listing import Listing, Matcher, Page, page, substring
from mockcml.kit.users import Creator, Owner, user_filters, user_keys
from mockcml.lifecycle import engine
from mockcml.lifecycle.engine import Lifecycle, Phase
from mockcml.resources.registry.tables import RegisteredModel, RegisteredModelVersion, version_row
from mockcml.resources.users.service import get_user_by_id
from mockcml.resources.users.tables import User
from mockcml.settings import Settings

Model = RegisteredModel
Version = RegisteredModelVersion
VISIBILITIES = ("PRIVATE", "PUBLIC")
REGISTERING, REGISTERED = "REGISTERING", "REGISTERED"
# The version lifecycle: REGISTERING until its copy ends at registered_at.
VERSION = Lifecycle(name="registered model version", initial=REGISTERING,
                    phases=(Phase(REGISTERED, "registered_at"),), terminal=(REGISTERED,),
                    lengths={"registering": "register_seconds"})
REGISTER_SECONDS = engine.length(None, "register_seconds")  # the Settings default
REQUIRED = ("project_id", "experiment_id", "run_id", "model_path", "model_name")


def status_at(version: Version, now: float) -> str:
    return VERSION.status_at(version, now)


def status_sql(now: float):  # noqa: ANN201 - a SQL expression
    """``status_at`` in SQL, for the ``status`` sort key."""
    return VERSION.status_sql(Version, now)


def can_view(user: Actor, model: Model) -> bool:
    return model.owner_id == user.id or user.is_admin or model.visibility == "PUBLIC"


def can_change(user: Actor, model: Model) -> bool:
    return model.owner_id == user.id or user.is_admin


def permission_of(user: Actor, model: Model) -> str:
    """RegisteredModel.permission, "Permission of the user requesting the model".

    [inferred] The vocabulary is not documented: owner for the owner, admin for a site
    admin, read for anyone else who can see the model.
    """
    if model.owner_id == user.id:
        return "owner"
    if user.is_admin:
        return "admin"
    return "read"


def require_model(session: Session, user: Actor, model_id: str, change: bool = False) -> Model:
    """NOT_FOUND for a model the caller may not see, PERMISSION_DENIED for one it may
    see but not change."""
    model = session.get(Model, model_id)
    if model is None or not can_view(user, model):
        raise NotFound(f"registered model {model_id!r} not found")
    if change and not can_change(user, model):
        raise PermissionDenied(
            f"user {user.username!r} may not change registered model {model_id!r}")
    return model


# --- listings -----------------------------------------------------------------------

def _equals(expr) -> Matcher:  # noqa: ANN001
    """Exact match: ``creator_id`` names one user ("<sso name or user name>")."""
    return lambda value: expr == str(value)


def _version_number(value: Any):  # noqa: ANN202
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InvalidArgument(f"search_filter: version_number {value!r} is not a number") from None
    return Version.number == number


_COUNT = (select(func.count()).where(col(Version.model_id) == col(Model.id))
          .correlate(Model).scalar_subquery())
# The reference's sort keys for both registry listings are the job listing's keys
# (kernel, script, ... are copied from it); keys a model or version has no field for
# are accepted and sort as empty strings, like the job listing's "description".
MODEL_LISTING = Listing(
    model="RegisteredModelDetails",
    filters={"model_name": substring(col(Model.name)), "creator_id": _equals(Creator.username),
             "model_id": substring(col(Model.id)),
             **user_filters("owner", Owner)},
    sorts={
        "created_at": col(Model.created_at), "updated_at": col(Model.updated_at),
        **user_keys("creator", Creator), "description": col(Model.description),
        "kernel": literal(""), "name": col(Model.name), "script": literal(""),
        "status": literal(""),
    },
    tiebreak=col(Model.id),
    default_sort=(("created_at", False),),
)


def version_listing(now: float) -> Listing:
    return Listing(
        model="RegisteredModelVersion",
        filters={"version_number": _version_number, "creator_id": _equals(Creator.username),
                 "model_version_id": substring(col(Version.id)),
                 "status": substring(status_sql(now)),
                 **user_filters("user", Creator)},
        sorts={
            "created_at": col(Version.created_at), "updated_at": col(Version.updated_at),
            **user_keys("creator", Creator), "description": col(Version.notes),
            "kernel": literal(""), "name": col(Version.version_name), "script": literal(""),
            "status": status_sql(now),
            # Not in the key list, but the reference's own example is sort=-versions.
            "versions": col(Version.number),
        },
        tiebreak=col(Version.id),
        default_sort=(("versions", False),),
    )


def _models():
    return (
        select(Model, Owner, _COUNT.label("count"))
        .join(Owner, Owner.id == Model.owner_id)
        .join(Creator, Creator.id == Model.creator_id)
    )


def list_models(session: Session, user: Actor, params: dict[str, Any]) -> Page:
    """Rows of (model, owner, version count) the caller may see."""
    query = _models()
    if not user.is_admin:
        query = query.where(or_(col(Model.owner_id) == user.id, col(Model.visibility) == "PUBLIC"))
    return page(session, query, MODEL_LISTING, params)


def model_row(session: Session, model: Model) -> tuple[Model, User, int]:
    row = session.execute(_models().where(Model.id == model.id)).one()
    return row[0], row[1], row[2]


def list_versions(session: Session, model: Model, params: dict[str, Any], now: float) -> Page:
    """Rows of (version, registering user)."""
    query = (
        select(Version, Creator).join(Creator, col(Creator.id) == col(Version.user_id))
        .where(col(Version.model_id) == model.id)
    )
    return page(session, query, version_listing(now), params)


def get_version(session: Session, model: Model, version_id: str) -> tuple[Version, User]:
    row = session.execute(
        select(Version, Creator).join(Creator, col(Creator.id) == col(Version.user_id))
        .where(col(Version.id) == version_id, col(Version.model_id) == model.id)
    ).first()
    if row is None:
        raise NotFound(f"version {version_id!r} of registered model {model.id!r} not found")
    return row[0], row[1]


# --- changes ------------------------------------------------------------------------

def tag_pairs(tags: list[dict[str, Any]] | None) -> list[tuple[str, str]]:
    out = []
    for i, tag in enumerate(tags or []):
        if not (tag.get("key") or "").strip():
            raise InvalidArgument(f"tags[{i}]: key must not be empty")
        out.append((tag["key"], tag.get("value") or ""))
    return out


def parse_tags(tags: list[dict[str, Any]] | None) -> str:
    return json.dumps([{"key": k, "value": v} for k, v in tag_pairs(tags)],
                      separators=(",", ":"))


def _model_for(session: Session, user: Actor, body: dict[str, Any], now: float) -> Model:
    """The model named in ``body``: an existing one the caller may change, or a new one.

    Description and visibility describe the model, so they apply when it is created;
    adding a version to an existing model leaves them as they are [inferred].
    """
    name = body["model_name"]
    model = session.execute(select(Model).where(Model.name == name)).scalar_one_or_none()
    if model is not None:
        if not can_view(user, model):
            raise AlreadyExists(f"a registered model named {name!r} already exists")
        if not can_change(user, model):
            raise PermissionDenied(
                f"user {user.username!r} may not add versions to registered model {name!r}")
        return model
    model = Model(
        id=new_id(), name=name, description=body.get("description") or "",
        visibility=body.get("visibility") or "PRIVATE", creator_id=user.id, owner_id=user.id,
        created_at=now, updated_at=now,
    )
    session.add(model)
    return model


def register(
    session: Session, user: Actor, body: dict[str, Any], now: float, settings: Settings,
    workspace_url: str,
) -> tuple[Model, Version]:
    """CreateRegisteredModel: a new version, numbered 1, 2, ... within its model.

    The caller must be able to view ``project_id`` (checked by the handler); the
    experiment and run ids are recorded as given.
    """
    for field in REQUIRED:
        if not (body.get(field) or "").strip():
            raise InvalidArgument(f"{field} must not be empty")
    tags = tag_pairs(body.get("tags"))
    model = _model_for(session, user, body, now)
    model.last_number += 1
    model.updated_at = now
    # The version name is not a request field: the model's count names it.
    fields = {**body, "version_name": None, "workspace_url": workspace_url}
    registered_at = engine.plan(now, (settings.register_seconds,), settings.time_scale)[1]
    version = Version(**version_row(new_id(), model.id, model.last_number, fields, tags,
                                    user.id, now, registered_at))
    session.add(model)
    session.add(version)
    session.flush()
    return model, version


def update_model(session: Session, model: Model, body: dict[str, Any], now: float) -> None:
    """PATCH semantics: only the fields sent change.

    ``user_id`` [inferred] hands the model to another user (the users table's id);
    an empty value changes nothing.
    """
    if "description" in body:
        model.description = body["description"] or ""
    if body.get("visibility") is not None:
        model.visibility = body["visibility"]
    if body.get("user_id"):
        owner = get_user_by_id(session, body["user_id"])
        if owner is None:
            raise InvalidArgument(f"user_id: user {body['user_id']!r} not found")
        model.owner_id = owner.id
    model.updated_at = now
    session.add(model)


def update_version(session: Session, version: Version, body: dict[str, Any], now: float) -> None:
    if "notes" in body:
        version.notes = body["notes"] or ""
    if body.get("tags") is not None:
        version.tags = parse_tags(body["tags"])
    version.updated_at = now
    session.add(version)


def delete_model(session: Session, model: Model) -> None:
    """A model goes with all its versions."""
    session.execute(delete(Version).where(col(Version.model_id) == model.id))
    session.delete(model)


def delete_version(session: Session, model: Model, version: Version, now: float) -> None:
    """The model stays, even with no version left; its numbers are not reused."""
    session.delete(version)
    model.updated_at = now
    session.add(model)
