"""CPU resource profiles: the cpu/memory pairs a workspace offers for sessions, jobs and
applications, and how a new one is made from fields.

``profile_row`` is the one place that says what a profile's fields default to and which
values are refused; CreateCPUProfile and the ``cpu_profiles`` fixture section both use it.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Field, SQLModel

from mockcml.core.errors import InvalidArgument

INT32_MAX = 2**31 - 1


class CpuProfile(SQLModel, table=True):
    __tablename__ = "cpu_profiles"

    id: int = Field(default=None, primary_key=True)  # set on insert; int32 on the wire
    cpu: float  # vCPU cores
    memory: float  # GB
    resource_group_id: int = Field(default=0, index=True)  # 0: the default resource group


def problems(fields: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, message) for every value a profile may not have. [inferred] The real
    service's limits are not documented; a profile of no CPU or no memory is refused."""
    found = []
    for name in ("cpu", "memory"):
        value = fields.get(name)
        if not value or value <= 0:
            found.append((name, "must be greater than 0"))
    group = fields.get("resource_group_id") or 0
    if not 0 <= group <= INT32_MAX:
        found.append(("resource_group_id", "must be between 0 and 2147483647"))
    return found


def profile_row(fields: dict[str, Any]) -> dict[str, Any]:
    """The columns of a new profile (id aside) from request or fixture fields."""
    found = problems(fields)
    if found:
        name, message = found[0]
        raise InvalidArgument(f"{name} {message}")
    return {"cpu": float(fields["cpu"]), "memory": float(fields["memory"]),
            "resource_group_id": int(fields.get("resource_group_id") or 0)}


def profile_wire(profile: Any) -> dict[str, Any]:
    """CpuProfile on the wire: int32 ids as JSON numbers, doubles as numbers."""
    return {"id": profile.id, "cpu": profile.cpu, "memory": profile.memory,
            "resource_group_id": profile.resource_group_id}
