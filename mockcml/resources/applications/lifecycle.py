"""The application lifecycle, declared for the engine (``mockcml.lifecycle.engine``).

An application stores the facts of its current start: when it began, when it is planned
to reach RUNNING, when a stop was asked for, and when and how it ends (stopped or
failed). A restart replaces the facts with a new start.

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
from typing import Any

from mockcml.lifecycle import engine
from mockcml.lifecycle.engine import Lifecycle, Phase, Stop

UNKNOWN = "APPLICATION_UNKNOWN"
STARTING, RUNNING = "APPLICATION_STARTING", "APPLICATION_RUNNING"
STOPPING, STOPPED = "APPLICATION_STOPPING", "APPLICATION_STOPPED"
FAILED = "APPLICATION_FAILED"

TERMINAL = (STOPPED, FAILED)
OUTCOMES = ("running", "failed")
# ListApplications filters statuses by these lower-case names (reference value set).
FILTER_NAMES = {
    "running": RUNNING, "stopping": STOPPING, "stopped": STOPPED, "starting": STARTING,
    "failed": FAILED,
}

APPLICATION = Lifecycle(
    name="application",
    initial=UNKNOWN,
    phases=(Phase(STARTING, "starting_at"), Phase(RUNNING, "running_at", optional=True),
            Phase(None, "stopped_at", outcomes=(FAILED,))),  # or stopped by :stop
    terminal=TERMINAL,
    final_default=STOPPED,
    lengths={"starting": "app_starting_seconds"},
    stop=Stop(at="stop_at", ends="stopped_at", stopping=STOPPING, stoppable=(STARTING, RUNNING),
              seconds="app_stopping_seconds", forget=("running_at",), stopped=STOPPED),
    restartable=(UNKNOWN, STARTING, RUNNING, STOPPED, FAILED),
)

# Every move of the simulation; ":stop" and ":restart" are the API's verbs.
TRANSITIONS = APPLICATION.transitions()
allows = APPLICATION.allows

# The default phase lengths (mock seconds), whose home is Settings.
STARTING_SECONDS = engine.length(None, "app_starting_seconds")
STOPPING_SECONDS = engine.length(None, "app_stopping_seconds")


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
    if script.outcome != "failed":
        starting, running = engine.plan(started, (script.starting,), scale)
        return Plan(starting, running, None, None)
    if script.running is None:
        _, failed = engine.plan(started, (script.starting,), scale)
        return Plan(started, None, failed, FAILED)
    starting, running, stopped = engine.plan(started, (script.starting, script.running), scale)
    return Plan(starting, running, stopped, FAILED)


def status_of(app: Any, now: float) -> str:
    return APPLICATION.status_at(app, now)
