"""Scheduler sources for jobs: cron ticks, runs that finished (dependents, retries), retries
that are due."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session, col

from mockcml.core.state import Mock
from mockcml.kit import jsonfield
from mockcml.resources.job_runs import lifecycle as lc
from mockcml.resources.job_runs.service import start_run
from mockcml.resources.job_runs.tables import JobRun
from mockcml.resources.jobs import cron
from mockcml.resources.jobs.tables import Job


class CronTicks:
    def next_due(self, session: Session) -> float | None:
        return session.execute(
            select(func.min(col(Job.next_cron_at))).where(col(Job.paused).is_(False))
        ).scalar()

    def fire(self, session: Session, due: float, mock: Mock) -> None:
        jobs = session.execute(
            select(Job).where(col(Job.next_cron_at) == due, col(Job.paused).is_(False))
        ).scalars().all()
        for job in jobs:
            start_run(session, job, job.owner_id, mock.settings, due, trigger="cron",
                      trigger_key=f"cron:{due!r}")
            job.next_cron_at = cron.next_after(job.schedule, job.timezone, due)
            session.add(job)


def _should_retry(job: Job, run: JobRun) -> bool:
    if not job.retry_enabled or run.attempt >= job.max_retry:
        return False
    specific = (job.retry_for_script_failure or job.retry_for_system_failure
                or job.retry_for_timedout_runs)
    if run.final_status == lc.FAILED:
        return not specific or job.retry_for_script_failure or job.retry_for_system_failure
    if run.final_status == lc.TIMEDOUT:
        return not specific or job.retry_for_timedout_runs
    return False


class FinishedRuns:
    """A run that has finished triggers its dependents (on success) or a retry (on failure)."""

    def next_due(self, session: Session) -> float | None:
        return session.execute(
            select(func.min(col(JobRun.finished_at))).where(col(JobRun.settled).is_(False))
        ).scalar()

    def fire(self, session: Session, due: float, mock: Mock) -> None:
        runs = session.execute(
            select(JobRun).where(col(JobRun.settled).is_(False), col(JobRun.finished_at) == due)
            .order_by(col(JobRun.created_at), col(JobRun.id))
        ).scalars().all()
        for run in runs:
            run.settled = True
            session.add(run)
            job = session.get(Job, run.job_id)
            if job is None:
                continue
            if run.final_status == lc.SUCCEEDED:
                children = session.execute(
                    select(Job).where(col(Job.parent_id) == job.id, col(Job.paused).is_(False))
                    .order_by(col(Job.created_at), col(Job.id))
                ).scalars().all()
                for child in children:
                    start_run(session, child, child.owner_id, mock.settings, due,
                              trigger="dependent", trigger_key=f"after:{run.id}")
            elif _should_retry(job, run):
                run.retry_at = due + job.retry_delay * mock.settings.time_scale


class DueRetries:
    def next_due(self, session: Session) -> float | None:
        return session.execute(select(func.min(JobRun.retry_at))).scalar()

    def fire(self, session: Session, due: float, mock: Mock) -> None:
        runs = session.execute(select(JobRun).where(col(JobRun.retry_at) == due)).scalars().all()
        for run in runs:
            run.retry_at = None
            session.add(run)
            job = session.get(Job, run.job_id)
            if job is None:
                continue
            start_run(session, job, run.creator_id, mock.settings, due,
                      environment=jsonfield.load(run.environment), arguments=run.arguments,
                      trigger="retry",
                      trigger_key=f"retry:{run.id}", attempt=run.attempt + 1)


SOURCES = (CronTicks, FinishedRuns, DueRetries)
