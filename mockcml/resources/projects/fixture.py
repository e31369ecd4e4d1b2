"""Fixture records of a project's collaborators, and the engine rules its workloads'
records share: the shape an item has in a fixture file.

Assembled into the scenario by ``mockcml/fixtures/schema.py``; field names follow the
API's create requests.
"""

from __future__ import annotations

from mockcml.fixtures.kinds import (
    Choice,
    Field,
    Record,
    Ref,
)

VISIBILITIES = ("public", "organization", "private")

ENGINE_TYPES = ("ml_runtime", "legacy_engine")

PERMISSIONS = ("read", "business_user", "operator", "write", "admin")

KERNELS = ("python3", "python2", "r", "scala")

# The default of kernel, as resources/projects/tables.workload_kernel applies it.
LEGACY_KERNEL_DOC = "python3 in legacy_engine projects, else empty"

COLLABORATOR = Record("Collaborator", "A user given access to the project.", (
    Field("user", Ref("user"), "Username.", required=True),
    Field("permission", Choice(PERMISSIONS), "What the user may do.", required=True),
), key=("user",))
