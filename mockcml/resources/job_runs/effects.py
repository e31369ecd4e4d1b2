"""Scheduler sources for jobs: cron ticks, runs that finished (dependents, retries), retries
that are due.

Each reads its due events in batches of plain SQL (``lifecycle/agenda.py``) and fires them
from memory: the jobs a step needs are read once per step, new runs are planned in Python
and inserted in bulk with everything else the step writes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Any

from mockcml.kit import jsonfield
from mockcml.kit.sql import Row
from mockcml.lifecycle.agenda import Step, ordered
from mockcml.resources.job_runs import lifecycle as lc
from mockcml.resources.job_runs.service import INSERT_RUN, run_row
from mockcml.resources.jobs import cron


def _due_sql(table: str, column: str, where: str = "") -> str:
    """Distinct due times in (:after, :upto], then the first one after :upto: one statement,
    each part an index range (a DISTINCT without the upper bound would walk every row due
    later, such as thousands of jobs sharing an hourly tick)."""
    where = f"{where} AND " if where else ""
    return (f"SELECT t FROM (SELECT DISTINCT {column} AS t FROM {table} WHERE {where}{column} "
            f"> :after AND {column} <= :upto ORDER BY t LIMIT :limit) AS due UNION ALL "
            f"SELECT t FROM (SELECT {column} AS t FROM {table} WHERE {where}{column} > :upto "
            f"ORDER BY t LIMIT 1) AS later")


def _times(step: Step, sql: str, after: float, upto: float, limit: int,
           **params: Any) -> list[float]:
    return sorted(row["t"] for row in step.rows(sql, after=after, upto=upto, limit=limit,
                                                 **params))


def job(step: Step, job_id: str) -> Row | None:
    """The job row, read once per step (with the jobs that depend on it)."""
    jobs = step.cache.setdefault("jobs", {})
    if job_id not in jobs:
        _family(step, job_id)
    return jobs[job_id]


def _children(step: Step, job_id: str) -> list[Row]:
    """The jobs that depend on ``job_id`` and are not paused, oldest first."""
    children = step.cache.setdefault("children", {})
    if job_id not in children:
        _family(step, job_id)
    return children[job_id]


def _family(step: Step, job_id: str) -> None:
    """A job and its dependents, in one read."""
    jobs = step.cache.setdefault("jobs", {})
    rows = step.rows("SELECT * FROM jobs WHERE id = :id OR parent_id = :id", id=job_id)
    for row in rows:
        jobs.setdefault(row.id, row)
    jobs.setdefault(job_id, None)  # deleted meanwhile
    step.cache.setdefault("children", {})[job_id] = ordered(
        jobs[r.id] for r in rows if r.parent_id == job_id and not r.paused)


def _queued(step: Step, job_id: str) -> dict[str, Any] | None:
    """The oldest script queued for ``job_id`` (control plane), taken off the queue. The
    queue is read once per step: it is usually empty."""
    queues = step.cache.get("scripts")
    if queues is None:
        queues = step.cache["scripts"] = {}
        for row in step.rows("SELECT seq, target_id, script FROM queued_scripts "
                             "WHERE kind = 'job' ORDER BY seq"):
            queues.setdefault(row.target_id, deque()).append(row)
    queue = queues.get(job_id)
    if not queue:
        return None
    row = queue.popleft()
    step.writes.delete("queued_scripts", "seq", row.seq)
    return jsonfield.load(row.script)


def start(step: Step, job: Row, creator_id: int, due: float, **how: Any) -> None:
    """A run created by the scheduler at ``due``; its finish becomes an event."""
    run = run_row(job, creator_id, step.mock.settings, due, _queued(step, job.id), **how)
    step.writes.insert("job_runs", INSERT_RUN, run)
    step.add(FinishedRuns, run.finished_at, run)


class CronTicks:
    _TIMES = _due_sql("jobs", "next_cron_at", "paused = :no")

    def due_times(self, step: Step, after: float, upto: float, limit: int) -> list[float]:
        return _times(step, self._TIMES, after, upto, limit, no=False)

    def load(self, step: Step, after: float, upto: float) -> Iterable[tuple[float, Any]]:
        jobs = step.cache.setdefault("jobs", {})
        for row in step.rows("SELECT * FROM jobs WHERE paused = :no AND next_cron_at > :after "
                             "AND next_cron_at <= :upto", after=after, upto=upto, no=False):
            yield row.next_cron_at, jobs.setdefault(row.id, row)

    def fire(self, step: Step, due: float, items: list[Any]) -> None:
        for job in ordered(items):
            start(step, job, job.owner_id, due, trigger="cron", trigger_key=f"cron:{due!r}")
            job["next_cron_at"] = cron.next_after(job.schedule, job.timezone, due)
            step.writes.update("jobs", job.id, next_cron_at=job.next_cron_at)
            step.add(CronTicks, job.next_cron_at, job)


def _should_retry(job: Row, run: Row) -> bool:
    if not job.retry_enabled or run.attempt >= job.max_retry:
        return False
    specific = (job.retry_for_script_failure or job.retry_for_system_failure
                or job.retry_for_timedout_runs)
    if run.final_status == lc.FAILED:
        return bool(not specific or job.retry_for_script_failure or job.retry_for_system_failure)
    if run.final_status == lc.TIMEDOUT:
        return bool(not specific or job.retry_for_timedout_runs)
    return False


class FinishedRuns:
    """A run that has finished triggers its dependents (on success) or a retry (on failure)."""

    _TIMES = _due_sql("job_runs", "finished_at", "settled = :no")

    def due_times(self, step: Step, after: float, upto: float, limit: int) -> list[float]:
        return _times(step, self._TIMES, after, upto, limit, no=False)

    def load(self, step: Step, after: float, upto: float) -> Iterable[tuple[float, Any]]:
        for row in step.rows("SELECT * FROM job_runs WHERE settled = :no AND finished_at > :after "
                             "AND finished_at <= :upto", after=after, upto=upto, no=False):
            yield row.finished_at, row

    def fire(self, step: Step, due: float, items: list[Any]) -> None:
        for run in ordered(items):
            step.writes.update("job_runs", run.id, settled=True)
            parent = job(step, run.job_id)
            if parent is None:
                continue
            if run.final_status == lc.SUCCEEDED:
                for child in _children(step, parent.id):
                    start(step, child, child.owner_id, due, trigger="dependent",
                          trigger_key=f"after:{run.id}")
            elif _should_retry(parent, run):
                run["retry_at"] = due + parent.retry_delay * step.mock.settings.time_scale
                step.writes.update("job_runs", run.id, retry_at=run.retry_at)
                step.add(DueRetries, run.retry_at, run)


class DueRetries:
    _TIMES = _due_sql("job_runs", "retry_at")

    def due_times(self, step: Step, after: float, upto: float, limit: int) -> list[float]:
        return _times(step, self._TIMES, after, upto, limit)

    def load(self, step: Step, after: float, upto: float) -> Iterable[tuple[float, Any]]:
        for row in step.rows("SELECT * FROM job_runs WHERE retry_at > :after AND retry_at <= :upto",
                             after=after, upto=upto):
            yield row.retry_at, row

    def fire(self, step: Step, due: float, items: list[Any]) -> None:
        for run in ordered(items):
            run["retry_at"] = None
            step.writes.update("job_runs", run.id, retry_at=None)
            parent = job(step, run.job_id)
            if parent is None:
                continue
            start(step, parent, run.creator_id, due,
                  environment=jsonfield.load(run.environment), arguments=run.arguments,
                  trigger="retry", trigger_key=f"retry:{run.id}", attempt=run.attempt + 1)


SOURCES = (CronTicks, FinishedRuns, DueRetries)
