"""Projects of fixture files: what is wrong with a project itself (owner, creator, id,
collaborators), and the rows of the project and its collaborators (``project_row``, as
CreateProject makes it). The resources nested in a project check and add theirs in their
own ``seed.py``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockcml.kit.rows import column_defaults
from mockcml.kit.sql import table_of
from mockcml.resources.projects.tables import Collaborator, Project, project_row

if TYPE_CHECKING:
    from mockcml.fixtures.load import Rows
    from mockcml.fixtures.validate import Checker as C
    from mockcml.fixtures.validate import Entry

_PROJECT_BASE = column_defaults(table_of(Project))
_COLLABORATOR_BASE = column_defaults(table_of(Collaborator))


def check(c: C, project: Entry) -> None:
    c.ref_user(project, "owner", c.usernames)
    c.ref_user(project, "creator", c.usernames)
    c.assign_id(project, "project", project["owner"], project["name"])
    collaborators: dict[str, Entry] = {}
    for collaborator in project.get("collaborators", []):
        user = collaborator["user"]
        first = collaborators.get(user)
        if user not in c.usernames:
            c.ref_user(collaborator, "user", c.usernames)
        elif user == project["owner"]:
            c.problem(collaborator, "user", f"{user!r} owns the project and cannot be a "
                                            "collaborator")
        elif first is not None:
            if not (first == collaborator and first.file != collaborator.file):
                c.problem(collaborator, "user", f"{user!r} is already a collaborator (at "
                                                f"{c.where(first, 'user')})")
        else:
            collaborators[user] = collaborator
    if "collaborators" in project:
        project["collaborators"] = list(collaborators.values())


def add_rows(rows: Rows, project: dict[str, Any], ids: dict[str, int], created: float) -> None:
    project_id = project["_id"]
    rows.add(table_of(Project), {**_PROJECT_BASE, **project_row(
        project_id, ids[project["owner"]], ids[project.get("creator") or project["owner"]],
        project, created)})
    for collaborator in project.get("collaborators", []):
        rows.add(table_of(Collaborator), {
            **_COLLABORATOR_BASE, "project_id": project_id, "user_id": ids[collaborator["user"]],
            "permission": collaborator["permission"], "created_at": created,
        })
