"""HTTP side of projects and collaborators."""

from __future__ import annotations

from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.resources.projects import service
from mockcml.resources.projects.schemas import collaborator_wire, project_wire
from mockcml.resources.projects.tables import Project


@operation("ListProjects")
def list_projects(call: Call) -> dict:
    result = service.list_projects(call.db, call.user, call.query)
    return {
        "projects": [project_wire(*service.split_row(call.user, row)) for row in result.rows],
        "next_page_token": result.next_page_token,
    }


@operation("ListProjectNames")
def list_project_names(call: Call) -> dict:
    result = service.list_project_names(call.session, call.user, call.query)
    return {"project_names": [row[0] for row in result.rows],
            "next_page_token": result.next_page_token}


@operation("BatchListProjects")
def batch_list_projects(call: Call) -> dict:
    rows = service.batch(call.session, call.user, call.query.get("project_ids", []))
    return {"projects": [project_wire(*row) for row in rows]}


@operation("GetProject")
def get_project(call: Call) -> dict:
    return project_wire(*service.get_project_row(call.db, call.user, call.path["project_id"]))


@operation("CreateProject")
def create_project(call: Call) -> dict:
    project = service.create_project(call.session, call.user, call.body or {}, call.now)
    return project_wire(*service.get_project_row(call.session, call.user, project.id))


@operation("UpdateProject", project="admin")
def update_project(call: Call) -> dict:
    project = call.session.get_one(Project, call.project.id)
    service.update_project(call.session, project, call.body or {}, call.now)
    call.session.flush()
    return project_wire(*service.get_project_row(call.session, call.user, project.id))


@operation("DeleteProject", project="admin")
def delete_project(call: Call) -> dict:
    service.delete_project(call.session, call.session.get_one(Project, call.project.id))
    return {}


@operation("ListProjectCollaborators", project="view")
def list_collaborators(call: Call) -> dict:
    result = service.list_collaborators(call.session, call.project, call.query)
    return {
        "collaborators": [collaborator_wire(user, perm) for user, perm in result.rows],
        "next_page_token": result.next_page_token,
    }


@operation("AddProjectCollaborator", project="admin", same_ids=("username",))
def add_collaborator(call: Call) -> dict:
    body = call.body or {}
    service.add_collaborator(call.session, call.project, call.path["username"],
                             body.get("permission") or "", call.now)
    return {}


@operation("DeleteProjectCollaborator", project="admin")
def delete_collaborator(call: Call) -> dict:
    service.remove_collaborator(call.session, call.project, call.path["username"])
    return {}
