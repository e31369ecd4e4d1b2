"""HTTP side of teams, synced teams and syncs. Every operation is a site administrator's."""

from __future__ import annotations

from mockcml.core.errors import InvalidArgument
from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.kit.siteadmin import int64_param, require_site_admin
from mockcml.resources.teams import groups, service, sync
from mockcml.resources.teams.schemas import group_wire, synced_members_wire, team_wire

WHAT = "team administration"


def _scale(call: Call) -> float:
    return call.mock.settings.time_scale


def _path_id(call: Call, name: str) -> int:
    """An int64 path id, and the same field of the body, which must agree if sent."""
    value = int64_param(call.path[name], name)
    sent = (call.body or {}).get(name)
    if sent not in (None, 0) and sent != value:
        raise InvalidArgument(f"{name} in the body does not match the path")
    return value


def _team(call: Call):  # noqa: ANN202
    sent = (call.body or {}).get("team_name")
    if sent and sent != call.path["team_name"]:
        raise InvalidArgument("team_name in the body does not match the path")
    return service.get_team(call.session, call.path["team_name"])


@operation("CreateTeam")
def create_team(call: Call) -> dict:
    require_site_admin(call.user, WHAT)
    team = service.create_team(call.session, call.body or {}, call.now)
    if team.synced:
        sync.start_syncs(call.session, call.user.username, call.now, _scale(call))
    return team_wire(call.session, team, call.user, call.now)


@operation("CreateSyncedTeam")
def create_synced_team(call: Call) -> dict:
    require_site_admin(call.user, WHAT)
    team = service.create_synced_team(call.session, call.body or {}, call.now)
    sync.start_syncs(call.session, call.user.username, call.now, _scale(call))
    return team_wire(call.session, team, call.user, call.now)


@operation("DeleteTeam")
def delete_team(call: Call) -> dict:
    require_site_admin(call.user, WHAT)
    service.delete_team(call.session, call.path["team_name"])
    return {}


@operation("ListSyncedTeamMembers")
def list_synced_team_members(call: Call) -> dict:
    require_site_admin(call.user, WHAT)
    return {"members": synced_members_wire(call.session, _team(call))}


@operation("UpdateMemberPermissionForSyncedTeam")
def update_member_permission_for_synced_team(call: Call) -> dict:
    user_id = _path_id(call, "user_id")
    require_site_admin(call.user, WHAT)
    service.set_member_permission(call.session, _team(call), user_id, call.body or {},
                                  call.now)
    return {}


@operation("ListSyncedTeamGroups")
def list_synced_team_groups(call: Call) -> dict:
    require_site_admin(call.user, WHAT)
    team = _team(call)
    synced_at = sync.last_team_sync_at(call.session, call.now)
    return {"groups": [group_wire(g, synced_at) for g in groups.list_groups(call.session, team)]}


@operation("AddGroupToSyncedTeam")
def add_group_to_synced_team(call: Call) -> dict:
    require_site_admin(call.user, WHAT)
    groups.add_group(call.session, _team(call), (call.body or {}).get("group_permission"),
                     call.now)
    sync.start_syncs(call.session, call.user.username, call.now, _scale(call))
    return {}


def _group_change(call: Call, change) -> dict:  # noqa: ANN001
    """A change to one group of a synced team (the path's group id checked first), then
    the syncs it starts."""
    group_id = _path_id(call, "group_id")
    require_site_admin(call.user, WHAT)
    change(_team(call), group_id)
    sync.start_syncs(call.session, call.user.username, call.now, _scale(call))
    return {}


@operation("RemoveGroupFromSyncedTeam")
def remove_group_from_synced_team(call: Call) -> dict:
    return _group_change(call, lambda team, group_id: groups.remove_group(
        call.session, team, group_id, call.now))


@operation("UpdateGroupPermissionForSyncedTeam")
def update_group_permission_for_synced_team(call: Call) -> dict:
    return _group_change(call, lambda team, group_id: groups.set_group_permission(
        call.session, team, group_id, call.body or {}, call.now))


def _status(call: Call, kind: str | None) -> dict:
    require_site_admin(call.user, "sync status")
    found = sync.find_sync(call.session, kind, call.query.get("request_id"))
    return sync.sync_wire(found, call.now)


@operation("LatestSyncStatus")
def latest_sync_status(call: Call) -> dict:
    return _status(call, None)


@operation("TeamsSyncStatus")
def teams_sync_status(call: Call) -> dict:
    return _status(call, sync.TEAMS)


@operation("UsersSyncStatus")
def users_sync_status(call: Call) -> dict:
    return _status(call, sync.USERS)
