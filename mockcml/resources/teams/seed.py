"""Row-building for fixtures: teams with members and groups, and who is in each
identity-provider group. The fixture loader calls these (the same rules as the API), so a
seeded synced team has the members its groups give it, and one finished sync."""

from __future__ import annotations

from sqlmodel import Session

from mockcml.resources.teams import service, sync
from mockcml.resources.teams.tables import DirectoryMember, Team, TeamMember


def seed_directory_group(session: Session, cn: str, user_ids: list[int]) -> None:
    """The members of an identity-provider group (a synced team's source)."""
    cn = service.group_cn(cn)
    for user_id in dict.fromkeys(user_ids):
        session.add(DirectoryMember(cn=cn, user_id=user_id))
    session.flush()


def seed_team(session: Session, name: str, *, bio: str = "",
              members: dict[int, str] | None = None, groups: dict[str, str] | None = None,
              now: float = 0.0) -> Team:
    """A team kept by hand (``members``: user id -> permission) or, with ``groups``
    (cn -> permission), a synced team whose members come from its groups. Seed the
    directory groups first. A synced team records one users and one teams sync, finished."""
    if groups:
        body = {"username": name, "bio": bio,
                "group_permissions": [{"cn": cn, "permission": p} for cn, p in groups.items()]}
        team = service.create_synced_team(session, body, now)
        sync.start_syncs(session, "fixtures", now, 0.0)
    else:
        team = service.create_team(session, {"username": name, "bio": bio}, now)
    for user_id, permission in (members or {}).items():
        session.add(TeamMember(**service.member_row(team.id, user_id,
                                                    service.permission(permission), now,
                                                    inherited=False)))
    session.flush()
    return team
