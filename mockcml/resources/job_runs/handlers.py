"""HTTP side of job runs."""

from __future__ import annotations

from mockcml.core.errors import InvalidArgument
from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.resources.job_runs import service
from mockcml.resources.job_runs.schemas import run_wire
from mockcml.resources.jobs.service import get_job, job_exists
from mockcml.resources.projects.access import require


def _job(call: Call, capability: str):  # noqa: ANN202
    project, _ = require(call.session, call.user, call.path["project_id"], capability)
    return get_job(call.session, project.id, call.path["job_id"])


@operation("ListJobRuns")
def list_job_runs(call: Call) -> dict:
    job = _job(call, "view")
    now = call.now
    result = service.list_runs(call.session, job, call.query, now)
    return {"job_runs": [run_wire(run, creator, now) for run, creator in result.rows],
            "next_page_token": result.next_page_token}


@operation("GetJobRun")
def get_job_run(call: Call) -> dict:
    project, _ = require(call.db, call.user, call.path["project_id"], "view")
    job_id = job_exists(call.db, project.id, call.path["job_id"])
    return run_wire(*service.read_run(call.db, job_id, call.path["run_id"]), call.now)


@operation("CreateJobRun")
def create_job_run(call: Call) -> dict:
    job = _job(call, "run")
    body = call.body or {}
    # The body may repeat the ids of the path (cmlapi sends them); they must agree.
    for field in ("project_id", "job_id"):
        if body.get(field) and body[field] != call.path[field]:
            raise InvalidArgument(f"{field} in the body does not match the path")
    run = service.start_run(
        call.session, job, call.user.id, call.mock.settings, call.now,
        environment=service.environment_of(body), arguments=body.get("arguments") or None,
    )
    call.mock.scheduler.poke()
    return run_wire(run, call.user, call.now)


@operation("StopJobRun")
def stop_job_run(call: Call) -> dict:
    job = _job(call, "run")
    run, creator = service.get_run_row(call.session, job, call.path["run_id"])
    service.stop_run(call.session, run, call.now, call.mock.settings)
    call.mock.scheduler.poke()
    return run_wire(run, creator, call.now)
