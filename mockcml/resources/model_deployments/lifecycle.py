"""The model-deployment lifecycle, declared for the engine (``mockcml.lifecycle.engine``).

Stored facts: when deploying begins (``deploying_at``), when it ends (``finished_at``)
and how (``final_status``: deployed or failed), when a stop was asked for (``stop_at``)
and when it completes (``stopped_at``). The status is read off them and the clock:

  pending -> deploying -> deployed | failed          (create)
  :stop    pending/deploying/deployed -> stopping -> stopped
  :restart stopped/deployed/failed -> deploying -> deployed | failed

[inferred] The values are those of cdswctl's deployment status filter (pending,
deploying, deployed, stopping, stopped, failed); the order is the reference's guess.

Scripting, with nothing but the real API: CreateModelDeploymentRequest.environment (and
the auto_deployment_config of CreateModel / CreateModelBuild) may carry
  MOCKCML_OUTCOME=deployed|succeeded|failed   how deploying ends (default deployed)
  MOCKCML_DURATION=<seconds>                  length of the deploying phase
  MOCKCML_PENDING_DURATION=<seconds>          length of the pending phase
They are echoed back in ``environment`` like any other variable and apply again on
every :restart. Durations are mock seconds, multiplied by the server's time scale; the
defaults are the ``deployment_*_seconds`` settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockcml.core.errors import InvalidArgument
from mockcml.lifecycle import durations, engine
from mockcml.lifecycle.engine import Lifecycle, Phase, Stop
from mockcml.resources.model_builds.lifecycle import BUILT

PENDING, DEPLOYING, DEPLOYED = "pending", "deploying", "deployed"
STOPPING, STOPPED, FAILED = "stopping", "stopped", "failed"
STATUSES = (PENDING, DEPLOYING, DEPLOYED, STOPPING, STOPPED, FAILED)
ACTIVE = (PENDING, DEPLOYING, DEPLOYED, STOPPING)
STOPPABLE = (PENDING, DEPLOYING, DEPLOYED)
RESTARTABLE = (STOPPED, DEPLOYED, FAILED)
OUTCOMES = {"deployed": DEPLOYED, "succeeded": DEPLOYED, "failed": FAILED}
ENV_OUTCOME = "MOCKCML_OUTCOME"
ENV_DURATION = "MOCKCML_DURATION"
ENV_PENDING = "MOCKCML_PENDING_DURATION"

# The outcome of deploying is kept through a stop: stopped shows from stopped_at.
STOP = Stop(at="stop_at", ends="stopped_at", stopping=STOPPING, stoppable=STOPPABLE,
            seconds="deployment_stopping_seconds", forget=("deploying_at", "finished_at"),
            stopped_status=STOPPED)
DEPLOYMENT = Lifecycle(
    name="model deployment",
    initial=PENDING,
    # A deployment whose build fails fails from pending, never deploying.
    phases=(Phase(DEPLOYING, "deploying_at", optional=True),
            Phase(None, "finished_at", outcomes=(DEPLOYED, FAILED))),
    terminal=(STOPPED, FAILED),
    lengths={"pending": "deployment_pending_seconds",
             "deploying": "deployment_deploying_seconds"},
    stop=STOP,
    restartable=RESTARTABLE,
)


@dataclass(frozen=True)
class Script:
    pending: float
    deploying: float
    outcome: str  # deployed or failed


def queued_env(script: dict[str, Any] | None) -> dict[str, str]:
    """A script queued through the control plane, as the environment words it stands for
    (the deployment's own environment is laid over it)."""
    if not script:
        return {}
    outcomes = {"succeeded": "deployed", "failed": "failed", "timedout": "failed"}
    env = {}
    if "outcome" in script:
        env[ENV_OUTCOME] = outcomes[script["outcome"]]
    if "running" in script:
        env[ENV_DURATION] = str(script["running"])
    if "scheduling" in script:
        env[ENV_PENDING] = str(script["scheduling"])
    return env


def script_of(env: dict[str, str], settings: Any = None) -> Script:
    outcome = env.get(ENV_OUTCOME, "deployed")
    if outcome not in OUTCOMES:
        raise InvalidArgument(f"{ENV_OUTCOME} must be one of {sorted(OUTCOMES)}")
    pending = durations.scripted(env, ENV_PENDING)
    deploying = durations.scripted(env, ENV_DURATION)
    return Script(
        pending=engine.length(settings, "deployment_pending_seconds") if pending is None
        else pending,
        deploying=engine.length(settings, "deployment_deploying_seconds") if deploying is None
        else deploying,
        outcome=OUTCOMES[outcome],
    )


@dataclass(frozen=True)
class Plan:
    deploying_at: float | None
    finished_at: float
    final_status: str


def plan(created_at: float, script: Script, scale: float, build_finished_at: float,
         build_final: str) -> Plan:
    """A new deployment waits (pending) at least its pending time and until its build is
    built; a deployment waiting on a build that fails fails with it."""
    ready = max(engine.plan(created_at, (script.pending,), scale)[1], build_finished_at)
    if build_final != BUILT:
        return Plan(None, ready, FAILED)
    return restart_plan(ready, script, scale)


def restart_plan(now: float, script: Script, scale: float) -> Plan:
    deploying, finished = engine.plan(now, (script.deploying,), scale)
    return Plan(deploying, finished, script.outcome)
