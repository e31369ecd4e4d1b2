"""Who may see and change a project.

A project the caller may not see answers NOT_FOUND (its existence is not revealed); one
it may see but not change answers PERMISSION_DENIED.

Capabilities, from weakest to strongest:
  view   read the project and its jobs, runs, files (visibility public/organization,
         or any collaborator permission)
  run    start and stop job runs (operator and above)
  write  create and change jobs, files, applications (write and above)
  admin  change or delete the project, manage collaborators (admin, owner, site admin)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlmodel import Session, select

from mockcml.core.actors import Actor, Reader
from mockcml.core.errors import NotFound, PermissionDenied
from mockcml.kit.sql import Row, fetch_one
from mockcml.resources.projects.tables import Collaborator, Project
from mockcml.resources.users.tables import User

PERMISSIONS = ("read", "business_user", "operator", "write", "admin")
_RANK = {"view": 1, "run": 2, "write": 3, "admin": 4}
_GRANTS = {"read": 1, "business_user": 1, "operator": 2, "write": 3, "admin": 4, "owner": 4}
VISIBLE_TO_ALL = ("public", "organization")


@dataclass(frozen=True)
class Access:
    level: int  # 0 none, then _RANK values
    role: str  # owner, admin, write, operator, read, business_user, site_admin, visitor, none

    def allows(self, capability: str) -> bool:
        return self.level >= _RANK[capability]

    def permissions(self) -> dict[str, bool]:
        # A copy of the one made per level and role: a page of projects asks for each.
        return dict(_permissions(self.level, self.role))


@cache
def _permissions(level: int, role: str) -> dict[str, bool]:
    return {
        "read": level >= 1,
        "write": level >= 3,
        "admin": level >= 4,
        "business_user": role == "business_user",
        "operator": level >= 2,
        "inherit": False,
    }


def access_of(session: Session, user: User, project: Project) -> Access:
    permission = session.exec(
        select(Collaborator.permission).where(
            Collaborator.project_id == project.id, Collaborator.user_id == user.id
        )
    ).first()
    return grant(user, project.owner_id, project.visibility, permission)


def grant(user: Actor, owner_id: int, visibility: str, permission: str | None) -> Access:
    """The caller's access from the project's owner, visibility and its own permission."""
    if owner_id == user.id:
        return _OWNER
    if user.is_admin:
        return _SITE_ADMIN
    if permission:
        return Access(_GRANTS.get(permission, 1), permission)
    if visibility in VISIBLE_TO_ALL:
        return _VISITOR
    return _NONE


# The same every time (Access is frozen): made once, not per project of a page.
_OWNER, _SITE_ADMIN = Access(4, "owner"), Access(4, "site_admin")
_VISITOR, _NONE = Access(1, "visitor"), Access(0, "none")


_PROJECT_FOR = """
    SELECT p.*, c.permission AS caller_permission
    FROM projects p
    LEFT JOIN collaborators c ON c.project_id = p.id AND c.user_id = :user_id
    WHERE p.id = :project_id
"""


def require(
    session: Reader, user: Actor, project_id: str, capability: str = "view"
) -> tuple[Row, Access]:
    """The project (a read-only row with every column) if the caller may ``capability`` it."""
    project = fetch_one(session, _PROJECT_FOR, user_id=user.id, project_id=project_id)
    if project is None:
        raise NotFound(f"project {project_id!r} not found")
    access = grant(user, project.owner_id, project.visibility, project.caller_permission)
    if not access.allows("view"):
        raise NotFound(f"project {project_id!r} not found")
    if not access.allows(capability):
        raise PermissionDenied(f"user {user.username!r} may not {capability} project {project_id!r}")
    return project, access
