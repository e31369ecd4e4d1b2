"""Team and user syncs as a lifecycle on the mock clock.

A change to a synced team's groups asks the identity provider for the groups' members: it
starts a sync of the users and one of the teams. Each stores facts (when it started, when
it runs, when it ends, and what it counted when it started) and its status is read off
them and the clock, so a GET never changes anything and moving the clock moves the sync:

    started --(STARTED_SECONDS)--> running --(RUNNING_SECONDS)--> succeeded

Phase lengths are mock seconds multiplied by settings.time_scale (0 ends it at once).
[inferred] The reference gives the status shape only: the status words, the phase lengths
and the log lines are the mock's own.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session, col

from mockcml.core.errors import NotFound
from mockcml.kit.ids import new_id
from mockcml.kit.wire import phase_at, timestamp
from mockcml.resources.teams.tables import DirectoryMember, Team, TeamGroup, TeamSync

STARTED, RUNNING, SUCCEEDED = "started", "running", "succeeded"
STARTED_SECONDS = 1.0
RUNNING_SECONDS = 5.0
TEAMS, USERS = "TEAMS", "USERS"


def status_at(sync: TeamSync, now: float) -> str:
    return phase_at(now, STARTED, (sync.running_at, RUNNING), (sync.finished_at, SUCCEEDED))


def sync_rows(synced_by: str, now: float, scale: float, users: int,
              teams: int) -> list[dict]:
    """A users sync and a teams sync (in that order) of ``users`` users and ``teams``
    synced teams, started ``now``: for start_syncs and fixtures."""
    rows = []
    # The teams sync starts a microsecond later, so LatestSyncStatus reports it.
    for offset, kind in enumerate((USERS, TEAMS)):
        created_at = now + offset * 1e-6
        running_at = created_at + STARTED_SECONDS * scale
        row = {"id": new_id(), "sync_type": kind, "synced_by": synced_by,
               "created_at": created_at, "running_at": running_at,
               "finished_at": running_at + RUNNING_SECONDS * scale}
        if kind == USERS:
            row["total_synced_users"] = row["total_active_users"] = users
        else:
            row["total_synced_teams"] = row["total_active_teams"] = teams
        rows.append(row)
    return rows


def start_syncs(session: Session, synced_by: str, now: float, scale: float) -> list[TeamSync]:
    """Start a users sync and a teams sync (in that order), counting what they will sync."""
    teams = session.execute(select(func.count()).select_from(Team)
                            .where(col(Team.synced).is_(True))).scalar_one()
    users = session.execute(
        select(func.count(func.distinct(DirectoryMember.user_id)))
        .join(TeamGroup, col(TeamGroup.cn) == col(DirectoryMember.cn))).scalar_one()
    made = [TeamSync(**row) for row in sync_rows(synced_by, now, scale, users, teams)]
    session.add_all(made)
    session.flush()
    return made


def find_sync(session: Session, kind: str | None, request_id: str | None) -> TeamSync | None:
    """The sync named by ``request_id`` (404 if none of this kind), else the latest one."""
    query = select(TeamSync)
    if kind:
        query = query.where(col(TeamSync.sync_type) == kind)
    if request_id:
        sync = session.execute(query.where(col(TeamSync.id) == request_id)).scalar_one_or_none()
        if sync is None:
            raise NotFound(f"no {(kind or '').lower() + ' ' if kind else ''}sync with "
                           f"request_id {request_id!r}")
        return sync
    latest = query.order_by(col(TeamSync.created_at).desc(), col(TeamSync.id).desc()).limit(1)
    return session.execute(latest).scalar_one_or_none()


def _logs(sync: TeamSync, status: str) -> str:
    what = "users" if sync.sync_type == USERS else "teams"
    lines = [f"{timestamp(sync.created_at)} {what} sync started by {sync.synced_by}"]
    if status in (RUNNING, SUCCEEDED):
        lines.append(f"{timestamp(sync.running_at)} reading groups from the identity provider")
    if status == SUCCEEDED:
        count = sync.total_synced_users if sync.sync_type == USERS else sync.total_synced_teams
        lines.append(f"{timestamp(sync.finished_at)} synced {count} {what[:-1]}(s)")
    return "\n".join(lines)


def sync_wire(sync: TeamSync | None, now: float) -> dict:
    """LatestSyncStatusResponse. [inferred] Before any sync, every field is empty, as an
    unset proto3 message reads."""
    if sync is None:
        return {"id": "", "sync_type": "", "sync_model": "", "status": "", "logs": "",
                "message": "", "created_at": "", "total_synced_users": 0,
                "total_active_users": 0, "total_deactivated_users": 0,
                "total_synced_teams": 0, "total_active_teams": 0,
                "total_deactivated_teams": 0, "synced_by": ""}
    status = status_at(sync, now)
    done = status == SUCCEEDED
    return {
        "id": sync.id,
        "sync_type": sync.sync_type,
        "sync_model": sync.sync_model,
        "status": status,
        "logs": _logs(sync, status),
        "message": f"{sync.sync_type.lower()} sync succeeded" if done else "",
        # Typed a plain string by the reference; written as RFC 3339 like every time.
        "created_at": timestamp(sync.created_at),
        # The totals are known once the sync has finished.
        "total_synced_users": sync.total_synced_users if done else 0,
        "total_active_users": sync.total_active_users if done else 0,
        "total_deactivated_users": sync.total_deactivated_users if done else 0,
        "total_synced_teams": sync.total_synced_teams if done else 0,
        "total_active_teams": sync.total_active_teams if done else 0,
        "total_deactivated_teams": sync.total_deactivated_teams if done else 0,
        "synced_by": sync.synced_by,
    }


def last_team_sync_at(session: Session, now: float) -> float | None:
    """When the latest finished teams sync ended (a synced team's last_synced_at)."""
    query = (select(func.max(col(TeamSync.finished_at)))
             .where(col(TeamSync.sync_type) == TEAMS, col(TeamSync.finished_at) <= now))
    return session.execute(query).scalar_one_or_none()
