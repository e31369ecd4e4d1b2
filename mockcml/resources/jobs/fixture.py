"""Fixture records of jobs, their recipients and how their new runs behave: the shape
an item has in a fixture file.

Assembled into the scenario by ``mockcml/fixtures/schema.py``; field names follow the
API's create requests.
"""

from __future__ import annotations

from mockcml.fixtures.kinds import (
    Choice,
    Cron,
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
    TimeZone,
    bool_field,
)
from mockcml.resources.job_runs.fixture import OUTCOMES, RUN
from mockcml.resources.projects.fixture import KERNELS, LEGACY_KERNEL_DOC

RECIPIENT = Record("JobRecipient", "Who hears about the job's runs.", (
    Field("email", Text(nonempty=True), "Address.", required=True),
    bool_field("notify_on_success", "Mail when a run succeeds."),
    bool_field("notify_on_failure", "Mail when a run fails."),
    bool_field("notify_on_timeout", "Mail when a run times out."),
    bool_field("notify_on_stop", "Mail when a run is stopped."),
))

SIMULATE = Record("Simulate", "How this job's new runs behave (in mock seconds; the server's "
                  "--time-scale applies).", (
    Field("scheduling", Duration(), "Time in ENGINE_SCHEDULING.", default="server setting (1s)"),
    Field("starting", Duration(), "Time in ENGINE_STARTING.", default="server setting (2s)"),
    Field("running", Duration(), "Time in ENGINE_RUNNING.", default="server setting (10s)"),
    Field("outcome", Choice(OUTCOMES), "How runs end.", default="server setting (succeeded)"),
    Field("message", Text(), "Failure message of failed runs."),
))

JOB = Record("Job", "A job of the project: the fields of CreateJobRequest, plus simulate and runs.", (
    Field("id", Text(nonempty=True, no_spaces=True), "Job id.",
          default="derived from the project id and the job name"),
    Field("name", Text(nonempty=True), "Job name, unique in the project.", required=True),
    Field("script", Text(nonempty=True), "Script to run, relative to the project.", required=True),
    Field("creator", Ref("user"), "Username of the creator (also the job's owner).",
          default="the project owner"),
    Field("created_at", Time(), "Creation time.", default="just after the project's"),
    Field("runtime_identifier", Ref("runtime"),
          "image_identifier of a runtime of the scenario; required in ml_runtime projects."),
    Field("runtime_addon_identifiers", ListOf(Text()), "Runtime add-ons."),
    Field("kernel", Choice(KERNELS), "Kernel for legacy-engine projects.",
          default=LEGACY_KERNEL_DOC),
    Field("cpu", Number(positive=True), "vCPU cores.", default=1),
    Field("memory", Number(positive=True), "Memory in GB.", default=1),
    Field("nvidia_gpu", Integer(minimum=0), "GPUs.", default=0),
    Field("schedule", Cron(), "5-field cron expression; a cron job."),
    Field("timezone", TimeZone(), "Time zone of the schedule.", default="America/Los_Angeles"),
    Field("parent", Ref("job"), "Name of a job of the same project; this job runs after each "
          "successful run of it (parent_id). Not with schedule."),
    Field("timeout", Duration(whole=True), "Timeout (seconds, or \"30m\"); 0 means none.",
          default=0),
    bool_field("kill_on_timeout", "Stop runs that exceed the timeout (they end ENGINE_TIMEDOUT)."),
    Field("environment", EnvMap(), "Environment variables of its runs."),
    Field("arguments", Text(), "Arguments of its runs."),
    bool_field("paused", "Paused jobs are not started by cron or by their parent."),
    bool_field("retry_enabled", "Retry failed runs."),
    Field("max_retry", Integer(minimum=0), "Retries per run.", default=0),
    Field("retry_delay", Duration(whole=True), "Wait before a retry.", default=0),
    bool_field("retry_for_script_failure", "Retry runs whose script failed."),
    bool_field("retry_for_system_failure", "Retry runs that failed for the system."),
    bool_field("retry_for_timedout_runs", "Retry runs that timed out."),
    bool_field("retry_for_skipped_runs", "Retry runs that were skipped."),
    Field("recipients", ListOf(RECIPIENT), "Notification recipients."),
    Field("attachments", ListOf(Text()), "Files attached to notifications."),
    Field("success_recipients", Text(), "As CreateJobRequest."),
    Field("failure_recipients", Text(), "As CreateJobRequest."),
    Field("timeout_recipients", Text(), "As CreateJobRequest."),
    Field("stopped_recipients", Text(), "As CreateJobRequest."),
    Field("run_as", Integer(), "As CreateJobRequest.", default=0),
    Field("accelerator_label_id", Integer(), "As CreateJobRequest.", default=0),
    Field("resource_group_id", Integer(), "As CreateJobRequest.", default=0),
    Field("resource_profile_id", Integer(), "As CreateJobRequest.", default=0),
    Field("simulate", SIMULATE, "How new runs of this job behave."),
    Field("runs", ListOf(RUN), "Runs that already exist (history, or in progress)."),
), key=("name",), extend=("runs",))
