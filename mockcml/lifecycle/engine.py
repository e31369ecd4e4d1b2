"""The job-run lifecycle as data.

A run stores facts, not a status: when each phase begins (planned when the run is
created from its script and the time scale), when a stop was asked for, and how it
ends. ``status_at(now)`` reads the status off those facts, so two reads at the same
clock time agree, nothing depends on a client polling, and moving the clock moves
every run. ``status_sql(now)`` is the same function in SQL, for filters and sorts.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, literal

SCHEDULING, STARTING, RUNNING = "ENGINE_SCHEDULING", "ENGINE_STARTING", "ENGINE_RUNNING"
STOPPING, STOPPED = "ENGINE_STOPPING", "ENGINE_STOPPED"
SUCCEEDED, FAILED, TIMEDOUT = "ENGINE_SUCCEEDED", "ENGINE_FAILED", "ENGINE_TIMEDOUT"
SKIPPED, UNKNOWN = "ENGINE_SKIPPED", "ENGINE_UNKNOWN"

# The happy path, in order; each active phase is entered at its own timestamp column.
PHASES = (
    (SCHEDULING, "scheduling_at"),
    (STARTING, "starting_at"),
    (RUNNING, "running_at"),
)
TERMINAL = (SUCCEEDED, FAILED, TIMEDOUT, STOPPED, SKIPPED)
OUTCOMES = {"succeeded": SUCCEEDED, "failed": FAILED, "timedout": TIMEDOUT}
# ListJobRuns filters statuses by these lower-case names.
FILTER_NAMES = {
    "scheduling": SCHEDULING, "starting": STARTING, "running": RUNNING, "stopping": STOPPING,
    "stopped": STOPPED, "succeeded": SUCCEEDED, "failed": FAILED, "timedout": TIMEDOUT,
    "skipped": SKIPPED, "unknown": UNKNOWN,
}


@dataclass(frozen=True)
class Script:
    """How a run will behave, in mock seconds (before the time scale is applied)."""

    scheduling: float
    starting: float
    running: float
    outcome: str = "succeeded"  # succeeded, failed or timedout
    message: str = ""


@dataclass(frozen=True)
class Plan:
    scheduling_at: float
    starting_at: float
    running_at: float
    finished_at: float
    final_status: str
    message: str


def plan(created_at: float, script: Script, scale: float, timeout: float = 0.0,
         kill_on_timeout: bool = False) -> Plan:
    """When each phase begins and how the run ends.

    A job timeout is mock time like the script, so both are scaled together: a run
    scripted for 30 s under a 10 s timeout times out after 10 scaled seconds.
    """
    running = script.running
    final = OUTCOMES[script.outcome]
    message = script.message
    if kill_on_timeout and timeout > 0 and running > timeout:
        running, final = timeout, TIMEDOUT
        message = message or f"run exceeded the job timeout of {timeout:g}s"
    if final == FAILED and not message:
        message = "run failed (scripted outcome)"
    starting_at = created_at + script.scheduling * scale
    running_at = starting_at + script.starting * scale
    return Plan(
        scheduling_at=created_at,
        starting_at=starting_at,
        running_at=running_at,
        finished_at=running_at + running * scale,
        final_status=final,
        message=message,
    )


def status_at(now: float, *, starting_at: float | None, running_at: float | None,
              finished_at: float | None, stop_at: float | None, final_status: str) -> str:
    if finished_at is not None and now >= finished_at:
        return final_status
    if stop_at is not None and now >= stop_at:
        return STOPPING
    if running_at is not None and now >= running_at:
        return RUNNING
    if starting_at is not None and now >= starting_at:
        return STARTING
    return SCHEDULING


def status_sql(now: float, table):  # noqa: ANN001 - any table with the run columns
    return case(
        (table.finished_at <= now, table.final_status),
        (table.stop_at <= now, literal(STOPPING)),
        (table.running_at <= now, literal(RUNNING)),
        (table.starting_at <= now, literal(STARTING)),
        else_=literal(SCHEDULING),
    )


def is_active(status: str) -> bool:
    return status not in TERMINAL and status != UNKNOWN
