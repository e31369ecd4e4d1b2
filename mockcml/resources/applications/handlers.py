"""HTTP side of applications: view to read, write to change, stop or restart."""

from __future__ import annotations

from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.resources.applications import service
from mockcml.resources.applications.schemas import app_wire


def _row(call: Call):  # noqa: ANN202
    return call.project, *service.get_row(call.session, call.project.id,
                                           call.path["application_id"])


@operation("ListApplications", project="view")
def list_applications(call: Call) -> dict:
    now = call.now
    result = service.list_apps(call.session, call.project.id, call.query, now)
    return {"applications": [app_wire(app, creator, now) for app, creator in result.rows],
            "next_page_token": result.next_page_token}


@operation("GetApplication", project="view")
def get_application(call: Call) -> dict:
    _, app, creator = _row(call)
    return app_wire(app, creator, call.now)


@operation("CreateApplication", project="write")
def create_application(call: Call) -> dict:
    now = call.now
    app = service.create_app(call.session, call.user, call.project, call.body or {}, now,
                             call.mock.settings)
    return app_wire(app, call.user, now)


@operation("UpdateApplication", project="write")
def update_application(call: Call) -> dict:
    project, app, creator = _row(call)
    now = call.now
    service.update_app(call.session, app, project, call.body or {}, now)
    return app_wire(app, creator, now)


@operation("DeleteApplication", project="write")
def delete_application(call: Call) -> dict:
    _, app, _ = _row(call)
    service.delete_app(call.session, app)
    return {}


def _act(call: Call, action) -> dict:  # noqa: ANN001
    """Stop or restart: the rule changes the application, the answer is its new state."""
    _, app, creator = _row(call)
    action(call.session, app, call.now, call.mock.settings)
    return app_wire(app, creator, call.now)


@operation("StopApplication", project="write")
def stop_application(call: Call) -> dict:
    return _act(call, service.stop_app)


@operation("RestartApplication", project="write")
def restart_application(call: Call) -> dict:
    return _act(call, service.restart_app)
