"""HTTP side of applications: view to read, write to change, stop or restart."""

from __future__ import annotations

from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.resources.applications import service
from mockcml.resources.applications.schemas import app_wire
from mockcml.resources.projects.access import require


def _row(call: Call, capability: str):  # noqa: ANN202
    project, _ = require(call.session, call.user, call.path["project_id"], capability)
    return project, *service.get_row(call.session, project.id, call.path["application_id"])


@operation("ListApplications")
def list_applications(call: Call) -> dict:
    project, _ = require(call.session, call.user, call.path["project_id"], "view")
    now = call.now
    result = service.list_apps(call.session, project.id, call.query, now)
    return {"applications": [app_wire(app, creator, now) for app, creator in result.rows],
            "next_page_token": result.next_page_token}


@operation("GetApplication")
def get_application(call: Call) -> dict:
    _, app, creator = _row(call, "view")
    return app_wire(app, creator, call.now)


@operation("CreateApplication")
def create_application(call: Call) -> dict:
    project, _ = require(call.session, call.user, call.path["project_id"], "write")
    now = call.now
    app = service.create_app(call.session, call.user, project, call.body or {}, now,
                             call.mock.settings)
    return app_wire(app, call.user, now)


@operation("UpdateApplication")
def update_application(call: Call) -> dict:
    project, app, creator = _row(call, "write")
    now = call.now
    service.update_app(call.session, app, project, call.body or {}, now)
    return app_wire(app, creator, now)


@operation("DeleteApplication")
def delete_application(call: Call) -> dict:
    _, app, _ = _row(call, "write")
    service.delete_app(call.session, app)
    return {}


@operation("StopApplication")
def stop_application(call: Call) -> dict:
    _, app, creator = _row(call, "write")
    now = call.now
    service.stop_app(call.session, app, now, call.mock.settings)
    return app_wire(app, creator, now)


@operation("RestartApplication")
def restart_application(call: Call) -> dict:
    _, app, creator = _row(call, "write")
    now = call.now
    service.restart_app(call.session, app, now, call.mock.settings)
    return app_wire(app, creator, now)
