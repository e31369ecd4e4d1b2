"""Fixture records of applications: the shape an item has in a fixture file.

Assembled into the scenario by ``mockcml/fixtures/schema.py``; field names follow the
API's create requests.
"""

from __future__ import annotations

from mockcml.fixtures.kinds import (
    Choice,
    Duration,
    EnvMap,
    Field,
    Integer,
    ListOf,
    Number,
    Record,
    Ref,
    Text,
    Time,
    bool_field,
    counts,
    statuses,
)
from mockcml.resources.projects.fixture import KERNELS, LEGACY_KERNEL_DOC

# Fixture status -> the API's name (accepted as well). A test keeps these in step with the
# lifecycle modules of mockcml/resources.
APP_STATUSES = {
    "running": "APPLICATION_RUNNING", "starting": "APPLICATION_STARTING",
    "stopping": "APPLICATION_STOPPING", "stopped": "APPLICATION_STOPPED",
    "failed": "APPLICATION_FAILED",
}

APPLICATION = Record("Application", "An application of the project: the fields of "
                     "CreateApplicationRequest, plus its status at load time.", (
    Field("id", Text(nonempty=True, no_spaces=True), "Application id.",
          default="derived from the project id and the name"),
    Field("name", Text(nonempty=True), "Application name, unique in the project.",
          required=True),
    Field("subdomain", Text(nonempty=True, no_spaces=True),
          "Part of the app's URL: 1 to 63 lower-case letters, digits or inner hyphens; unique "
          "in the workspace.", required=True),
    Field("description", Text(), "Free text."),
    Field("script", Text(), "Script that serves the app; required unless cdv_app."),
    Field("creator", Ref("user"), "Username of the creator.", default="the project owner"),
    Field("created_at", Time(), "Creation time.", default="just after the project's"),
    Field("runtime_identifier", Ref("runtime"),
          "image_identifier of a runtime of the scenario; required in ml_runtime projects."),
    Field("runtime_addon_identifiers", ListOf(Text()), "Runtime add-ons."),
    Field("kernel", Choice(KERNELS), "Kernel for legacy-engine projects.",
          default=LEGACY_KERNEL_DOC),
    Field("cpu", Number(positive=True), "vCPU cores.", default=1),
    Field("memory", Number(positive=True), "Memory in GB.", default=1),
    Field("nvidia_gpu", Integer(minimum=0), "GPUs.", default=0),
    Field("environment", EnvMap(), "Environment variables; MOCKCML_OUTCOME, "
          "MOCKCML_STARTING_DURATION, MOCKCML_DURATION and MOCKCML_STOPPING_DURATION script its "
          "starts as for API-created apps."),
    bool_field("bypass_authentication", "Serve without authentication."),
    Field("run_as", Integer(minimum=0), "As CreateApplicationRequest.", default=0),
    bool_field("cdv_app", "A Cloudera Data Visualization app (needs no script)."),
    *counts("As CreateApplicationRequest."),
    Field("status", statuses(APP_STATUSES),
          "Status at load time (lower-case or ApplicationStatus): running, starting, stopping, "
          "stopped, failed.", default="running"),
    Field("starting_at", Time(), "When the current start began (a restart).",
          default="created_at"),
    Field("starting", Duration(), "Time spent in APPLICATION_STARTING.",
          default="MOCKCML_STARTING_DURATION, else 5s"),
    Field("running", Duration(), "Time spent running before the stop was asked for (stopping, "
          "stopped) or before the crash (failed).", default="until the moment of loading"),
    Field("stopping", Duration(), "Time spent in APPLICATION_STOPPING.",
          default="MOCKCML_STOPPING_DURATION, else 2s"),
), key=("name",))
