"""Applications of fixture files: what is wrong with one, and the row it becomes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from mockcml.fixtures.facts import when
from mockcml.fixtures.timeline import Defaults
from mockcml.kit import jsonfield
from mockcml.kit.rows import column_defaults, copy_given
from mockcml.kit.sql import table_of
from mockcml.resources.applications import history
from mockcml.resources.applications.service import SUBDOMAIN
from mockcml.resources.applications.tables import Application
from mockcml.resources.projects.tables import workload_kernel

if TYPE_CHECKING:
    from mockcml.fixtures.load import Rows
    from mockcml.fixtures.validate import Checker as C
    from mockcml.fixtures.validate import Entry

_COUNTS = ("accelerator_label_id", "resource_group_id", "resource_profile_id")
_APP_COPIED = ("name", "subdomain", "description", "script", "kernel", "cpu", "memory",
               "nvidia_gpu", "bypass_authentication", "runtime_identifier", "run_as", "cdv_app",
               *_COUNTS)
_BASE = column_defaults(table_of(Application))


def check(c: C, project: Entry, app: Entry, engine: str, default: float) -> None:
    c.ref_user(app, "creator", c.usernames)
    c.assign_id(app, "application", project["_id"], app["name"])
    subdomain = app.get("subdomain")
    if subdomain is not None:
        first = c.subdomains.get(subdomain)
        if not SUBDOMAIN.fullmatch(subdomain):
            c.problem(app, "subdomain", f"{subdomain!r} must be 1 to 63 lower-case "
                                           "letters, digits or inner hyphens")
        elif first is not None:
            c.problem(app, "subdomain", f"subdomain {subdomain!r} is already used by "
                                           f"application {first['name']!r} (at "
                                           f"{c.where(first, 'subdomain')}); subdomains "
                                           "are unique in the workspace")
        else:
            c.subdomains[subdomain] = app
    if not app.get("cdv_app") and not (app.get("script") or "").strip():
        c.problem(app, "script", "required unless cdv_app is true"
                     if "script" not in app.node.pairs else "must not be empty")
    c.check_runtime(app, engine)
    created = when(app, "created_at", default, c.now)
    _, found = history.application(app, created, c.now, c.defaults)
    c.report(app, found)


def add_rows(rows: Rows, project_id: str, engine: str, app: dict[str, Any],
                 ids: dict[str, int], owner_id: int, created: float, now: float,
                 defaults: Defaults) -> None:
    lifecycle, _ = history.application(app, created, now, defaults)
    row = dict(_BASE)
    copy_given(row, app, _APP_COPIED)
    row["kernel"] = workload_kernel(engine, row["runtime_identifier"], row["kernel"])
    row.update({
        "id": app["_id"], "project_id": project_id,
        "creator_id": ids[app["creator"]] if app.get("creator") else owner_id,
        "environment": jsonfield.dump(app.get("environment")),
        "runtime_addon_identifiers": json.dumps(app.get("runtime_addon_identifiers", [])),
        "starting_at": lifecycle.starting_at, "running_at": lifecycle.running_at,
        "stop_at": lifecycle.stop_at, "stopped_at": lifecycle.stopped_at,
        "final_status": lifecycle.final_status, "script_stopping": None,
        "created_at": created, "updated_at": lifecycle.updated_at,
    })
    rows.add(table_of(Application), row)

