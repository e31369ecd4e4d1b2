from __future__ import annotations

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class Team(SQLModel, table=True):
    __tablename__ = "teams"

    id: int = Field(default=None, primary_key=True)  # set on insert
    # Teams and users share one namespace of names (a team is addressed as /<name>).
    username: str = Field(unique=True, index=True)
    name: str = ""
    bio: str = ""
    type: str = "organization"
    synced: bool = False  # members come from the groups of team_groups
    created_at: float = 0.0
    updated_at: float = 0.0


class InTeam(SQLModel):
    """The first columns of what belongs to a team (a member, a group): removed with it."""

    id: int = Field(default=None, primary_key=True)  # set on insert
    team_id: int = Field(foreign_key="teams.id", index=True, ondelete="CASCADE")


class TeamMember(InTeam, table=True):
    """A user's membership of a team, and the permission it gives."""

    __tablename__ = "team_members"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    permission: str = "read"
    # A synced member's permission follows its groups until an admin sets it by hand.
    inherit_permission_from_groups: bool = True
    created_at: float = 0.0
    updated_at: float = 0.0


class TeamGroup(InTeam, table=True):
    """An identity-provider group synced into a team, with the permission it grants."""

    __tablename__ = "team_groups"
    __table_args__ = (UniqueConstraint("team_id", "cn"),)

    cn: str
    dn: str = ""
    permission: str = "read"
    created_at: float = 0.0


class DirectoryMember(SQLModel, table=True):
    """Who is in an identity-provider group (by its cn). Seeded by fixtures: the mock has
    no directory, so a group nobody seeded has no members."""

    __tablename__ = "directory_members"

    cn: str = Field(primary_key=True)
    user_id: int = Field(primary_key=True, foreign_key="users.id", ondelete="CASCADE")


class TeamSync(SQLModel, table=True):
    """One sync run (request). Its status is derived from these facts and the clock."""

    __tablename__ = "team_syncs"

    id: str = Field(primary_key=True)  # the request_id of the status operations
    sync_type: str = Field(index=True)  # TEAMS or USERS
    sync_model: str = "UMS"
    synced_by: str = ""
    created_at: float = Field(default=0.0, index=True)
    running_at: float = 0.0
    finished_at: float = 0.0
    total_synced_users: int = 0
    total_active_users: int = 0
    total_deactivated_users: int = 0
    total_synced_teams: int = 0
    total_active_teams: int = 0
    total_deactivated_teams: int = 0
