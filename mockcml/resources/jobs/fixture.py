"""A project's jobs in fixture files: CreateJobRequest fields, the recipients of their
notifications, and how their new runs behave (``simulate``).
"""

from __future__ import annotations

from mockcml.fixtures import kinds as k
from mockcml.resources.job_runs.fixture import OUTCOMES, RUN
from mockcml.resources.projects.fixture import WORKLOAD

RECIPIENT = k.Record("JobRecipient", "Who hears about the job's runs.", (
    k.Field("email", k.Text(nonempty=True), "Address.", required=True),
    k.bool_field("notify_on_success", "Mail when a run succeeds."),
    k.bool_field("notify_on_failure", "Mail when a run fails."),
    k.bool_field("notify_on_timeout", "Mail when a run times out."),
    k.bool_field("notify_on_stop", "Mail when a run is stopped."),
))

SIMULATE = k.Record("Simulate", "How this job's new runs behave (in mock seconds; the server's "
                    "--time-scale applies).", (
    k.Field("scheduling", k.Duration(), "Time in ENGINE_SCHEDULING.", default="server setting (1s)"),
    k.Field("starting", k.Duration(), "Time in ENGINE_STARTING.", default="server setting (2s)"),
    k.Field("running", k.Duration(), "Time in ENGINE_RUNNING.", default="server setting (10s)"),
    k.Field("outcome", k.Choice(OUTCOMES), "How runs end.", default="server setting (succeeded)"),
    k.Field("message", k.Text(), "Failure message of failed runs."),
))

JOB = k.Record("Job", "A job of the project: the fields of CreateJobRequest, plus simulate and runs.", (
    k.record_id("Job id.", "the project id and the job name"),
    k.Field("name", k.Text(nonempty=True), "Job name, unique in the project.", required=True),
    k.Field("script", k.Text(nonempty=True), "Script to run, relative to the project.", required=True),
    k.Field("creator", k.Ref("user"), "Username of the creator (also the job's owner).",
            default="the project owner"),
    k.Field("created_at", k.Time(), "Creation time.", default="just after the project's"),
    *WORKLOAD,
    k.Field("schedule", k.Cron(), "5-field cron expression; a cron job."),
    k.Field("timezone", k.TimeZone(), "Time zone of the schedule.", default="America/Los_Angeles"),
    k.Field("parent", k.Ref("job"), "Name of a job of the same project; this job runs after each "
            "successful run of it (parent_id). Not with schedule."),
    k.Field("timeout", k.Duration(whole=True), "Timeout (seconds, or \"30m\"); 0 means none.",
            default=0),
    k.bool_field("kill_on_timeout", "Stop runs that exceed the timeout (they end ENGINE_TIMEDOUT)."),
    k.Field("environment", k.EnvMap(), "Environment variables of its runs."),
    k.Field("arguments", k.Text(), "Arguments of its runs."),
    k.bool_field("paused", "Paused jobs are not started by cron or by their parent."),
    k.bool_field("retry_enabled", "Retry failed runs."),
    k.Field("max_retry", k.Integer(minimum=0), "Retries per run.", default=0),
    k.Field("retry_delay", k.Duration(whole=True), "Wait before a retry.", default=0),
    k.bool_field("retry_for_script_failure", "Retry runs whose script failed."),
    k.bool_field("retry_for_system_failure", "Retry runs that failed for the system."),
    k.bool_field("retry_for_timedout_runs", "Retry runs that timed out."),
    k.bool_field("retry_for_skipped_runs", "Retry runs that were skipped."),
    k.Field("recipients", k.ListOf(RECIPIENT), "Notification recipients."),
    k.Field("attachments", k.ListOf(k.Text()), "Files attached to notifications."),
    k.Field("success_recipients", k.Text(), "As CreateJobRequest."),
    k.Field("failure_recipients", k.Text(), "As CreateJobRequest."),
    k.Field("timeout_recipients", k.Text(), "As CreateJobRequest."),
    k.Field("stopped_recipients", k.Text(), "As CreateJobRequest."),
    k.Field("run_as", k.Integer(), "As CreateJobRequest.", default=0),
    k.Field("accelerator_label_id", k.Integer(), "As CreateJobRequest.", default=0),
    k.Field("resource_group_id", k.Integer(), "As CreateJobRequest.", default=0),
    k.Field("resource_profile_id", k.Integer(), "As CreateJobRequest.", default=0),
    k.Field("simulate", SIMULATE, "How new runs of this job behave."),
    k.Field("runs", k.ListOf(RUN), "Runs that already exist (history, or in progress)."),
), key=("name",), extend=("runs",))
