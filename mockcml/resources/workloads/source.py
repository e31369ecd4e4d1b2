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


def _jobs(now: float):  # noqa: ANN202
    status = func.lower(func.substr(JOB_RUN.status_sql(JobRun, now), len("ENGINE_") + 1))
    return (
        select(
            (literal(JOB + ":") + JobRun.id).label("uid"), JobRun.id.label("id"),
            literal(JOB).label("workload_type"), JobRun.job_id.label("workload_id"),
            Job.name.label("name"), Job.created_at.label("workload_created_at"),
            JobRun.creator_id.label("creator_id"), User.username.label("creator"),
            User.name.label("creator_name"), Project.id.label("project_id"),
            Project.name.label("project_name"), Project.slug.label("project_slug"),
            JobRun.cpu.label("cpu"), JobRun.memory.label("memory"),
            JobRun.nvidia_gpu.label("nvidia_gpu"), literal(1).label("replicas"),
            JobRun.created_at.label("started_at"),
            _ended(JobRun.finished_at, now).label("ended_at"), status.label("status"),
            JobRun.runtime_identifier.label("runtime_identifier"),
            JobRun.message.label("message"),
        )
        .join(Job, Job.id == JobRun.job_id)
        .join(Project, Project.id == JobRun.project_id)
        .join(User, User.id == JobRun.creator_id)
    )


def _applications(now: float):  # noqa: ANN202
    status = func.lower(func.substr(app_lc.APPLICATION.status_sql(Application, now),
                                    len("APPLICATION_") + 1))
    return (
        select(
            (literal(APPLICATION + ":") + Application.id).label("uid"),
            Application.id.label("id"), literal(APPLICATION).label("workload_type"),
            Application.id.label("workload_id"), Application.name.label("name"),
            Application.created_at.label("workload_created_at"),
            Application.creator_id.label("creator_id"), User.username.label("creator"),
            User.name.label("creator_name"), Project.id.label("project_id"),
            Project.name.label("project_name"), Project.slug.label("project_slug"),
            Application.cpu.label("cpu"), Application.memory.label("memory"),
            Application.nvidia_gpu.label("nvidia_gpu"), literal(1).label("replicas"),
            Application.starting_at.label("started_at"),
            _ended(Application.stopped_at, now).label("ended_at"), status.label("status"),
            Application.runtime_identifier.label("runtime_identifier"),
            literal("").label("message"),
        )
        .join(Project, Project.id == Application.project_id)
        .join(User, User.id == Application.creator_id)
    )


def _deployments(now: float):  # noqa: ANN202
    raw = dep_lc.DEPLOYMENT.status_sql(ModelDeployment, now)
    status = case(*((raw == key, literal(value)) for key, value in _DEPLOYMENT_STATUS.items()),
                  else_=literal("unknown"))
    failed = and_(ModelDeployment.final_status == dep_lc.FAILED,
                  ModelDeployment.finished_at <= now)
    ended = case((ModelDeployment.stopped_at <= now, ModelDeployment.stopped_at),
                 (failed, ModelDeployment.finished_at), else_=null())
    return (
        select(
            (literal(MODEL + ":") + ModelDeployment.id).label("uid"),
            ModelDeployment.id.label("id"), literal(MODEL).label("workload_type"),
            ModelDeployment.id.label("workload_id"), Model.name.label("name"),
            ModelDeployment.created_at.label("workload_created_at"),
            ModelDeployment.deployer_id.label("creator_id"), User.username.label("creator"),
            User.name.label("creator_name"), Project.id.label("project_id"),
            Project.name.label("project_name"), Project.slug.label("project_slug"),
            (ModelDeployment.cpu * ModelDeployment.replicas).label("cpu"),
            (ModelDeployment.memory * ModelDeployment.replicas).label("memory"),
            (ModelDeployment.nvidia_gpu * ModelDeployment.replicas).label("nvidia_gpu"),
            ModelDeployment.replicas.label("replicas"),
            ModelDeployment.created_at.label("started_at"), ended.label("ended_at"),
            status.label("status"), literal("").label("runtime_identifier"),
            literal("").label("message"),
        )
        .join(Model, Model.id == ModelDeployment.model_id)
        .join(Project, Project.id == ModelDeployment.project_id)
        .join(User, User.id == ModelDeployment.deployer_id)
    )


def executions(now: float) -> Subquery:
    """Every execution that has begun by ``now`` and was not archived."""
    union = union_all(_jobs(now), _applications(now), _deployments(now)).subquery("all_w")
    archived = exists().where(ArchivedWorkload.uid == union.c.uid)
    return select(union).where(union.c.started_at <= now, ~archived).subquery("workloads")
