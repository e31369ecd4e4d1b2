"""Applications in fixture files: CreateApplicationRequest fields plus a status at load time."""

from __future__ import annotations

from mockcml.fixtures import kinds as k
from mockcml.resources.projects.fixture import WORKLOAD

# Fixture status -> the API's name (accepted as well). A test keeps these in step with the
# lifecycle modules of mockcml/resources.
APP_STATUSES = {
    "running": "APPLICATION_RUNNING", "starting": "APPLICATION_STARTING",
    "stopping": "APPLICATION_STOPPING", "stopped": "APPLICATION_STOPPED",
    "failed": "APPLICATION_FAILED",
}

APPLICATION = k.Record("Application", "An application of the project: the fields of "
                       "CreateApplicationRequest, plus its status at load time.", (
    k.record_id("Application id.", "the project id and the name"),
    k.Field("name", k.Text(nonempty=True), "Application name, unique in the project.",
            required=True),
    k.Field("subdomain", k.Text(nonempty=True, no_spaces=True),
            "Part of the app's URL: 1 to 63 lower-case letters, digits or inner hyphens; unique "
            "in the workspace.", required=True),
    k.Field("description", k.Text(), "Free text."),
    k.Field("script", k.Text(), "Script that serves the app; required unless cdv_app."),
    k.Field("creator", k.Ref("user"), "Username of the creator.", default="the project owner"),
    k.Field("created_at", k.Time(), "Creation time.", default="just after the project's"),
    *WORKLOAD,
    k.Field("environment", k.EnvMap(), "Environment variables; MOCKCML_OUTCOME, "
            "MOCKCML_STARTING_DURATION, MOCKCML_DURATION and MOCKCML_STOPPING_DURATION script its "
            "starts as for API-created apps."),
    k.bool_field("bypass_authentication", "Serve without authentication."),
    k.Field("run_as", k.Integer(minimum=0), "As CreateApplicationRequest.", default=0),
    k.bool_field("cdv_app", "A Cloudera Data Visualization app (needs no script)."),
    *k.counts("As CreateApplicationRequest."),
    k.Field("status", k.statuses(APP_STATUSES),
            "Status at load time (lower-case or ApplicationStatus): running, starting, stopping, "
            "stopped, failed.", default="running"),
    k.Field("starting_at", k.Time(), "When the current start began (a restart).",
            default="created_at"),
    k.Field("starting", k.Duration(), "Time spent in APPLICATION_STARTING.",
            default="MOCKCML_STARTING_DURATION, else 5s"),
    k.Field("running", k.Duration(), "Time spent running before the stop was asked for (stopping, "
            "stopped) or before the crash (failed).", default="until the moment of loading"),
    k.Field("stopping", k.Duration(), "Time spent in APPLICATION_STOPPING.",
            default="MOCKCML_STOPPING_DURATION, else 2s"),
), key=("name",))
