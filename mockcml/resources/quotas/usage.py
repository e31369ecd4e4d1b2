"""What is in use right now: the CPU, memory and GPUs of every active workload.

Quota usage is derived from the state, not stored: a job run counts while it is scheduling,
starting, running or stopping, an application while starting, running or stopping, a model
deployment (times its replicas) while pending, deploying, deployed or stopping. Each
workload counts for its owner (run creator, application creator, deployer) and for the
accelerator label it asked for (a run asks through its job). Moving the clock moves it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Select, bindparam, func, literal, select, union_all
from sqlmodel import Session

from mockcml.resources.applications import lifecycle as apps
from mockcml.resources.applications.tables import Application
from mockcml.resources.job_runs import lifecycle as runs
from mockcml.resources.job_runs.tables import JobRun
from mockcml.resources.jobs.tables import Job
from mockcml.resources.model_deployments import lifecycle as deployments
from mockcml.resources.model_deployments.tables import ModelDeployment

_RUN_ACTIVE = (runs.SCHEDULING, runs.STARTING, runs.RUNNING, runs.STOPPING)
_APP_ACTIVE = (apps.STARTING, apps.RUNNING, apps.STOPPING)


@dataclass
class Usage:
    cpu: float = 0.0
    memory: float = 0.0
    gpu: int = 0

    def add(self, cpu: float, memory: float, gpu: int) -> None:
        self.cpu += cpu or 0.0
        self.memory += memory or 0.0
        self.gpu += int(gpu or 0)


def _active(now):  # noqa: ANN001, ANN202 - a union of (owner, label, cpu, memory, gpu) rows
    job_runs = (
        select(JobRun.creator_id.label("owner"), Job.accelerator_label_id.label("label"),
               JobRun.cpu.label("cpu"), JobRun.memory.label("memory"),
               JobRun.nvidia_gpu.label("gpu"))
        .join(Job, Job.id == JobRun.job_id)
        .where(runs.JOB_RUN.status_sql(JobRun, now).in_(_RUN_ACTIVE))
    )
    applications = (
        select(Application.creator_id, Application.accelerator_label_id, Application.cpu,
               Application.memory, Application.nvidia_gpu)
        .where(apps.APPLICATION.status_sql(Application, now).in_(_APP_ACTIVE))
    )
    replicas = func.max(ModelDeployment.replicas, literal(1))
    models = (
        select(ModelDeployment.deployer_id, ModelDeployment.accelerator_label_id,
               ModelDeployment.cpu * replicas, ModelDeployment.memory * replicas,
               ModelDeployment.nvidia_gpu * replicas)
        .where(deployments.DEPLOYMENT.status_sql(ModelDeployment, now)
               .in_(deployments.ACTIVE))
    )
    return union_all(job_runs, applications, models).subquery("active")


@cache
def _usage_query() -> Select:
    """Built once, with the clock as a bound parameter: building it costs more than running
    it on an idle workspace."""
    active = _active(bindparam("now"))
    return (select(active.c.owner, active.c.label, func.sum(active.c.cpu),
                   func.sum(active.c.memory), func.sum(active.c.gpu))
            .group_by(active.c.owner, active.c.label))


def usage_by_owner_and_label(session: Session, now: float) -> dict[tuple[int, int], Usage]:
    out: dict[tuple[int, int], Usage] = defaultdict(Usage)
    for owner, label, cpu, memory, gpu in session.execute(_usage_query(), {"now": now}):
        out[(owner, label or 0)].add(cpu, memory, gpu)
    return out


def usage_by_owner(session: Session, now: float) -> dict[int, Usage]:
    out: dict[int, Usage] = defaultdict(Usage)
    for (owner, _label), used in usage_by_owner_and_label(session, now).items():
        out[owner].add(used.cpu, used.memory, used.gpu)
    return out


def gpus_in_use_by_label(session: Session, now: float) -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    for (_owner, label), used in usage_by_owner_and_label(session, now).items():
        out[label] += used.gpu
    return out
