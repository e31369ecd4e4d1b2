"""Users and teams as holders of quotas: one description of each, so every quota list and
update is written once for both."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from mockcml.core.errors import NotFound
from mockcml.resources.quotas.tables import (
    TeamAcceleratorQuota,
    TeamQuota,
    UserAcceleratorQuota,
    UserQuota,
)
from mockcml.resources.quotas.usage import Usage, usage_by_owner_and_label
from mockcml.resources.teams.tables import Team, TeamMember
from mockcml.resources.users.tables import User


@dataclass(frozen=True)
class Subject:
    kind: str  # "user" or "team": also the owner_type of its default quota
    table: Any
    quota: Any  # own quota table, keyed by <kind>_id
    accelerator_quota: Any  # GPUs per accelerator label, keyed by (<kind>_id, accelerator_id)

    @property
    def key(self) -> str:
        return f"{self.kind}_id"

    def quota_owner(self, table: Any) -> Any:
        return getattr(table, self.key)

    def require(self, session: Session, subject_id: int) -> None:
        if session.get(self.table, subject_id) is None:
            raise NotFound(f"{self.kind} {subject_id} not found")

    def usage(self, session: Session, now: float) -> dict[tuple[int, int], Usage]:
        """What each user or team uses now, per accelerator label (0 for none)."""
        by_user = usage_by_owner_and_label(session, now)
        if self.kind == "user":
            return by_user
        # A team uses what its members use.
        per_user: dict[int, list[tuple[int, Usage]]] = {}
        for (owner, label), used in by_user.items():
            per_user.setdefault(owner, []).append((label, used))
        out: dict[tuple[int, int], Usage] = {}
        members = session.execute(select(col(TeamMember.team_id), col(TeamMember.user_id))).all()
        for team_id, user_id in members:
            for label, used in per_user.get(user_id, ()):
                out.setdefault((team_id, label), Usage()).add(used.cpu, used.memory, used.gpu)
        return out


USERS = Subject("user", User, UserQuota, UserAcceleratorQuota)
TEAMS = Subject("team", Team, TeamQuota, TeamAcceleratorQuota)


class Totals:
    """Usage per user or team, over every label or on one, looked up in constant time."""

    def __init__(self, usages: dict[tuple[int, int], Usage]) -> None:
        self.on_label = usages
        self.overall: dict[int, Usage] = {}
        for (owner, _label), used in usages.items():
            self.overall.setdefault(owner, Usage()).add(used.cpu, used.memory, used.gpu)

    def of(self, subject_id: int, label: int | None = None) -> Usage:
        found = self.overall.get(subject_id) if label is None else \
            self.on_label.get((subject_id, label))
        return found or Usage()


def quota_wire(cpu: str = "", memory: str = "", gpu: str = "") -> dict[str, str]:
    return {"cpu": cpu, "memory": memory, "nvidia_gpu": gpu}


def usage_wire(used: Usage) -> dict[str, str]:
    return quota_wire(f"{used.cpu:g}", f"{used.memory:g}", str(used.gpu))
