"""Applications of fixture files: the lifecycle facts of one at load time."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from mockcml.core.errors import InvalidArgument
from mockcml.fixtures.timeline import Defaults, Problems, at, only_for, replay, value_or
from mockcml.resources.applications import lifecycle as app_lifecycle
from mockcml.resources.applications import service as app_service


def application(app: dict[str, Any], created: float, now: float,
                defaults: Defaults) -> tuple[AppFacts, Problems]:
    env, settings, problems = app.get("environment") or {}, defaults.settings, []
    try:
        script = app_service.script_for(env, settings=settings)
        stopping = app_service.stopping_seconds(env, settings=settings)
    except InvalidArgument as exc:
        script = app_lifecycle.Script(starting=defaults.length("app_starting_seconds"))
        stopping, problems = defaults.length("app_stopping_seconds"), [("environment",
                                                                         exc.message)]
    facts, more = app_facts(app, created, script, stopping, now, defaults.scale)
    return facts, problems + more



@dataclass
class AppFacts:
    """The lifecycle columns of an Application row."""

    starting_at: float
    running_at: float | None
    stop_at: float | None
    stopped_at: float | None
    final_status: str | None

    @property
    def updated_at(self) -> float:
        return self.stop_at if self.stop_at is not None else self.starting_at


def app_facts(app: dict[str, Any], created: float, script: Any, stopping: float, now: float,
              scale: float) -> tuple[AppFacts, Problems]:
    """``script`` is the application's start script (``applications.lifecycle.Script``, read
    from its environment) and ``stopping`` its STOPPING length."""
    problems: Problems = []
    status = app.get("status") or "running"
    start = created
    if app.get("starting_at") is not None:
        start = at(app["starting_at"], now)
        if start < created:
            problems.append(("starting_at", "is before created_at"))
            start = created
    starting = value_or(app, "starting", script.starting)
    stopping = value_or(app, "stopping", stopping)
    only_for(app, "running", ("stopping", "stopped", "failed"), "application", status, problems,
              "has not stopped")
    only_for(app, "stopping", ("stopping", "stopped"), "application", status, problems,
              "is not stopping")

    def phases(lengths: list[float], current: int | None) -> list[float]:
        return replay(start, lengths, current, now, scale, status, "application", problems)

    failing = script.outcome == "failed"
    if status == "starting":
        b = phases([starting], 0)
        if not failing:
            return AppFacts(b[0], b[1], None, None, None), problems
        if script.running is None:  # the start itself fails
            return AppFacts(b[0], None, None, b[1], "APPLICATION_FAILED"), problems
        return AppFacts(b[0], b[1], None, b[1] + script.running * scale,
                        "APPLICATION_FAILED"), problems
    if status == "running":
        b = phases([starting, math.inf], 1)
        return AppFacts(b[0], b[1], None, None, None), problems
    ran = app.get("running")
    if status == "failed" and ran is None and failing:
        if script.running is None:  # the environment fails the start itself
            b = phases([starting], None)
            return AppFacts(b[0], None, None, b[1], "APPLICATION_FAILED"), problems
        ran = script.running  # the environment's crash
    if ran is None:  # it ran until the moment of loading (less the stop, for stopped)
        ran = max(0.0, now - (stopping if status == "stopped" else 0.0) - (start + starting))
    if status == "failed":
        b = phases([starting, float(ran)], None)
        return AppFacts(b[0], b[1], None, b[2], "APPLICATION_FAILED"), problems
    b = phases([starting, float(ran), stopping], 2 if status == "stopping" else None)
    return AppFacts(b[0], b[1], b[2], b[3], "APPLICATION_STOPPED"), problems
