"""Fixture records of job runs that exist when a scenario loads: the shape an item has in a fixture file.

Assembled into the scenario by ``mockcml/fixtures/schema.py``; field names follow the
API's create requests.
"""

from __future__ import annotations

from mockcml.fixtures.kinds import (
    Choice,
    Duration,
    EnvMap,
    Field,
    Record,
    Ref,
    Text,
    Time,
)

RUN_STATUSES = {
    "scheduling": "ENGINE_SCHEDULING", "starting": "ENGINE_STARTING", "running": "ENGINE_RUNNING",
    "stopping": "ENGINE_STOPPING", "stopped": "ENGINE_STOPPED", "succeeded": "ENGINE_SUCCEEDED",
    "failed": "ENGINE_FAILED", "timedout": "ENGINE_TIMEDOUT", "skipped": "ENGINE_SKIPPED",
    "unknown": "ENGINE_UNKNOWN",
}

OUTCOMES = ("succeeded", "failed", "timedout")

RUN = Record("JobRun", "A run that exists when the scenario loads: history, or one in progress.", (
    Field("id", Text(nonempty=True, no_spaces=True), "Run id.",
          default="derived from the job id and the run's position"),
    Field("status", Choice(tuple(RUN_STATUSES), tuple((v, k) for k, v in RUN_STATUSES.items())),
          "Status at load time (lower-case or EngineStatus). Finished: succeeded, failed, timedout, "
          "stopped, skipped, unknown. In progress: scheduling, starting, running, stopping.",
          required=True),
    Field("created_at", Time(), "When the run was created (RFC 3339, or relative such as \"-2h\").",
          required=True),
    Field("scheduling", Duration(), "Time spent in ENGINE_SCHEDULING (or give starting_at).",
          default="the job's simulate, then the server setting"),
    Field("starting", Duration(), "Time spent in ENGINE_STARTING (or give running_at).",
          default="the job's simulate, then the server setting"),
    Field("running", Duration(), "Time spent in ENGINE_RUNNING, in total (or give finished_at).",
          default="the job's simulate, then the server setting"),
    Field("starting_at", Time(), "When ENGINE_STARTING began (instead of scheduling)."),
    Field("running_at", Time(), "When ENGINE_RUNNING began (instead of starting)."),
    Field("finished_at", Time(), "When a finished run ended (instead of running)."),
    Field("outcome", Choice(OUTCOMES), "How a run in progress will end.",
          default="the job's simulate, then the server setting"),
    Field("message", Text(), "Failure message."),
    Field("arguments", Text(), "Arguments of this run.", default="the job's"),
    Field("environment", EnvMap(), "Variables of this run, over the job's."),
    Field("creator", Ref("user"), "Username of who started the run.", default="the job's creator"),
))
