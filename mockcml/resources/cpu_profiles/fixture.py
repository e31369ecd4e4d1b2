"""The ``cpu_profiles`` section of fixture files: profiles that exist from the start.

Each item is a CreateCpuProfileRequest plus the ``id`` clients will see (fixtures name
their objects so that tests can refer to them).
"""

from __future__ import annotations

from typing import Any

from mockcml.fixtures import kinds as k
from mockcml.fixtures.sections import Section
from mockcml.kit.sql import table_of
from mockcml.resources.cpu_profiles.tables import CpuProfile, problems, profile_row

CPU_PROFILE = k.Record("CpuProfile", "A CPU resource profile: the fields of "
                       "CreateCpuProfileRequest, plus its id.", (
    k.Field("id", k.Integer(minimum=1), "Profile id (int32), unique.", required=True),
    k.Field("cpu", k.Number(positive=True), "vCPU cores.", required=True),
    k.Field("memory", k.Number(positive=True), "Memory in GB.", required=True),
    k.Field("resource_group_id", k.Integer(minimum=0), "Resource group.", default=0),
), key=("id",))


def _check(entries: list[dict[str, Any]]) -> list[tuple[dict[str, Any], str | None, str]]:
    # A field missing here was missing or malformed in the file: the shape check said so.
    return [(entry, name, message) for entry in entries
            for name, message in problems(entry) if name in entry]


def _rows(entries: list[dict[str, Any]]):  # noqa: ANN202
    for entry in entries:
        yield table_of(CpuProfile), {"id": entry["id"], **profile_row(entry)}


SECTION = Section("cpu_profiles", CPU_PROFILE, "CPU resource profiles.", "CPU profile",
                  rows=_rows, check=_check)
