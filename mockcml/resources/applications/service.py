"""Application rules: validation, defaults, subdomains, partial update, stop and restart.

Scripting through the application's own ``environment`` (the variables are echoed back
like any other, so a client under test needs nothing but the real API). They are read
each time the app starts (create and ``:restart``) or stops, so a PATCH of the
environment takes effect at the next restart:

  MOCKCML_OUTCOME             ``running`` (the default) or ``failed``
  MOCKCML_STARTING_DURATION   seconds in APPLICATION_STARTING (default: settings)
  MOCKCML_DURATION            with ``failed``: seconds in APPLICATION_RUNNING before the
                              crash; without it the start itself fails (STARTING -> FAILED)
  MOCKCML_STOPPING_DURATION   seconds in APPLICATION_STOPPING after ``:stop`` (default:
                              settings)

All durations are mock seconds, multiplied by the server's time scale. A bad value is
INVALID_ARGUMENT on create and update.

A script queued through the control plane (``POST /_mock/outcomes`` with kind
``application``) is taken by the app's next ``:restart``; the environment wins over it.
Its ``outcome`` ``succeeded`` keeps the app running, ``failed`` (and ``timedout``, which
apps do not have) makes it fail; ``starting``, ``running`` and ``stopping`` are the
durations above; ``scheduling`` and ``message`` do not apply to applications.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from mockcml.core.actors import Actor, ProjectRef
from mockcml.core.errors import AlreadyExists, FailedPrecondition, InvalidArgument
from mockcml.kit import jsonfield
from mockcml.kit.ids import new_id
from mockcml.kit.listing import Listing, Page, boolean, one_in_project, one_of, page, substring
from mockcml.kit.users import Creator, user_filters, user_keys
from mockcml.lifecycle import durations, engine, scripts
from mockcml.resources.applications import lifecycle
from mockcml.resources.applications.lifecycle import APPLICATION
from mockcml.resources.applications.tables import Application
from mockcml.resources.projects.tables import Project, apply_sizes, workload_kernel
from mockcml.resources.users.tables import User
from mockcml.settings import Settings

ENV_OUTCOME = "MOCKCML_OUTCOME"
ENV_DURATION = "MOCKCML_DURATION"
ENV_STARTING = "MOCKCML_STARTING_DURATION"
ENV_STOPPING = "MOCKCML_STOPPING_DURATION"

# A subdomain becomes a DNS label of the app's URL: lower-case letters, digits and
# inner hyphens, at most 63 characters. [inferred from its use in a host name]
SUBDOMAIN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
# Create-request fields copied onto the application as they are.
_PLAIN = ("description", "kernel", "runtime_identifier", "bypass_authentication", "cdv_app")
_NON_NEGATIVE = ("nvidia_gpu", "run_as", "accelerator_label_id", "resource_group_id",
                 "resource_profile_id")
# Output-only fields of Application: a PATCH may send them back (a GET, edited) and
# they are ignored, as are the ids.
_READ_ONLY = ("id", "creator", "status", "created_at", "updated_at", "starting_at",
              "running_at", "stopped_at")


def listing(now: float) -> Listing:
    status = APPLICATION.status_sql(Application, now)
    return Listing(
        model="Application",
        filters={
            "bypass_authentication": boolean(col(Application.bypass_authentication)),
            **user_filters("creator", Creator),
            "description": substring(col(Application.description)),
            "kernel": substring(col(Application.kernel)),
            "name": substring(col(Application.name)),
            "script": substring(col(Application.script)),
            "status": one_of(status, lifecycle.FILTER_NAMES),
            "subdomain": substring(col(Application.subdomain)),
        },
        sorts={
            "created_at": col(Application.created_at), "updated_at": col(Application.updated_at),
            **user_keys("creator", Creator), "description": col(Application.description),
            "kernel": col(Application.kernel), "name": col(Application.name),
            "script": col(Application.script), "status": status,
        },
        tiebreak=col(Application.id),
        default_sort=(("created_at", False),),
    )


def _joined():
    return select(Application, Creator).join(Creator, Creator.id == Application.creator_id)


def list_apps(session: Session, project_id: str, params: dict[str, Any], now: float) -> Page:
    query = _joined().where(Application.project_id == project_id)
    return page(session, query, listing(now), params)


def get_row(session: Session, project_id: str, app_id: str) -> tuple[Application, User]:
    return one_in_project(session, _joined(), Application, app_id, project_id,
                          "application")


# --- scripting ----------------------------------------------------------------


# Outcomes a control-plane script may carry, as application outcomes.
_QUEUED_OUTCOMES = {"succeeded": "running", "failed": "failed", "timedout": "failed"}


def _env_seconds(env: dict[str, str], name: str) -> float | None:
    return durations.scripted(env, name, f"environment {name}")


def script_for(env: dict[str, str], queued: dict[str, Any] | None = None,
               settings: Settings | None = None) -> lifecycle.Script:
    """The environment wins over a queued script, which wins over the defaults."""
    queued = queued or {}
    outcome = env.get(ENV_OUTCOME) or _QUEUED_OUTCOMES.get(queued.get("outcome") or "", "running")
    if outcome not in lifecycle.OUTCOMES:
        raise InvalidArgument(f"{ENV_OUTCOME} must be one of {list(lifecycle.OUTCOMES)}")
    starting = _env_seconds(env, ENV_STARTING)
    running = _env_seconds(env, ENV_DURATION)
    if starting is None:
        starting = queued.get("starting", engine.length(settings, "app_starting_seconds"))
    return lifecycle.Script(
        starting=float(starting),
        outcome=outcome,
        running=running if running is not None else queued.get("running"),
    )


def stopping_seconds(env: dict[str, str], queued: float | None = None,
                     settings: Settings | None = None) -> float:
    value = _env_seconds(env, ENV_STOPPING)
    if value is None:
        value = queued
    return engine.length(settings, "app_stopping_seconds") if value is None else value


def _start(session: Session, app: Application, now: float, settings: Settings) -> None:
    queued = scripts.pop(session, "application", app.id) or {}
    script = script_for(jsonfield.load(app.environment), queued, settings)
    plan = lifecycle.plan(now, script, settings.time_scale)
    app.starting_at, app.running_at = plan.starting_at, plan.running_at
    app.stopped_at, app.final_status = plan.stopped_at, plan.final_status
    app.stop_at = None
    app.script_stopping = queued.get("stopping")


# --- create, update, delete ---------------------------------------------------


def _check_subdomain(session: Session, app: Application, subdomain: str) -> None:
    if not SUBDOMAIN.fullmatch(subdomain):
        raise InvalidArgument(
            f"subdomain {subdomain!r} must be 1 to 63 lower-case letters, digits or inner "
            "hyphens")
    taken = session.execute(
        select(col(Application.id)).where(col(Application.subdomain) == subdomain,
                                     col(Application.id) != app.id)
    ).first()
    if taken is not None:
        raise AlreadyExists(f"subdomain {subdomain!r} is already in use by another application")


def _apply(session: Session, app: Application, body: dict[str, Any], project: ProjectRef) -> None:
    """Validate and copy the fields present in ``body``; shared by create and update."""
    for field in _PLAIN:
        if field in body:
            setattr(app, field, body[field])
    if "name" in body:
        if not body["name"].strip():
            raise InvalidArgument("application name must not be empty")
        app.name = body["name"]
    if "script" in body:
        app.script = body["script"]
    if not app.script.strip() and not app.cdv_app:
        raise InvalidArgument("application script must not be empty")
    if "subdomain" in body:
        _check_subdomain(session, app, body["subdomain"])
        app.subdomain = body["subdomain"]
    apply_sizes(app, body, _NON_NEGATIVE)
    if "environment" in body:
        env = jsonfield.body_env(body["environment"], "application")
        script_for(env)
        stopping_seconds(env)
        app.environment = jsonfield.dump(env)
    if "runtime_addon_identifiers" in body:
        app.runtime_addon_identifiers = json.dumps(body["runtime_addon_identifiers"])
    app.kernel = workload_kernel(project.default_engine_type, app.runtime_identifier, app.kernel)


def _flush(session: Session, app: Application) -> None:
    session.add(app)
    try:
        session.flush()
    except IntegrityError:  # two writers raced for one subdomain
        raise AlreadyExists(f"subdomain {app.subdomain!r} is already in use") from None


def create_app(
    session: Session, user: Actor, project: ProjectRef, body: dict[str, Any], now: float,
    settings: Settings, *, app_id: str | None = None,
) -> Application:
    """A new application, started at once (CreateApplication starts the app)."""
    body = {k: v for k, v in body.items() if v is not None}
    if body.get("project_id") and body["project_id"] != project.id:
        raise InvalidArgument("project_id in the body does not match the path")
    for field in ("name", "subdomain"):
        if not (body.get(field) or "").strip():
            raise InvalidArgument(f"application {field} must not be empty")
    app = Application(id=app_id or new_id(), project_id=project.id, name=body["name"],
                      subdomain=body["subdomain"], creator_id=user.id, created_at=now,
                      updated_at=now)
    _apply(session, app, body, project)
    _start(session, app, now, settings)
    _flush(session, app)
    return app


def update_app(session: Session, app: Application, project: Project, body: dict[str, Any],
               now: float) -> None:
    """Only the fields sent change; a running app keeps running with its old settings
    until it is restarted. [inferred]"""
    changes = {k: v for k, v in body.items() if k not in _READ_ONLY and v is not None}
    _apply(session, app, changes, project)
    app.updated_at = now
    _flush(session, app)


def delete_app(session: Session, app: Application) -> None:
    session.delete(app)


# --- lifecycle verbs ----------------------------------------------------------


def stop_app(session: Session, app: Application, now: float, settings: Settings) -> None:
    """STARTING or RUNNING goes to STOPPING now and STOPPED shortly after."""
    stopping = stopping_seconds(jsonfield.load(app.environment), app.script_stopping, settings)
    # Same answer as stopping a finished job run: FAILED_PRECONDITION. [inferred]
    if not APPLICATION.request_stop(app, now, stopping * settings.time_scale,
                            f"application {app.id!r} is not running ({{status}})"):
        return  # asking twice changes nothing
    app.updated_at = now
    session.add(app)


def restart_app(session: Session, app: Application, now: float, settings: Settings) -> None:
    """A new start from now; the timestamps of the previous one are replaced."""
    status = APPLICATION.status_at(app, now)
    if not APPLICATION.can_restart(status):
        raise FailedPrecondition(
            f"application {app.id!r} is stopping; restart it once it has stopped")
    _start(session, app, now, settings)
    app.updated_at = now
    session.add(app)
