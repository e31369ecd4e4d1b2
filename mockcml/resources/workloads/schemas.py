"""Usage rows, executions and workloads as they appear on the wire."""

from __future__ import annotations

from typing import Any

from mockcml.kit.sql import Row
from mockcml.kit.wire import timestamp
from mockcml.resources.models.ids import crn
from mockcml.resources.runtimes.service import describe_image

_PATHS = {
    "job": "/api/v2/projects/{project_id}/jobs/{workload_id}/runs/{id}",
    "application": "/api/v2/projects/{project_id}/applications/{id}",
    "model": "/api/v2/projects/{project_id}/models",
}


def _user(row: Row) -> dict[str, Any]:
    return {"id": row.creator_id, "url": f"/api/v2/users/{row.creator_id}",
            "html_url": f"/{row.creator}", "name": row.creator_name, "user_name": row.creator}


def usage_wire(row: Row, duration: float) -> dict[str, Any]:
    """UsageResponse. Project ids are strings in the mock, so ProjectInfo names the
    project by slug and URL and leaves the int64 id out."""
    return {
        "id": row.id, "name": row.name, "creator": row.creator, "group": "",
        "project_name": row.project_name, "cpu": row.cpu, "memory": row.memory,
        "nvidia_gpu": float(row.nvidia_gpu), "workload_type": row.workload_type,
        "created_at": timestamp(row.started_at), "duration": str(round(duration)),
        "status": row.status, "creator_info": _user(row), "group_info": {},
        "project_info": {"slug": row.project_slug,
                         "url": f"/api/v2/projects/{row.project_id}",
                         "html_url": f"/{row.creator}/{row.project_slug}"},
        "workload_url": _PATHS[row.workload_type].format(**row),
        "message": row.message if row.status == "failed" else "", "oom_killed": False,
        "k8s_info": {},
    }


def _runtime(identifier: str) -> dict[str, str]:
    if not identifier:
        return {}
    described = describe_image(identifier)
    return {key: described[key] for key in ("description", "editor", "edition", "kernel",
                                            "full_version")}


def execution_wire(row: Row) -> dict[str, Any]:
    out = {
        "workload_crn": row.workload_crn,
        "workload_execution_crn": f"{row.workload_crn}/execution/{row.id}",
        "parent_workload_execution_crn": "",
        "pod_name": f"{row.workload_type}-{row.id}",
        "start_time": timestamp(row.started_at),
        "allocated_cpu_cores": row.cpu, "allocated_memory_gb": row.memory,
        "allocated_gpu_cores": float(row.nvidia_gpu), "status": row.status,
        "failure_reason": row.message if row.status == "failed" else "",
        "run_as_user_crn": crn(f"user/{row.creator_id}"), "run_as_user_name": row.creator,
        "runtime": _runtime(row.runtime_identifier), "spark_event_log_dir": "",
        "requested_replicas": row.replicas,
    }
    if row.ended_at is not None:
        out["end_time"] = timestamp(row.ended_at)
    return out


def workload_wire(row: Row) -> dict[str, Any]:
    """WorkloadDetails. [inferred] The project owner is its creator's user; the mock's
    string project ids leave the int64 ids out."""
    return {
        "workload_crn": row.workload_crn, "workload_name": row.name,
        "workload_type": row.workload_type,
        "create_time": timestamp(row.workload_created_at),
        "creator_user_crn": crn(f"user/{row.creator_id}"), "creator_user_name": row.creator,
        "project": {"crn": crn(f"project/{row.project_id}"), "name": row.project_name},
        "deleted": False,
    }
