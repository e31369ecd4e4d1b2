"""Run-as machine users of a project: the machine users among its collaborators.

A user is a machine user when the ``machine_users`` table names it (fixtures seed it);
adding one as a collaborator of a project lets the project's jobs run as it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from mockcml.kit.listing import Listing, Page, page, substring
from mockcml.resources.misc.tables import MachineUser
from mockcml.resources.projects.tables import Collaborator
from mockcml.resources.users.tables import User

# [inferred] The reference names no filter or sort keys: the two fields of the entries.
LISTING = Listing(
    filters={"user_id": substring(col(User.id)), "user_name": substring(col(User.username))},
    sorts={"user_id": col(User.id), "user_name": col(User.username)},
    tiebreak=col(User.id),
    default_sort=(("user_name", False),),
    model="RunAsMachineUserCollaborator",
)


def list_machine_users(session: Session, project_id: str, params: dict[str, Any]) -> Page:
    query = (select(col(User.id), col(User.username))
             .join(MachineUser, col(MachineUser.user_id) == col(User.id))
             .join(Collaborator, col(Collaborator.user_id) == col(User.id))
             .where(col(Collaborator.project_id) == project_id))
    return page(session, query, LISTING, params)
