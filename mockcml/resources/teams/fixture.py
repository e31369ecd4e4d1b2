"""Teams in fixture files: the ``teams`` record, the ``directory_groups`` section (who is in
each identity-provider group, the source of synced teams) and the checks and seeding of
the scenario's ``teams``.

Teams are written with the row builders CreateTeam and CreateSyncedTeam use, after the
directory groups, so a synced team starts with the members its groups give it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from mockcml.core.errors import ApiError
from mockcml.fixtures import kinds as k
from mockcml.fixtures.parse import Scalar, Seq
from mockcml.fixtures.sections import Refs, Section, Seeding
from mockcml.resources.teams import service, sync
from mockcml.resources.teams.tables import DirectoryMember, Team, TeamGroup, TeamMember, TeamSync

if TYPE_CHECKING:
    from mockcml.fixtures.validate import Checker as C
    from mockcml.fixtures.validate import Entry, Scenario

TEAM = k.Record("Team", "A team (CreateTeam), or with groups a synced team "
                "(CreateSyncedTeam) whose members come from directory_groups.", (
    k.Field("name", k.Text(nonempty=True, no_spaces=True),
            "Team name; shares the namespace of usernames.", required=True),
    k.Field("description", k.Text(), "Free text (the team's bio)."),
    k.Field("members", k.ListOf(k.Ref("user")), "Usernames of the members."),
    k.Field("permissions", k.KeyMap(what="permission"),
            "Member username to permission (read, operator, write, admin).", default="read"),
    k.Field("groups", k.KeyMap(what="group"),
            "Directory group (cn) to the permission it grants: makes a synced team."),
), key=("name",), extend=("members",))

DIRECTORY_GROUP = k.Record("DirectoryGroup", "An identity-provider group and its members: "
                           "what a synced team's groups resolve to.", (
    k.Field("cn", k.Text(nonempty=True), "The group's common name.", required=True),
    k.Field("members", k.ListOf(k.Ref("user")), "Usernames in the group."),
), key=("cn",), extend=("members",))


def _error(call: Any, *args: Any) -> str | None:
    try:
        call(*args)
    except ApiError as error:
        return error.message if hasattr(error, "message") else str(error)
    return None


def check(c: C, s: Scenario, written: list[Entry], refs: Refs) -> None:
    """Team names against usernames, members as ``written`` (each file's entries, before
    merging: the merged list would lose their positions), then ``_findings``."""
    users = {u["username"]: u for u in s.users}
    for team in s.teams:
        if team["name"] in users:
            c.problem(team, "name", f"a user is already named {team['name']!r} (teams and "
                                    f"users share names; {c.where(users[team['name']], 'username')})")
    members: dict[str, dict[str, Entry]] = {}
    for team in written:
        _members(c, team, members.setdefault(team["name"], {}), refs.usernames)
    for entry, name, message in _findings(s.teams, refs):
        c.problem(entry, name, message)


def _members(c: C, team: Entry, members: dict[str, Entry], usernames: set[str]) -> None:
    node = team.node.pairs["members"][1] if "members" in team.node.pairs else None
    if not isinstance(node, Seq):
        return
    for index, item in enumerate(node.items):
        if not isinstance(item, Scalar) or item.kind != "str":
            continue  # reported by the shape pass
        member = item.value
        first = members.get(member)
        if member not in usernames:
            c.item_problem(team, "members", index, item, f"no user named {member!r}")
        elif first is not None:
            if first.file == team.file:  # another file may name a member again
                c.item_problem(team, "members", index, item, f"{member!r} is listed twice")
        else:
            members[member] = team


def _findings(teams: Sequence[Mapping[str, Any]], refs: Refs):  # noqa: ANN201
    """What is wrong with the scenario's teams beyond their shape: names, permissions,
    groups (members are checked, with their positions, by the validator)."""
    for team in teams:
        if not service._NAME.fullmatch(team["name"]):
            yield team, "name", (f"{team['name']!r} is not a team name (letters, digits, "
                                 ". _ -, up to 64)")
        members = set(team.get("members") or ())
        for user, grant in (team.get("permissions") or {}).items():
            if user not in members:
                yield team, "permissions", f"{user!r} is not a member of the team"
            elif grant not in service.PERMISSIONS:
                yield team, "permissions", (f"{user}: {grant!r} is not one of "
                                            f"{list(service.PERMISSIONS)}")
        groups = team.get("groups") or {}
        if groups and members:
            yield team, "members", ("a synced team takes its members from its groups: list "
                                    "members only on a team without groups")
        known = {g["cn"] for g in refs.sections.get("directory_groups", ())}
        for cn, grant in groups.items():
            problem = _error(service.group_cn, cn)
            if problem is None and grant not in service.PERMISSIONS:
                problem = f"{cn}: {grant!r} is not one of {list(service.PERMISSIONS)}"
            if problem is None and cn not in known:
                problem = f"no directory group {cn!r} (declare it under directory_groups)"
            if problem is not None:
                yield team, "groups", problem


def _refs(entries: list[dict[str, Any]], refs: Refs):  # noqa: ANN202
    for group in entries:
        problem = _error(service.group_cn, group["cn"])
        if problem is not None:
            yield group, "cn", problem
        for name in group.get("members") or ():
            if name not in refs.usernames:
                yield group, "members", f"no user named {name!r}"


def _seed(entries: list[dict[str, Any]], seeding: Seeding) -> None:
    """The directory groups, then the scenario's teams with their groups, members and (per
    synced team) one finished users sync and teams sync: the rows seed.py's seed_team
    writes through CreateTeam and CreateSyncedTeam, built at once into one INSERT per
    table. The database holds no team yet, so team ids are 1, 2, ... in scenario order,
    and the checks have refused what the services would (names, groups, permissions)."""
    now = seeding.now
    in_group: dict[str, list[int]] = {}
    for group in entries:
        users = in_group.setdefault(service.group_cn(group["cn"]), [])
        users.extend(u for u in dict.fromkeys(map(seeding.user, group.get("members") or ()))
                     if u not in users)
    teams, groups, members, syncs = [], [], [], []
    synced_users: set[int] = set()
    for team_id, team in enumerate(getattr(seeding.scenario, "teams", ()), 1):
        grants = {service.group_cn(cn): grant for cn, grant in (team.get("groups") or {}).items()}
        teams.append({"id": team_id, **service.team_row(team["name"], team.get("description")
                                                        or "", bool(grants), now)})
        if grants:
            groups += [service.group_row(team_id, cn, grant, now) for cn, grant in grants.items()]
            # refresh_members: each user of the groups, at the highest permission given
            wanted = service.inherited_grants([(user_id, grant) for cn, grant in grants.items()
                                               for user_id in sorted(in_group.get(cn, ()))])
            members += [service.member_row(team_id, user_id, grant, now, inherited=True)
                        for user_id, grant in wanted.items()]
            synced_users |= wanted.keys()
            syncs += sync.sync_rows("fixtures", now, 0.0, len(synced_users),
                                    sum(t["synced"] for t in teams))
        else:
            given = team.get("permissions") or {}
            chosen = {seeding.user(name): given.get(name, "read")
                      for name in team.get("members") or ()}
            members += [service.member_row(team_id, user_id, service.permission(grant), now,
                                           inherited=False)
                        for user_id, grant in chosen.items()]
    seeding.insert(DirectoryMember, [{"cn": cn, "user_id": user_id}
                                     for cn, users in in_group.items() for user_id in users])
    seeding.insert(Team, teams)
    seeding.insert(TeamGroup, groups)
    seeding.insert(TeamMember, members)
    seeding.insert(TeamSync, syncs)


SECTION = Section("directory_groups", DIRECTORY_GROUP, "Identity-provider groups and their "
                  "members (the source of synced teams).", "directory group",
                  refs=_refs, seed=_seed)
