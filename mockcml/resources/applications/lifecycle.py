"""The application lifecycle as data.

Like a job run (mockcml/lifecycle/engine.py), an application stores facts, not a
status: when its current start began, when it is planned to reach RUNNING, when a
stop was asked for, and when and how it ends (stopped or failed). ``status_at(now)``
reads the status off those facts and ``status_sql(now)`` is the same function in SQL
for ``search_filter`` and ``sort``. A restart replaces the facts with a new start.

    create / :restart --> STARTING --> RUNNING
                              |           |
                              |           +--> FAILED     (scripted)
                              +--> FAILED                 (scripted, never RUNNING)
    :stop in STARTING or RUNNING --> STOPPING --> STOPPED
    :restart from any status but STOPPING --> STARTING

The reference gives the enum and the timestamps; the transitions are [inferred].
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, literal

UNKNOWN = "APPLICATION_UNKNOWN"
STARTING, RUNNING = "APPLICATION_STARTING", "APPLICATION_RUNNING"
STOPPING, STOPPED = "APPLICATION_STOPPING", "APPLICATION_STOPPED"
FAILED = "APPLICATION_FAILED"

# Default phase lengths in mock seconds, multiplied by settings.time_scale.
STARTING_SECONDS = 5.0
STOPPING_SECONDS = 2.0

# Every move the simulation makes; ":stop" and ":restart" are the API's verbs.
TRANSITIONS: dict[str, dict[str, str]] = {
    STARTING: {"started": RUNNING, "crashed": FAILED, ":stop": STOPPING, ":restart": STARTING},
    RUNNING: {"crashed": FAILED, ":stop": STOPPING, ":restart": STARTING},
    STOPPING: {"stopped": STOPPED},
    STOPPED: {":restart": STARTING},
    FAILED: {":restart": STARTING},
    UNKNOWN: {":restart": STARTING},
}
TERMINAL = (STOPPED, FAILED)
OUTCOMES = ("running", "failed")
# ListApplications filters statuses by these lower-case names (reference value set).
FILTER_NAMES = {
    "running": RUNNING, "stopping": STOPPING, "stopped": STOPPED, "starting": STARTING,
    "failed": FAILED,
}


def allows(status: str, verb: str) -> bool:
    return verb in TRANSITIONS.get(status, {})


@dataclass(frozen=True)
class Script:
    """How one start of an application behaves, in mock seconds (before scaling)."""

    starting: float = STARTING_SECONDS
    outcome: str = "running"  # running (stays up) or failed
    # With outcome "failed": seconds spent RUNNING before the crash; None fails the
    # start itself, so the app goes from STARTING straight to FAILED.
    running: float | None = None


@dataclass(frozen=True)
class Plan:
    starting_at: float
    running_at: float | None
    stopped_at: float | None
    final_status: str | None


def plan(started: float, script: Script, scale: float) -> Plan:
    """The facts of a new start beginning at ``started``."""
    up = started + script.starting * scale
    if script.outcome != "failed":
        return Plan(started, up, None, None)
    if script.running is None:
        return Plan(started, None, up, FAILED)
    return Plan(started, up, up + script.running * scale, FAILED)


def status_at(now: float, *, starting_at: float, running_at: float | None,
              stop_at: float | None, stopped_at: float | None,
              final_status: str | None) -> str:
    if stopped_at is not None and now >= stopped_at:
        return final_status or STOPPED
    if stop_at is not None and now >= stop_at:
        return STOPPING
    if running_at is not None and now >= running_at:
        return RUNNING
    if now >= starting_at:
        return STARTING
    return UNKNOWN


def status_sql(now: float, table):  # noqa: ANN001 - the Application table
    return case(
        (table.stopped_at <= now, func.coalesce(table.final_status, STOPPED)),
        (table.stop_at <= now, literal(STOPPING)),
        (table.running_at <= now, literal(RUNNING)),
        (table.starting_at <= now, literal(STARTING)),
        else_=literal(UNKNOWN),
    )


def status_of(app, now: float) -> str:  # noqa: ANN001 - anything with the fact columns
    return status_at(now, starting_at=app.starting_at, running_at=app.running_at,
                     stop_at=app.stop_at, stopped_at=app.stopped_at,
                     final_status=app.final_status)
