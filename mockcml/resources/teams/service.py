"""Team rules: creating and deleting teams, and the members a synced team gets from its
groups. Site administrators only (the handlers check).

[inferred] where the reference is silent:
* A team name follows the rules of a username and must not be taken by a user or a team
  (409). ``type`` is "organization" (the kind of account a team is), the only value taken.
* CreateTeam with a ``cn`` makes a synced team with that one group at ``permission``.
* Team permissions, lowest first: read, operator, write, admin (default read).
* A synced team's members are the users of its groups (directory_members); each inherits
  the highest permission of its groups until an admin sets one by hand.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import insert, select
from sqlmodel import Session, col

from mockcml.core.errors import AlreadyExists, InvalidArgument, NotFound
from mockcml.resources.teams.tables import DirectoryMember, Team, TeamGroup, TeamMember
from mockcml.resources.users.service import get_user

PERMISSIONS = ("read", "operator", "write", "admin")
TEAM_TYPES = ("organization",)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_CN = re.compile(r"^[^,=+<>#;\\\"\x00-\x1f]{1,128}$")


def permission(value: Any, where: str = "permission", default: str | None = "read") -> str:
    if value in (None, "") and default is not None:
        return default
    if value not in PERMISSIONS:
        raise InvalidArgument(f"{where}: {value!r} is not one of {list(PERMISSIONS)}")
    return value


def group_cn(value: Any, where: str = "cn") -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if not _CN.fullmatch(text):
        raise InvalidArgument(f"{where} must name a group (1 to 128 characters, no , = + < > "
                              "# ; \\ or quotes)")
    return text


def group_dn(cn: str) -> str:
    return f"cn={cn},ou=groups,dc=example,dc=com"


def get_team(session: Session, name: str) -> Team:
    team = session.execute(select(Team).where(col(Team.username) == name)).scalar_one_or_none()
    if team is None:
        raise NotFound(f"team {name!r} not found")
    return team


def team_row(name: str, bio: str, synced: bool, now: float,
             kind: str = "organization") -> dict[str, Any]:
    """A new team's fields (name and type checked by the caller), for the create operations
    and fixtures."""
    return {"username": name, "name": name, "bio": bio, "type": kind, "synced": synced,
            "created_at": now, "updated_at": now}


def group_row(team_id: int, cn: str, grant: str, now: float) -> dict[str, Any]:
    """One group of a synced team (``cn`` and ``grant`` checked)."""
    return {"team_id": team_id, "cn": cn, "dn": group_dn(cn), "permission": grant,
            "created_at": now}


def member_row(team_id: int, user_id: int, grant: str, now: float, *,
               inherited: bool) -> dict[str, Any]:
    """One member of a team; ``inherited``: the permission follows the team's groups."""
    return {"team_id": team_id, "user_id": user_id, "permission": grant,
            "inherit_permission_from_groups": inherited, "created_at": now, "updated_at": now}


def _new_team(session: Session, body: dict[str, Any], now: float, synced: bool) -> Team:
    name = body.get("username") or ""
    if not _NAME.fullmatch(name):
        raise InvalidArgument("username must be 1 to 64 letters, digits, '.', '_' or '-', "
                              "starting with a letter or digit")
    kind = body.get("type") or "organization"
    if kind not in TEAM_TYPES:
        raise InvalidArgument(f"type: {kind!r} is not one of {list(TEAM_TYPES)}")
    taken = session.execute(select(col(Team.id)).where(col(Team.username) == name)).first()
    if taken is not None or get_user(session, name) is not None:
        raise AlreadyExists(f"the name {name!r} is already taken by a user or a team")
    team = Team(**team_row(name, body.get("bio") or "", synced, now, kind))
    session.add(team)
    session.flush()
    return team


def create_team(session: Session, body: dict[str, Any], now: float) -> Team:
    if body.get("cn"):
        grant = {"cn": body["cn"], "permission": body.get("permission")}
        return create_synced_team(session, {**body, "group_permissions": [grant]}, now)
    if body.get("permission"):
        permission(body["permission"])  # checked, though a team without a group has no use
    return _new_team(session, body, now, synced=False)


def _grants(values: Any) -> list[tuple[str, str]]:
    grants: dict[str, str] = {}
    for index, grant in enumerate(values or []):
        where = f"group_permissions[{index}]"
        cn = group_cn(grant.get("cn"), f"{where}.cn")
        if cn in grants:
            raise InvalidArgument(f"{where}: group {cn!r} is named twice")
        grants[cn] = permission(grant.get("permission"), f"{where}.permission")
    return list(grants.items())


def create_synced_team(session: Session, body: dict[str, Any], now: float) -> Team:
    grants = _grants(body.get("group_permissions"))
    team = _new_team(session, body, now, synced=True)
    for cn, grant in grants:
        session.add(TeamGroup(**group_row(team.id, cn, grant, now)))
    session.flush()
    refresh_members(session, team, now)
    return team


def delete_team(session: Session, name: str) -> None:
    # Members, groups and quotas of the team go with it (foreign keys cascade).
    session.delete(get_team(session, name))
    session.flush()


def _rank(value: str) -> int:
    return PERMISSIONS.index(value) if value in PERMISSIONS else 0


def inherited_grants(grants: list[tuple[int, str]]) -> dict[int, str]:
    """Each user's highest permission among (user id, permission granted) pairs: what a
    synced team's member inherits from the groups it is in."""
    wanted: dict[int, str] = {}
    for user_id, grant in grants:
        if user_id not in wanted or _rank(grant) > _rank(wanted[user_id]):
            wanted[user_id] = grant
    return wanted


def refresh_members(session: Session, team: Team, now: float) -> None:
    """Make a synced team's members those of its groups, with inherited permissions."""
    if not team.synced:
        return
    query = (select(col(DirectoryMember.user_id), col(TeamGroup.permission))
             .join(TeamGroup, col(TeamGroup.cn) == col(DirectoryMember.cn))
             .where(col(TeamGroup.team_id) == team.id))
    wanted = inherited_grants([(user_id, grant) for user_id, grant in session.execute(query)])
    members = session.execute(select(TeamMember).where(col(TeamMember.team_id) == team.id))
    for member in members.scalars():
        grant = wanted.pop(member.user_id, None)
        if grant is None:
            session.delete(member)
        elif member.inherit_permission_from_groups and member.permission != grant:
            member.permission, member.updated_at = grant, now
    if wanted:  # one statement for all newcomers: a group may hold thousands of users
        session.execute(insert(TeamMember), [member_row(team.id, user_id, grant, now,
                                                        inherited=True)
                                             for user_id, grant in wanted.items()])
    team.updated_at = now
    session.flush()


def set_member_permission(session: Session, team: Team, user_id: int, body: dict[str, Any],
                          now: float) -> None:
    grant = permission(body.get("permission"), default=None)
    member = session.execute(select(TeamMember).where(
        col(TeamMember.team_id) == team.id, col(TeamMember.user_id) == user_id)).scalar_one_or_none()
    if member is None:
        raise NotFound(f"user {user_id} is not a member of team {team.username!r}")
    member.permission, member.inherit_permission_from_groups = grant, False
    member.updated_at = now
