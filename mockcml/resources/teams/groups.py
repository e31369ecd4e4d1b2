"""The groups of a synced team: add, remove, change the permission each grants.

Each change re-reads the team's members from its groups and starts a sync (sync.py).
[inferred] Adding a group the team already has is ALREADY_EXISTS; groups are only for
synced teams (FAILED_PRECONDITION on a team kept by hand).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from mockcml.core.errors import AlreadyExists, FailedPrecondition, NotFound
from mockcml.resources.teams.service import group_cn, group_dn, permission, refresh_members
from mockcml.resources.teams.tables import Team, TeamGroup


def _synced(team: Team) -> None:
    if not team.synced:
        raise FailedPrecondition(f"team {team.username!r} is not a synced team")


def list_groups(session: Session, team: Team) -> list[TeamGroup]:
    query = select(TeamGroup).where(col(TeamGroup.team_id) == team.id).order_by(col(TeamGroup.id))
    return list(session.execute(query).scalars())


def add_group(session: Session, team: Team, grant: dict[str, Any] | None, now: float) -> None:
    _synced(team)
    grant = grant or {}
    cn = group_cn(grant.get("cn"), "group_permission.cn")
    level = permission(grant.get("permission"), "group_permission.permission")
    exists = session.execute(select(col(TeamGroup.id)).where(
        col(TeamGroup.team_id) == team.id, col(TeamGroup.cn) == cn)).first()
    if exists is not None:
        raise AlreadyExists(f"team {team.username!r} already has group {cn!r}")
    session.add(TeamGroup(team_id=team.id, cn=cn, dn=group_dn(cn), permission=level,
                          created_at=now))
    session.flush()
    refresh_members(session, team, now)


def _group(session: Session, team: Team, group_id: int) -> TeamGroup:
    group = session.get(TeamGroup, group_id)
    if group is None or group.team_id != team.id:
        raise NotFound(f"group {group_id} of team {team.username!r} not found")
    return group


def remove_group(session: Session, team: Team, group_id: int, now: float) -> None:
    _synced(team)
    session.delete(_group(session, team, group_id))
    session.flush()
    refresh_members(session, team, now)


def set_group_permission(session: Session, team: Team, group_id: int, body: dict[str, Any],
                         now: float) -> None:
    _synced(team)
    level = permission(body.get("permission"), default=None)
    group = _group(session, team, group_id)
    group.permission = level
    session.flush()
    refresh_members(session, team, now)
