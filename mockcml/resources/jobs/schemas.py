"""Job as it appears on the wire."""

from __future__ import annotations

import json

from mockcml.kit.users import short_user
from mockcml.kit.wire import timestamp
from mockcml.resources.jobs.cron import describe
from mockcml.resources.jobs.tables import Job
from mockcml.resources.projects.tables import Project
from mockcml.resources.users.tables import User


def job_type(job: Job) -> str:
    if job.schedule:
        return "cron"
    if job.parent_id:
        return "dependent"
    return "manual"


def short_project(project: Project) -> dict:
    return {
        "public_identifier": project.id,
        "name": project.name,
        "default_project_engine": project.default_engine_type,
        "slug": project.slug,
    }


def job_wire(job: Job, creator: User, owner: User, project: Project | None = None) -> dict:
    out = {
        "id": job.id,
        "cpu": job.cpu,
        "created_at": timestamp(job.created_at),
        "creator": short_user(creator),
        # int64 fields travel as JSON strings (proto3 JSON mapping).
        "engine_image_id": str(job.engine_image_id),
        "english_schedule": describe(job.schedule, job.timezone) if job.schedule else "",
        "arguments": job.arguments,
        "type": job_type(job),
        "kernel": job.kernel,
        "memory": job.memory,
        "name": job.name,
        "parent_id": job.parent_id or "",
        "paused": job.paused,
        "schedule": job.schedule,
        "script": job.script,
        "timeout": str(job.timeout),
        "timezone": job.timezone,
        "updated_at": timestamp(job.updated_at),
        # A map on create, a JSON-encoded string here: CML's quirk, copied.
        "environment": job.environment,
        "nvidia_gpu": job.nvidia_gpu,
        "runtime_identifier": job.runtime_identifier,
        "runtime_addon_identifiers": json.loads(job.runtime_addon_identifiers),
        "kill_on_timeout": job.kill_on_timeout,
        "owner": short_user(owner),
        "run_as": job.run_as,
        "accelerator_label_id": str(job.accelerator_label_id),
        "retry_enabled": job.retry_enabled,
        "max_retry": job.max_retry,
        "retry_delay": job.retry_delay,
        "retry_for_script_failure": job.retry_for_script_failure,
        "retry_for_system_failure": job.retry_for_system_failure,
        "retry_for_timedout_runs": job.retry_for_timedout_runs,
        "retry_for_skipped_runs": job.retry_for_skipped_runs,
        "recipients": json.loads(job.recipients),
        "attachments": json.loads(job.attachments),
        "success_recipients": job.success_recipients,
        "failure_recipients": job.failure_recipients,
        "timeout_recipients": job.timeout_recipients,
        "stopped_recipients": job.stopped_recipients,
        "resource_group_id": job.resource_group_id,
        "resource_profile_id": job.resource_profile_id,
    }
    if project is not None:
        out["project"] = short_project(project)
    return out
