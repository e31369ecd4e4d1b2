"""HTTP side of jobs."""

from __future__ import annotations

from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.resources.jobs import service
from mockcml.resources.jobs.schemas import job_wire
from mockcml.resources.projects.access import require
from mockcml.resources.projects.service import viewable_projects


def _page(result) -> dict:  # noqa: ANN001
    return {"jobs": [job_wire(*row) for row in result.rows],
            "next_page_token": result.next_page_token}


@operation("ListJobs")
def list_jobs(call: Call) -> dict:
    project, _ = require(call.session, call.user, call.path["project_id"], "view")
    return _page(service.list_jobs(call.session, project.id, call.query))


@operation("ListAllJobs")
def list_all_jobs(call: Call) -> dict:
    # Every job in a project the caller can see, each with its project filled in.
    clause = viewable_projects(call.user)
    return _page(service.list_all_jobs(call.session, clause, call.query))


@operation("GetJob")
def get_job(call: Call) -> dict:
    project, _ = require(call.session, call.user, call.path["project_id"], "view")
    return job_wire(*service.get_job_row(call.session, project.id, call.path["job_id"]))


@operation("CreateJob")
def create_job(call: Call) -> dict:
    project, _ = require(call.session, call.user, call.path["project_id"], "write")
    job = service.create_job(call.session, call.user, project, call.body or {}, call.now)
    call.mock.scheduler.poke()
    return job_wire(*service.get_job_row(call.session, project.id, job.id))


@operation("UpdateJob")
def update_job(call: Call) -> dict:
    project, _ = require(call.session, call.user, call.path["project_id"], "write")
    job = service.get_job(call.session, project.id, call.path["job_id"])
    service.update_job(call.session, job, project, call.body or {}, call.now)
    call.session.flush()
    call.mock.scheduler.poke()
    return job_wire(*service.get_job_row(call.session, project.id, job.id))


@operation("DeleteJob")
def delete_job(call: Call) -> dict:
    project, _ = require(call.session, call.user, call.path["project_id"], "write")
    service.delete_job(call.session, service.get_job(call.session, project.id, call.path["job_id"]))
    call.mock.scheduler.poke()
    return {}
