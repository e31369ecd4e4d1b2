"""Team, synced-team members and groups as they appear on the wire."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from mockcml.kit.siteadmin import int64_text
from mockcml.kit.wire import timestamp
from mockcml.resources.teams.service import PERMISSIONS
from mockcml.resources.teams.sync import last_team_sync_at
from mockcml.resources.teams.tables import DirectoryMember, Team, TeamGroup, TeamMember
from mockcml.resources.users.tables import User

# Counters the mock does not keep for teams: int64, so JSON strings.
_ZERO_COUNTS = ("github_pubkey_id", "followers", "public_projects", "organization_projects",
                "private_projects", "running_dashboards", "active_vcpus", "api_keys",
                "last_context_id", "sessions_run", "jobs_run")


def _urls(name: str) -> dict[str, str]:
    return {"html_url": f"/{name}", "url": f"/api/v1/users/{name}"}


def _permissions(level: str, site_admin: bool) -> dict[str, bool]:
    rank = 3 if site_admin else (PERMISSIONS.index(level) if level in PERMISSIONS else -1)
    return {"business_user": False, "read": rank >= 0, "operator": rank >= 1,
            "write": rank >= 2, "admin": rank >= 3, "owner": False}


def _members(session: Session, team: Team) -> list[Any]:
    """The team's members as plain rows (columns, not ORM objects: teams can be large)."""
    query: Any = (select(col(TeamMember.id), col(TeamMember.permission),
                    col(TeamMember.inherit_permission_from_groups), col(TeamMember.created_at),
                    col(TeamMember.updated_at), col(User.id).label("user_id"), col(User.username),
                    col(User.name))
             .join(User, col(User.id) == col(TeamMember.user_id))
             .where(col(TeamMember.team_id) == team.id).order_by(col(User.username)))
    return list(session.execute(query))


def team_wire(session: Session, team: Team, caller: Any, now: float) -> dict:
    members = _members(session, team)
    own = next((m.permission for m in members if m.user_id == caller.id), "")
    synced_at = last_team_sync_at(session, now) if team.synced else None
    out: dict[str, Any] = {
        "id": int64_text(team.id),
        "username": team.username,
        "username_hash": "",
        "type": team.type,
        "email": "",
        "name": team.name,
        "bio": team.bio,
        "public_email": "",
        "admin": False,
        "business_user": False,
        "github": "",
        "github_oauth_completed": False,
        "joined_on": timestamp(team.created_at),
        "followed": False,
        "hadoop_username": "",
        "members": int64_text(len(members)),
        "banned": False,
        "deactivated": False,
        "namespace": "",
        "cpu_hours": 0.0,
        "gpu_hours": 0.0,
        "memory_hours": 0.0,
        "avg_session_duration": 0.0,
        "permissions": _permissions(own, caller.is_admin),
        "account_status": "active",
        "ldap_synced": team.synced,
        "team_members": [
            {"id": m.user_id, "username": m.username, "name": m.name, **_urls(m.username),
             "permission": m.permission}
            for m in members
        ],
        "inactivity_timeout": 0,
        **_urls(team.username),
        **dict.fromkeys(_ZERO_COUNTS, "0"),
    }
    if synced_at is not None and synced_at >= team.created_at:
        out["last_synced_at"] = timestamp(synced_at)
    return out


def synced_members_wire(session: Session, team: Team) -> list[dict]:
    """OrganizationMembersWithGroupNames: each member and the team groups they are in."""
    names: dict[int, list[str]] = {}
    query = (select(col(DirectoryMember.user_id), col(TeamGroup.cn))
             .join(TeamGroup, col(TeamGroup.cn) == col(DirectoryMember.cn))
             .where(col(TeamGroup.team_id) == team.id).order_by(col(TeamGroup.cn)))
    for user_id, cn in session.execute(query):
        names.setdefault(user_id, []).append(cn)
    return [
        {
            "id": int64_text(m.id),
            "organization_id": int64_text(team.id),
            "user_id": int64_text(m.user_id),
            "permission": m.permission,
            "inherit_permission_from_groups": bool(m.inherit_permission_from_groups),
            "created_at": timestamp(m.created_at),
            "updated_at": timestamp(m.updated_at),
            "user": {"id": int64_text(m.user_id), "username": m.username, "name": m.name,
                     **_urls(m.username)},
            "group_names": names.get(m.user_id, []),
        }
        for m in _members(session, team)
    ]


def group_wire(group: TeamGroup, synced_at: float | None) -> dict:
    out = {"cn": group.cn, "dn": group.dn, "id": int64_text(group.id),
           "permission": group.permission, "team_id": int64_text(group.team_id)}
    if synced_at is not None and synced_at >= group.created_at:
        out["last_synced_at"] = timestamp(synced_at)
    return out
