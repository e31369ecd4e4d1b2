"""JobRun as it appears on the wire: the status and timestamps as of the mock's clock."""

from __future__ import annotations

from mockcml.core.actors import Named
from mockcml.kit.sql import Row
from mockcml.kit.users import short_user
from mockcml.kit.wire import reached, timestamp
from mockcml.resources.job_runs.lifecycle import JOB_RUN
from mockcml.resources.job_runs.tables import JobRun


def run_wire(run: JobRun | Row, creator: Named, now: float) -> dict:
    """``run``: an ORM run, or a plain row with its columns (kit.sql)."""
    out = {
        "project_id": run.project_id,
        "job_id": run.job_id,
        "status": JOB_RUN.status_at(run, now),
        "id": run.id,
        "created_at": timestamp(run.created_at),
        "scheduling_at": reached(run.scheduling_at, now),
        "starting_at": reached(run.starting_at, now),
        "running_at": reached(run.running_at, now),
        "finished_at": reached(run.finished_at, now),
        "kernel": run.kernel,
        "cpu": run.cpu,
        "memory": run.memory,
        "nvidia_gpu": run.nvidia_gpu,
        "arguments": run.arguments,
        # A JSON-encoded string on answers, as CML returns it.
        "environment": run.environment,
        "creator": short_user(creator),
        "runtime_identifier": run.runtime_identifier,
        "resource_group_id": run.resource_group_id,
    }
    # Phases not reached yet are left out, as proto3 JSON leaves out unset timestamps.
    # Most runs of a listing have finished and leave nothing out: no copy for them.
    if None in out.values():
        return {k: v for k, v in out.items() if v is not None}
    return out
