"""Model deployments of fixture files: the lifecycle facts of one at load time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockcml.core.errors import InvalidArgument
from mockcml.fixtures.timeline import Defaults, Problems, only_for, replay, value_or
from mockcml.resources.model_deployments import lifecycle as deployment_lifecycle


def deployment(entry: dict[str, Any], created: float, now: float,
               defaults: Defaults) -> tuple[DeploymentFacts, Problems]:
    problems: Problems = []
    try:
        script = deployment_lifecycle.script_of(entry.get("environment") or {},
                                                defaults.settings)
    except InvalidArgument as exc:
        problems.append(("environment", exc.message))
        script = deployment_lifecycle.script_of({}, defaults.settings)
    stop = deployment_lifecycle.DEPLOYMENT.stop
    assert stop is not None  # deployments declare a stop path
    stopping = defaults.length(stop.seconds)
    facts, more = deployment_facts(entry, created, script, stopping, now,
                                            defaults.scale)
    return facts, problems + more




@dataclass
class DeploymentFacts:
    """The lifecycle columns of a ModelDeployment row."""

    deploying_at: float
    finished_at: float
    final_status: str
    stop_at: float | None
    stopped_at: float | None


def deployment_facts(deployment: dict[str, Any], created: float, script: Any, stopping: float,
                     now: float, scale: float) -> tuple[DeploymentFacts, Problems]:
    """``script`` is the deployment's script (``model_deployments.lifecycle.Script``)."""
    problems: Problems = []
    status = deployment.get("status") or "deployed"
    pending = value_or(deployment, "pending", script.pending)
    deploying = value_or(deployment, "deploying", script.deploying)
    stopping = value_or(deployment, "stopping", stopping)
    only_for(deployment, "deployed", ("stopping", "stopped"), "deployment", status, problems,
              "has not been stopped")
    only_for(deployment, "stopping", ("stopping", "stopped"), "deployment", status, problems,
              "is not stopping")

    def phases(lengths: list[float], current: int | None) -> list[float]:
        return replay(created, lengths, current, now, scale, status, "deployment", problems)

    if status in ("pending", "deploying"):
        b = phases([pending, deploying], 0 if status == "pending" else 1)
        return DeploymentFacts(b[1], b[2], script.outcome, None, None), problems
    if status in ("deployed", "failed"):
        b = phases([pending, deploying], None)
        return DeploymentFacts(b[1], b[2], status, None, None), problems
    served = deployment.get("deployed")
    if served is None:  # deployed until the moment of loading (less the stop, for stopped)
        served = max(0.0, now - (stopping if status == "stopped" else 0.0)
                     - (created + pending + deploying))
    b = phases([pending, deploying, float(served), stopping], 3 if status == "stopping" else None)
    return DeploymentFacts(b[1], b[2], "deployed", b[3], b[4]), problems
