"""HTTP side of job runs."""

from __future__ import annotations

from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.kit.listing import listed
from mockcml.resources.job_runs import service
from mockcml.resources.job_runs.effects import FinishedRuns
from mockcml.resources.job_runs.schemas import run_wire
from mockcml.resources.jobs.service import get_job, job_exists, job_row


def _job(call: Call):  # noqa: ANN202
    return get_job(call.session, call.project.id, call.path["job_id"])


@operation("ListJobRuns", project="view")
def list_job_runs(call: Call) -> dict:
    job_id = job_exists(call.db, call.project.id, call.path["job_id"])
    result = service.list_runs(call.db, job_id, call.query, call.now)
    return listed(result, "job_runs", run_wire, call.now)


@operation("GetJobRun", project="view")
def get_job_run(call: Call) -> dict:
    job_id = job_exists(call.db, call.project.id, call.path["job_id"])
    run, creator = service.read_run(call.db, job_id, call.path["run_id"])
    return run_wire(run, creator, call.now)


# Short: a few plain-SQL statements, run on the event loop when SQLite is free, as reads
# are (a hop to the database thread and back costs as much as the request's own work).
# No poke: the one event a new run adds is its finish, which the scheduler is told exactly
# (a poke would make the next pass ask every source again).
@operation("CreateJobRun", project="run", same_ids=("project_id", "job_id"), short=True)
def create_job_run(call: Call) -> dict:
    # Plain SQL on the request's unit of work: no ORM session, no ORM objects (on an
    # in-memory SQLite the insert goes straight to the driver; see UnitOfWork.writer).
    job = job_row(call.db, call.project.id, call.path["job_id"])
    body = call.body or {}
    run = service.start_run(
        call.db, job, call.user.id, call.mock.settings, call.now,
        environment=service.environment_of(body), arguments=body.get("arguments") or None,
    )
    call.mock.scheduler.expect(FinishedRuns, run.finished_at)
    return run_wire(run, call.user, call.now)


@operation("StopJobRun", project="run", pokes=True)
def stop_job_run(call: Call) -> dict:
    job = _job(call)
    run, creator = service.get_run_row(call.session, job, call.path["run_id"])
    service.stop_run(call.session, run, call.now, call.mock.settings)
    return run_wire(run, creator, call.now)
