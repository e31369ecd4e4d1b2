"""HTTP side of workloads and usage.

The usage, time series and execution views show every user's work, so they are site
administration (a real workspace answers ListWorkloadExecutions 403 to an ordinary key).
The status and type vocabularies are open to every signed-in user; statuses are those
of the caller's own workloads unless the caller is an administrator.
"""

from __future__ import annotations

from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.kit.admin import require_site_admin
from mockcml.resources.workloads import archive, service
from mockcml.resources.workloads.schemas import execution_wire, usage_wire, workload_wire
from mockcml.resources.workloads.source import TYPES


@operation("ListUsage")
def list_usage(call: Call) -> dict:
    require_site_admin(call.user, "workspace usage")
    result, total, window = service.list_usage(call.session, call.query, call.now)
    return {
        "usage_response": [usage_wire(row, service.ran_for(row, window, call.now))
                           for row in result.rows],
        "total_count": str(total),
        "next_page_token": result.next_page_token,
    }


@operation("GetTimeSeries")
def get_time_series(call: Call) -> dict:
    require_site_admin(call.user, "workspace usage")
    kind, points = service.time_series(call.session, call.query, call.now)
    return {"series_type": kind,
            "result": {"values": [{"time_stamp": str(at), "count": str(total)}
                                  for at, total in points]},
            "next_page_token": ""}


@operation("ListWorkloadExecutions")
def list_workload_executions(call: Call) -> dict:
    require_site_admin(call.user, "listing workload executions")
    result = service.list_executions(call.session, call.query, call.now)
    workloads: dict[str, dict] = {}
    for row in result.rows:
        workloads.setdefault(row.workload_crn, workload_wire(row))
    return {"workloads": list(workloads.values()),
            "executions": [execution_wire(row) for row in result.rows],
            "next_page_token": result.next_page_token}


@operation("ListWorkloadStatus")
def list_workload_status(call: Call) -> dict:
    return {"workload_status": service.statuses(call.session, call.user, call.now)}


@operation("ListWorkloadTypes")
def list_workload_types(call: Call) -> dict:
    return {"workload_type": list(TYPES)}


@operation("DashboardsArchive")
def dashboards_archive(call: Call) -> dict:
    require_site_admin(call.user, "archiving dashboards")
    archive.archive(call.session, call.path["days_finished"], call.now)
    return {}
