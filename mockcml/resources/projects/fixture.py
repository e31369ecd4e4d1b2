"""A project's collaborators in fixture files, and the kernel vocabulary its jobs,
applications and builds share (the project record itself is assembled in
``fixtures/schema.py``).
"""

from __future__ import annotations

from mockcml.fixtures import kinds as k
from mockcml.resources.projects.access import PERMISSIONS

KERNELS = ("python3", "python2", "r", "scala")

# The default of kernel, as resources/projects/tables.workload_kernel applies it.
LEGACY_KERNEL_DOC = "python3 in legacy_engine projects, else empty"

# Where a job or an application runs and with what: declared alike for both.
WORKLOAD = (
    k.Field("runtime_identifier", k.Ref("runtime"),
            "image_identifier of a runtime of the scenario; required in ml_runtime projects."),
    k.Field("runtime_addon_identifiers", k.ListOf(k.Text()), "Runtime add-ons."),
    k.Field("kernel", k.Choice(KERNELS), "Kernel for legacy-engine projects.",
            default=LEGACY_KERNEL_DOC),
    k.Field("cpu", k.Number(positive=True), "vCPU cores.", default=1),
    k.Field("memory", k.Number(positive=True), "Memory in GB.", default=1),
    k.Field("nvidia_gpu", k.Integer(minimum=0), "GPUs.", default=0),
)

COLLABORATOR = k.Record("Collaborator", "A user given access to the project.", (
    k.Field("user", k.Ref("user"), "Username.", required=True),
    k.Field("permission", k.Choice(PERMISSIONS), "What the user may do.", required=True),
), key=("user",))
