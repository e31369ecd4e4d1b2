"""HTTP side of CPU resource profiles (site administrators only).

[inferred] Every operation, listing included, is for site administrators: the profiles
are workspace configuration. An unknown id answers NOT_FOUND rather than rows_affected 0;
an update changes only the fields it sends.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from mockcml.core.errors import InvalidArgument, NotFound
from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.kit.listing import Listing, page, substring
from mockcml.resources.cpu_profiles.tables import (
    INT32_MAX,
    CpuProfile,
    problems,
    profile_row,
    profile_wire,
)

ADMINS_ONLY = "CPU profiles are for site administrators"
LISTING = Listing(
    model="CpuProfile",
    filters={"id": substring(col(CpuProfile.id)),
             "resource_group_id": substring(col(CpuProfile.resource_group_id))},
    sorts={key: getattr(CpuProfile, key) for key in ("id", "cpu", "memory", "resource_group_id")},
    tiebreak=col(CpuProfile.id),
)


def _profile(call: Call) -> CpuProfile:
    text = str(call.path["id"])  # an int once decoded against the contract (int32)
    if not text.isdigit() or int(text) > INT32_MAX:
        raise InvalidArgument(f"id must be an int32, got {text!r}")
    profile = call.session.get(CpuProfile, int(text))
    if profile is None:
        raise NotFound(f"CPU profile {text} not found")
    return profile


@operation("ListCPUProfiles", admin=ADMINS_ONLY)
def list_cpu_profiles(call: Call) -> dict:
    result = page(call.session, select(CpuProfile), LISTING, call.query)
    return {"cpu_resource_profiles": [profile_wire(row[0]) for row in result.rows],
            "next_page_token": result.next_page_token}


@operation("CreateCPUProfile", admin=ADMINS_ONLY)
def create_cpu_profile(call: Call) -> dict:
    profile = CpuProfile(**profile_row(call.body or {}))
    call.session.add(profile)
    call.session.flush()
    return {"cpu_profile": profile_wire(profile)}


@operation("UpdateCPUProfile", admin=ADMINS_ONLY, same_ids=("id",))
def update_cpu_profile(call: Call) -> dict:
    profile = _profile(call)
    changes = {k: v for k, v in (call.body or {}).items()
               if k in ("cpu", "memory", "resource_group_id") and v is not None}
    merged = {**profile_wire(profile), **changes}
    found = problems(merged)
    if found:
        raise InvalidArgument(f"{found[0][0]} {found[0][1]}")
    for name, value in profile_row(merged).items():
        setattr(profile, name, value)
    return {"rows_affected": 1}


@operation("DeleteCPUProfile", admin=ADMINS_ONLY)
def delete_cpu_profile(call: Call) -> dict:
    call.session.delete(_profile(call))
    return {"rows_affected": 1}
