"""HTTP side of jobs."""

from __future__ import annotations

from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.kit.crud import project_listings
from mockcml.resources.jobs import service
from mockcml.resources.jobs.schemas import job_wire

# ListAll...: every job in a project the caller can see, each with its project filled in.
project_listings("jobs", job_wire, ("ListJobs", service.list_jobs),
                 ("ListAllJobs", service.list_all_jobs))


@operation("GetJob", project="view")
def get_job(call: Call) -> dict:
    return job_wire(*service.get_job_row(call.session, call.project.id, call.path["job_id"]))


@operation("CreateJob", project="write", pokes=True)
def create_job(call: Call) -> dict:
    project = call.project
    job = service.create_job(call.session, call.user, project, call.body or {}, call.now)
    return job_wire(*service.get_job_row(call.session, project.id, job.id))


@operation("UpdateJob", project="write", pokes=True)
def update_job(call: Call) -> dict:
    project = call.project
    job = service.get_job(call.session, project.id, call.path["job_id"])
    service.update_job(call.session, job, project, call.body or {}, call.now)
    call.session.flush()
    return job_wire(*service.get_job_row(call.session, project.id, job.id))


@operation("DeleteJob", project="write", pokes=True)
def delete_job(call: Call) -> dict:
    project_id = call.project.id
    service.delete_job(call.session, service.get_job(call.session, project_id, call.path["job_id"]))
    return {}
