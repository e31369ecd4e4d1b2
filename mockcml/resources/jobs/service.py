"""Job rules: validation, defaults, partial update, deletion and listing."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import case, delete, literal, select, update
from sqlmodel import Session, col

from mockcml.core.actors import Actor, ProjectRef, Reader
from mockcml.core.errors import InvalidArgument, NotFound
from mockcml.kit import jsonfield
from mockcml.kit.ids import new_id
from mockcml.kit.listing import Listing, Page, boolean, one_in_project, page, substring
from mockcml.kit.sql import Row, fetch_one
from mockcml.kit.users import Creator, Owner, user_filters, user_keys
from mockcml.resources.jobs import cron
from mockcml.resources.jobs.tables import Job
from mockcml.resources.projects.tables import Project, apply_sizes, workload_kernel
from mockcml.resources.users.tables import User

JOB_TYPE = case(
    (col(Job.schedule) != "", literal("cron")),
    (col(Job.parent_id).is_not(None), literal("dependent")),
    else_=literal("manual"),
)
_FILTERS = {
    **user_filters("creator", Creator),
    **user_filters("owner", Owner),
    # Jobs have no description; the key is accepted and only matches an empty string.
    "description": substring(literal("")),
    "kernel": substring(col(Job.kernel)),
    "name": substring(col(Job.name)),
    "paused": boolean(col(Job.paused)),
    "script": substring(col(Job.script)),
    "type": substring(JOB_TYPE),
}
JOB_LISTING = Listing(
    model="Job",
    filters=_FILTERS,
    sorts={
        "created_at": col(Job.created_at), "updated_at": col(Job.updated_at),
        **user_keys("creator", Creator), "description": literal(""), "kernel": col(Job.kernel),
        "name": col(Job.name), "paused": col(Job.paused), "script": col(Job.script), "type": JOB_TYPE,
    },
    tiebreak=col(Job.id),
    default_sort=(("created_at", False),),
)
# Create-request fields copied onto the job as they are.
_PLAIN = (
    "script", "kernel", "runtime_identifier", "arguments", "kill_on_timeout", "paused",
    "run_as", "accelerator_label_id", "resource_group_id", "resource_profile_id",
    "retry_enabled", "retry_for_script_failure", "retry_for_system_failure",
    "retry_for_timedout_runs", "retry_for_skipped_runs", "success_recipients",
    "failure_recipients", "timeout_recipients", "stopped_recipients",
)
_NON_NEGATIVE = ("nvidia_gpu", "timeout", "max_retry", "retry_delay")


def joined():
    return (
        select(Job, Creator, Owner)
        .join(Creator, Creator.id == Job.creator_id)
        .join(Owner, Owner.id == Job.owner_id)
    )


def list_jobs(session: Session, project_id: str, params: dict[str, Any]) -> Page:
    return page(session, joined().where(Job.project_id == project_id), JOB_LISTING, params)


def list_all_jobs(session: Session, project_clause, params: dict[str, Any]) -> Page:
    query = joined().add_columns(Project).join(Project, Project.id == Job.project_id)
    if project_clause is not None:
        query = query.where(project_clause)
    return page(session, query, JOB_LISTING, params)


def get_job_row(session: Session, project_id: str, job_id: str) -> tuple[Job, User, User]:
    return one_in_project(session, joined(), Job, job_id, project_id, "job")


def job_exists(session: Reader, project_id: str, job_id: str) -> str:
    """The job's id if it belongs to the project (plain SQL, for hot read paths)."""
    return _job_in(session, "id", project_id, job_id).id


def job_row(session: Reader, project_id: str, job_id: str) -> Row:
    """The job's columns if it belongs to the project (plain SQL, for starting runs)."""
    return _job_in(session, "*", project_id, job_id)


def _job_in(session: Reader, columns: str, project_id: str, job_id: str) -> Row:
    row = fetch_one(session, f"SELECT {columns} FROM jobs WHERE id = :job_id "
                    "AND project_id = :project_id", job_id=job_id, project_id=project_id)
    if row is None:
        raise NotFound(f"job {job_id!r} not found in project {project_id!r}")
    return row


def get_job(session: Session, project_id: str, job_id: str) -> Job:
    job = session.get(Job, job_id)
    if job is None or job.project_id != project_id:
        raise NotFound(f"job {job_id!r} not found in project {project_id!r}")
    return job


def _apply(session: Session, job: Job, body: dict[str, Any], project: ProjectRef, now: float) -> None:
    """Validate and copy the fields present in ``body``; shared by create and update."""
    for field in _PLAIN:
        if field in body and body[field] is not None:
            setattr(job, field, body[field])
    if "name" in body:
        if not (body["name"] or "").strip():
            raise InvalidArgument("job name must not be empty")
        job.name = body["name"]
    apply_sizes(job, body, _NON_NEGATIVE)
    if "environment" in body:
        job.environment = jsonfield.dump(jsonfield.body_env(body["environment"], "job"))
    for field in ("runtime_addon_identifiers", "attachments", "recipients"):
        if field in body and body[field] is not None:
            setattr(job, field, json.dumps(body[field]))
    if body.get("timezone"):
        cron.zone(body["timezone"])
        job.timezone = body["timezone"]
    parent = body.get("parent_job_id") or body.get("parent_id")
    if "schedule" in body:
        job.schedule = cron.check(body["schedule"]) if body["schedule"] else ""
    if parent is not None or "parent_id" in body or "parent_job_id" in body:
        job.parent_id = parent or None
    if job.schedule and job.parent_id:
        raise InvalidArgument("a job cannot have both a schedule and a parent job")
    if job.parent_id:
        other = session.get(Job, job.parent_id)
        if other is None or other.project_id != job.project_id:
            raise InvalidArgument(f"parent job {job.parent_id!r} not found in this project")
        if other.id == job.id:
            raise InvalidArgument("a job cannot depend on itself")
        _refuse_cycle(session, job, other)
    job.kernel = workload_kernel(project.default_engine_type, job.runtime_identifier, job.kernel)
    job.next_cron_at = (
        cron.next_after(job.schedule, job.timezone, now)
        if job.schedule and not job.paused else None
    )


def _refuse_cycle(session: Session, job: Job, parent: Job) -> None:
    """A dependency chain that leads back to ``job`` would run its jobs in turn forever
    (each success starts the next), so it is refused, as fixtures refuse it."""
    chain, seen, current = [job.name, parent.name], {job.id, parent.id}, parent
    while current.parent_id:
        if current.parent_id == job.id:
            raise InvalidArgument(
                "jobs would depend on each other in a cycle: " + " -> ".join(chain + [job.name]))
        found = session.get(Job, current.parent_id)
        if found is None or found.id in seen:  # a dangling or older loop: not ours
            return
        current = found
        seen.add(current.id)
        chain.append(current.name)


def create_job(
    session: Session, user: Actor, project: ProjectRef, body: dict[str, Any], now: float,
    *, job_id: str | None = None,
) -> Job:
    if not (body.get("name") or "").strip():
        raise InvalidArgument("job name must not be empty")
    if not (body.get("script") or "").strip():
        raise InvalidArgument("job script must not be empty")
    job = Job(id=job_id or new_id(), project_id=project.id, name=body["name"],
              creator_id=user.id, owner_id=user.id, created_at=now, updated_at=now)
    _apply(session, job, body, project, now)
    session.add(job)
    session.flush()
    return job


_READ_ONLY = ("id", "created_at", "creator", "engine_image_id", "english_schedule", "type",
              "updated_at", "project", "owner")


def update_job(session: Session, job: Job, project: ProjectRef, body: dict[str, Any],
               now: float) -> None:
    changes = {k: v for k, v in body.items() if k not in _READ_ONLY}
    if "name" in changes and not (changes["name"] or "").strip():
        raise InvalidArgument("job name must not be empty")
    _apply(session, job, changes, project, now)
    job.updated_at = now
    session.add(job)


def delete_job(session: Session, job: Job) -> None:
    from mockcml.resources.job_runs.tables import JobRun

    # Dependents lose their parent (they become manual jobs) rather than dangle.
    session.execute(update(Job).where(col(Job.parent_id) == job.id).values(parent_id=None))
    session.execute(delete(JobRun).where(col(JobRun.job_id) == job.id))
    session.delete(job)


def delete_jobs_of_project(session: Session, project_id: str) -> None:
    from mockcml.resources.job_runs.tables import JobRun

    session.execute(delete(JobRun).where(col(JobRun.project_id) == project_id))
    session.execute(delete(Job).where(col(Job.project_id) == project_id))
