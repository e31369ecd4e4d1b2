"""Job-run rules: starting a run from its job and script, listing, stopping, and the side
effects of a finished run (dependent jobs, retries)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from sqlalchemy import Float, Select, bindparam, literal, select
from sqlmodel import Session, col

from mockcml.core.actors import Reader
from mockcml.core.errors import InvalidArgument, NotFound
from mockcml.kit import jsonfield
from mockcml.kit.ids import new_id
from mockcml.kit.listing import Listing, Page, boolean, one_of, page, substring
from mockcml.kit.sql import Row, execute, fetch_one, insert_sql, table_of
from mockcml.kit.users import Creator, ShortUser, user_filters, user_keys
from mockcml.lifecycle import durations, scripts
from mockcml.resources.job_runs import lifecycle as lc
from mockcml.resources.job_runs.lifecycle import JOB_RUN
from mockcml.resources.job_runs.tables import JobRun
from mockcml.resources.jobs.service import JOB_TYPE
from mockcml.resources.jobs.tables import Job
from mockcml.resources.users.tables import User
from mockcml.settings import Settings

# Per-run scripting through the run's environment: a client under test can force an
# outcome with nothing but the real API (the variables are echoed back like any other).
ENV_OUTCOME = "MOCKCML_OUTCOME"
ENV_DURATION = "MOCKCML_DURATION"
ENV_SCHEDULING = "MOCKCML_SCHEDULING_DURATION"
ENV_STARTING = "MOCKCML_STARTING_DURATION"
ENV_MESSAGE = "MOCKCML_FAILURE_MESSAGE"


def listing(now: Any) -> Listing:
    """ListJobRuns filters and sorts on the run's job fields and on the derived status
    (as of ``now``: a time, or the bound parameter of the listing built once)."""
    status = JOB_RUN.status_sql(JobRun, now)
    return Listing(
        model="JobRun",
        filters={
            **user_filters("creator", Creator),
            "description": substring(literal("")),  # runs have no description
            "kernel": substring(col(JobRun.kernel)),
            "name": substring(col(Job.name)),
            "paused": boolean(col(Job.paused)),
            "script": substring(col(Job.script)),
            "type": substring(JOB_TYPE),
            "status": one_of(status, lc.FILTER_NAMES),
        },
        sorts={
            "created_at": col(JobRun.created_at), "updated_at": col(JobRun.updated_at),
            **user_keys("creator", Creator), "description": literal(""),
            "kernel": col(JobRun.kernel), "name": col(Job.name), "paused": col(Job.paused),
            "script": col(Job.script), "type": JOB_TYPE, "status": status,
        },
        tiebreak=col(JobRun.id),
        default_sort=(("created_at", False),),
    )


# Built once: the clock and the job are bound per request, so each filter and sort text
# is turned into SQL once (kit.listing, reuse=True).
RUN_LISTING = listing(bindparam("now", type_=Float))


def script_for(job: Mapping[str, Any], env: dict[str, str], settings: Settings,
               queued: dict[str, Any] | None = None) -> lc.Script:
    """Settings give the defaults, the job's script overrides them, then a script queued
    through the control plane; the run's environment wins over everything."""
    queued = queued or {}
    outcome = (env.get(ENV_OUTCOME) or queued.get("outcome") or job["script_outcome"]
               or settings.default_outcome)
    if outcome not in lc.OUTCOMES:
        raise InvalidArgument(f"{ENV_OUTCOME} must be one of {sorted(lc.OUTCOMES)}")

    def pick(env_name: str, phase: str, default: float) -> float:
        for value in (durations.scripted(env, env_name, f"environment {env_name}"),
                      queued.get(phase), job[f"script_{phase}"]):
            if value is not None:
                return float(value)
        return default

    return lc.Script(
        scheduling=pick(ENV_SCHEDULING, "scheduling", settings.scheduling_seconds),
        starting=pick(ENV_STARTING, "starting", settings.starting_seconds),
        running=pick(ENV_DURATION, "running", settings.running_seconds),
        outcome=outcome,
        message=env.get(ENV_MESSAGE) or queued.get("message") or job["script_message"],
    )


INSERT_RUN = insert_sql(table_of(JobRun))


def run_row(
    job: Mapping[str, Any], creator_id: int, settings: Settings, created_at: float,
    queued: dict[str, Any] | None = None, *, environment: dict[str, str] | None = None,
    arguments: str | None = None, trigger: str = "manual", trigger_key: str | None = None,
    attempt: int = 0, run_id: str | None = None,
) -> Row:
    """Every column of a new run (``job``: the job's row): resources copied from the job,
    environment merged over the job's, its whole life planned from its script (``queued``:
    one taken off the control plane's queue)."""
    env = {**jsonfield.load(job["environment"]), **(environment or {})}
    script = script_for(job, env, settings, queued)
    plan = lc.plan(created_at, script, settings.time_scale, float(job["timeout"]),
                   job["kill_on_timeout"])
    return Row(
        id=run_id or new_id(), project_id=job["project_id"], job_id=job["id"],
        creator_id=creator_id, kernel=job["kernel"], cpu=job["cpu"], memory=job["memory"],
        nvidia_gpu=job["nvidia_gpu"], runtime_identifier=job["runtime_identifier"],
        resource_group_id=job["resource_group_id"],
        arguments=job["arguments"] if arguments is None else arguments,
        environment=jsonfield.dump(env), created_at=created_at,
        scheduling_at=plan.scheduling_at, starting_at=plan.starting_at,
        running_at=plan.running_at, finished_at=plan.finished_at, stop_at=None,
        final_status=plan.final_status, message=plan.message, trigger=trigger,
        trigger_key=trigger_key, attempt=attempt, settled=False, retry_at=None,
        updated_at=created_at,
    )


def start_run(session: Reader, job: Row, creator_id: int, settings: Settings,
              created_at: float, **how: Any) -> Row:
    """A new run of ``job`` (its row), inserted in the transaction of ``session`` (a
    session or a request's unit of work) in plain SQL: no ORM object."""
    row = run_row(job, creator_id, settings, created_at, scripts.pop(session, "job", job.id),
                  **how)
    execute(session, INSERT_RUN, **row)
    return row


def _joined():
    return (
        select(JobRun, Creator)
        .join(Creator, Creator.id == JobRun.creator_id)
        .join(Job, Job.id == JobRun.job_id)
    )


@cache
def _plain_runs() -> Select:
    """A job's runs as labelled columns (the creator as ``c_*``); the job is ``:job_id``."""
    return (
        select(*table_of(JobRun).columns, col(Creator.username).label("c_username"),
               col(Creator.name).label("c_name"), col(Creator.email).label("c_email"))
        .join(Creator, col(Creator.id) == col(JobRun.creator_id))
        .join(Job, col(Job.id) == col(JobRun.job_id))
        .where(col(JobRun.job_id) == bindparam("job_id"))
    )


def split_run(row: Any) -> tuple[Any, ShortUser]:
    """(run, creator) from a plain row with the creator's columns as ``c_*``."""
    return row, ShortUser(row.c_username, row.c_name, row.c_email)


def list_runs(db: Reader, job_id: str, params: dict[str, Any], now: float) -> Page:
    """A page of (run, creator) plain rows: no ORM on the listing path."""
    result = page(db, _plain_runs(), RUN_LISTING, params, plain=True,
                  binds={"job_id": job_id, "now": now}, reuse=True)
    return Page([split_run(row) for row in result.rows], result.next_page_token)


_RUN_ROW = """
    SELECT r.*, u.username AS c_username, u.name AS c_name, u.email AS c_email
    FROM job_runs r JOIN users u ON u.id = r.creator_id
    WHERE r.id = :run_id AND r.job_id = :job_id
"""


def read_run(session: Reader, job_id: str, run_id: str) -> tuple[Any, ShortUser]:
    """(run, creator) as plain rows: the polling path (GetJobRun) stays off the ORM."""
    row = fetch_one(session, _RUN_ROW, run_id=run_id, job_id=job_id)
    if row is None:
        raise NotFound(f"run {run_id!r} not found for job {job_id!r}")
    return split_run(row)


def get_run_row(session: Session, job: Job, run_id: str) -> tuple[JobRun, User]:
    row = session.execute(_joined().where(JobRun.id == run_id, JobRun.job_id == job.id)).first()
    if row is None:
        raise NotFound(f"run {run_id!r} not found for job {job.id!r}")
    return row[0], row[1]


def stop_run(session: Session, run: JobRun, now: float, settings: Settings) -> None:
    """Any active phase goes to ENGINE_STOPPING now and ENGINE_STOPPED shortly after."""
    # Phases the run never reached are forgotten; it is STOPPED once stopping is over.
    if not JOB_RUN.request_stop(run, now, JOB_RUN.stop_length(settings),
                        f"run {run.id!r} has already finished ({{status}})"):
        return  # asking twice changes nothing
    run.message = "stopped by request"
    run.retry_at = None
    run.updated_at = now
    session.add(run)


def environment_of(body: dict[str, Any]) -> dict[str, str]:
    env = body.get("environment") or {}
    if not isinstance(env, dict):
        raise InvalidArgument("environment must be an object")
    return {str(k): str(v) for k, v in env.items()}

