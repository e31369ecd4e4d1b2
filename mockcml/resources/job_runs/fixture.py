"""Job runs written in a fixture: history, or runs still in progress at load time."""

from __future__ import annotations

from mockcml.fixtures import kinds as k

RUN_STATUSES = {
    "scheduling": "ENGINE_SCHEDULING", "starting": "ENGINE_STARTING", "running": "ENGINE_RUNNING",
    "stopping": "ENGINE_STOPPING", "stopped": "ENGINE_STOPPED", "succeeded": "ENGINE_SUCCEEDED",
    "failed": "ENGINE_FAILED", "timedout": "ENGINE_TIMEDOUT", "skipped": "ENGINE_SKIPPED",
    "unknown": "ENGINE_UNKNOWN",
}

OUTCOMES = ("succeeded", "failed", "timedout")
# Where a run's phase lengths and outcome come from when the fixture leaves them out.
SIMULATED = "the job's simulate, then the server setting"

RUN = k.Record("JobRun", "A run that exists when the scenario loads: history, or one in progress.", (
    k.record_id("Run id.", "the job id and the run's position"),
    k.Field("status", k.Choice(tuple(RUN_STATUSES), tuple((v, k) for k, v in RUN_STATUSES.items())),
            "Status at load time (lower-case or EngineStatus). Finished: succeeded, failed, timedout, "
            "stopped, skipped, unknown. In progress: scheduling, starting, running, stopping.",
            required=True),
    k.Field("created_at", k.Time(), "When the run was created (RFC 3339, or relative such as \"-2h\").",
            required=True),
    k.Field("scheduling", k.Duration(), "Time spent in ENGINE_SCHEDULING (or give starting_at).",
            default=SIMULATED),
    k.Field("starting", k.Duration(), "Time spent in ENGINE_STARTING (or give running_at).",
            default=SIMULATED),
    k.Field("running", k.Duration(), "Time spent in ENGINE_RUNNING, in total (or give finished_at).",
            default=SIMULATED),
    k.Field("starting_at", k.Time(), "When ENGINE_STARTING began (instead of scheduling)."),
    k.Field("running_at", k.Time(), "When ENGINE_RUNNING began (instead of starting)."),
    k.Field("finished_at", k.Time(), "When a finished run ended (instead of running)."),
    k.Field("outcome", k.Choice(OUTCOMES), "How a run in progress will end.",
            default=SIMULATED),
    k.Field("message", k.Text(), "Failure message."),
    k.Field("arguments", k.Text(), "Arguments of this run.", default="the job's"),
    k.Field("environment", k.EnvMap(), "Variables of this run, over the job's."),
    k.Field("creator", k.Ref("user"), "Username of who started the run.", default="the job's creator"),
))
