"""One SQL view of every workload execution, built for a moment of the mock clock.

Each row is one execution: a job run, the current start of an application, or a model
deployment. Its status comes from the same status functions the resources answer with,
reduced to one lower-case vocabulary (``STATUSES``); it started at ``started_at`` and,
if it has finished by ``now``, ended at ``ended_at`` (NULL while it runs).

[inferred] A deployment's workload is the deployment itself and it uses ``replicas``
times its resources; an application's execution is its current start only (a restart
replaces the facts of the previous one, see applications/lifecycle.py).
"""

from __future__ import annotations

from sqlalchemy import and_, case, exists, func, literal, null, select, union_all
from sqlalchemy.sql import Subquery
from sqlmodel import col

from mockcml.resources.applications import lifecycle as app_lc
from mockcml.resources.applications.tables import Application
from mockcml.resources.job_runs.lifecycle import JOB_RUN
from mockcml.resources.job_runs.tables import JobRun
from mockcml.resources.jobs.tables import Job
from mockcml.resources.model_deployments import lifecycle as dep_lc
from mockcml.resources.model_deployments.tables import ModelDeployment
from mockcml.resources.models.tables import Model
from mockcml.resources.projects.tables import Project
from mockcml.resources.users.tables import User
from mockcml.resources.workloads.tables import ArchivedWorkload

JOB, APPLICATION, MODEL = "job", "application", "model"
TYPES = (JOB, APPLICATION, MODEL)
STATUSES = ("scheduling", "starting", "running", "stopping", "stopped", "succeeded",
            "failed", "timedout", "skipped", "unknown")
ACTIVE = ("scheduling", "starting", "running", "stopping")
_DEPLOYMENT_STATUS = {dep_lc.PENDING: "scheduling", dep_lc.DEPLOYING: "starting",
                      dep_lc.DEPLOYED: "running", dep_lc.STOPPING: "stopping",
                      dep_lc.STOPPED: "stopped", dep_lc.FAILED: "failed"}


def _ended(at, now: float):  # noqa: ANN001, ANN202 - a column
    return case((at <= now, at), else_=null())


def _which(kind: str, row_id, workload_id, name, created, creator) -> tuple:  # noqa: ANN001
    """The columns that say which workload a row is (its uid, the workload's id, name and
    creation time) and who made it where: the same for every kind of workload (each query
    joins User and Project)."""
    return ((literal(kind + ":") + col(row_id)).label("uid"), col(row_id).label("id"),
            literal(kind).label("workload_type"), col(workload_id).label("workload_id"),
            col(name).label("name"), col(created).label("workload_created_at"),
            col(creator).label("creator_id"),
            col(User.username).label("creator"), col(User.name).label("creator_name"),
            col(Project.id).label("project_id"), col(Project.name).label("project_name"),
            col(Project.slug).label("project_slug"))


def _jobs(now: float):  # noqa: ANN202
    status = func.lower(func.substr(JOB_RUN.status_sql(JobRun, now), len("ENGINE_") + 1))
    return (
        select(
            *_which(JOB, JobRun.id, JobRun.job_id, Job.name, Job.created_at, JobRun.creator_id),
            col(JobRun.cpu).label("cpu"), col(JobRun.memory).label("memory"),
            col(JobRun.nvidia_gpu).label("nvidia_gpu"), literal(1).label("replicas"),
            col(JobRun.created_at).label("started_at"),
            _ended(JobRun.finished_at, now).label("ended_at"), status.label("status"),
            col(JobRun.runtime_identifier).label("runtime_identifier"),
            col(JobRun.message).label("message"),
        )
        .join(Job, col(Job.id) == col(JobRun.job_id))
        .join(Project, col(Project.id) == col(JobRun.project_id))
        .join(User, col(User.id) == col(JobRun.creator_id))
    )


def _applications(now: float):  # noqa: ANN202
    status = func.lower(func.substr(app_lc.APPLICATION.status_sql(Application, now),
                                    len("APPLICATION_") + 1))
    return (
        select(
            *_which(APPLICATION, Application.id, Application.id, Application.name,
                    Application.created_at, Application.creator_id),
            col(Application.cpu).label("cpu"), col(Application.memory).label("memory"),
            col(Application.nvidia_gpu).label("nvidia_gpu"), literal(1).label("replicas"),
            col(Application.starting_at).label("started_at"),
            _ended(Application.stopped_at, now).label("ended_at"), status.label("status"),
            col(Application.runtime_identifier).label("runtime_identifier"),
            literal("").label("message"),
        )
        .join(Project, col(Project.id) == col(Application.project_id))
        .join(User, col(User.id) == col(Application.creator_id))
    )


def _deployments(now: float):  # noqa: ANN202
    raw = dep_lc.DEPLOYMENT.status_sql(ModelDeployment, now)
    status = case(*((raw == key, literal(value)) for key, value in _DEPLOYMENT_STATUS.items()),
                  else_=literal("unknown"))
    failed = and_(col(ModelDeployment.final_status) == dep_lc.FAILED,
                  col(ModelDeployment.finished_at) <= now)
    ended = case((col(ModelDeployment.stopped_at) <= now, col(ModelDeployment.stopped_at)),
                 (failed, col(ModelDeployment.finished_at)), else_=null())
    return (
        select(
            *_which(MODEL, ModelDeployment.id, ModelDeployment.id, Model.name,
                    ModelDeployment.created_at, ModelDeployment.deployer_id),
            (ModelDeployment.cpu * col(ModelDeployment.replicas)).label("cpu"),
            (ModelDeployment.memory * col(ModelDeployment.replicas)).label("memory"),
            (ModelDeployment.nvidia_gpu * col(ModelDeployment.replicas)).label("nvidia_gpu"),
            col(ModelDeployment.replicas).label("replicas"),
            col(ModelDeployment.created_at).label("started_at"), ended.label("ended_at"),
            status.label("status"), literal("").label("runtime_identifier"),
            literal("").label("message"),
        )
        .join(Model, col(Model.id) == col(ModelDeployment.model_id))
        .join(Project, col(Project.id) == col(ModelDeployment.project_id))
        .join(User, col(User.id) == col(ModelDeployment.deployer_id))
    )


def executions(now: float) -> Subquery:
    """Every execution that has begun by ``now`` and was not archived."""
    union = union_all(_jobs(now), _applications(now), _deployments(now)).subquery("all_w")
    archived = exists().where(col(ArchivedWorkload.uid) == union.c.uid)
    return select(union).where(union.c.started_at <= now, ~archived).subquery("workloads")
