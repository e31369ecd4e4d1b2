"""Jobs of fixture files (and their runs): what is wrong with one, and the rows it becomes.

The validator calls ``check`` for each job of a project, the loader ``add_rows``; defaults
that jobs share with the API (the kernel of a legacy engine) come from the same helpers the
create operation uses.
"""

from __future__ import annotations

import difflib
import json
from typing import TYPE_CHECKING, Any

from mockcml.fixtures.timeline import Defaults, at
from mockcml.kit import jsonfield
from mockcml.kit.rows import column_defaults
from mockcml.kit.sql import table_of
from mockcml.resources.job_runs.history import job_plan, run_facts
from mockcml.resources.job_runs.tables import JobRun
from mockcml.resources.jobs.tables import Job
from mockcml.resources.projects.tables import workload_kernel

if TYPE_CHECKING:
    from mockcml.fixtures.load import Rows
    from mockcml.fixtures.validate import Checker as C
    from mockcml.fixtures.validate import Entry

RECIPIENT_FLAGS = ("notify_on_success", "notify_on_failure", "notify_on_timeout", "notify_on_stop")
_JOB_COPIED = (
    "script", "arguments", "kill_on_timeout", "paused", "run_as", "accelerator_label_id",
    "resource_group_id", "resource_profile_id", "retry_enabled", "max_retry", "retry_delay",
    "retry_for_script_failure", "retry_for_system_failure", "retry_for_timedout_runs",
    "retry_for_skipped_runs", "success_recipients", "failure_recipients", "timeout_recipients",
    "stopped_recipients", "nvidia_gpu", "timeout", "cpu", "memory", "schedule", "timezone",
    "runtime_identifier", "kernel",
)
_JOB_BASE = column_defaults(table_of(Job))
_RUN_BASE = column_defaults(table_of(JobRun))


def check(c: C, project: Entry, job: Entry, jobs: dict[str, Entry], engine: str) -> None:
    c.ref_user(job, "creator", c.usernames)
    c.assign_id(job, "job", project["_id"], job["name"])
    c.check_runtime(job, engine)
    parent = job.get("parent")
    if parent is not None:
        if job.get("schedule"):
            c.problem(job, "parent", "a job cannot have both a schedule and a parent")
        elif parent == job["name"]:
            c.problem(job, "parent", "a job cannot be its own parent")
        elif parent not in jobs:
            guess = difflib.get_close_matches(parent, sorted(jobs), n=1)
            hint = f" (did you mean {guess[0]!r}?)" if guess else ""
            c.problem(job, "parent", f"no job named {parent!r} in project {project['name']!r}{hint}")
    plan = job_plan(job, c.defaults)
    for index, run in enumerate(job.get("runs", [])):
        c.ref_user(run, "creator", c.usernames)
        c.assign_id(run, "run", job["_id"], index)
        if "status" not in run or "created_at" not in run:
            continue  # reported by the shape pass
        c.report(run, run_facts(run, job, c.defaults, c.now, plan)[1])


def check_cycles(c: C, project: Entry, jobs: dict[str, Entry]) -> None:
    state: dict[str, int] = {}  # 1 visiting, 2 done
    for start in jobs:
        chain: list[str] = []
        name: str | None = start
        while name is not None and name in jobs and state.get(name) is None:
            state[name] = 1
            chain.append(name)
            parent = jobs[name].get("parent")
            name = parent if parent != name else None
        if name is not None and state.get(name) == 1 and name in chain:
            cycle = chain[chain.index(name):] + [name]
            c.problem(jobs[name], "parent",
                         f"jobs depend on each other in a cycle: {' -> '.join(cycle)}")
        for visited in chain:
            state[visited] = 2


def add_rows(rows: Rows, project_id: str, engine: str, job: dict[str, Any], job_ids: dict[str, str],
         ids: dict[str, int], creator: int, created: float, now: float,
         defaults: Defaults) -> None:
    row = dict(_JOB_BASE)
    for name in _JOB_COPIED:
        value = job.get(name)
        if value is not None:
            row[name] = value
    row["kernel"] = workload_kernel(engine, row["runtime_identifier"], row["kernel"])
    sim = job.get("simulate") or {}
    recipients = [
        {"email": r["email"], **{flag: bool(r.get(flag, False)) for flag in RECIPIENT_FLAGS}}
        for r in job.get("recipients", [])
    ]
    row.update({
        "id": job["_id"], "project_id": project_id, "name": job["name"],
        "creator_id": creator, "owner_id": creator,
        "runtime_addon_identifiers": json.dumps(job.get("runtime_addon_identifiers", [])),
        "environment": jsonfield.dump(job.get("environment")),
        "recipients": json.dumps(recipients), "attachments": json.dumps(job.get("attachments", [])),
        "parent_id": job_ids.get(job["parent"]) if job.get("parent") else None,
        "script_scheduling": _seconds(sim.get("scheduling")),
        "script_starting": _seconds(sim.get("starting")),
        "script_running": _seconds(sim.get("running")),
        "script_outcome": sim.get("outcome"), "script_message": sim.get("message") or "",
        "next_cron_at": (rows.next_cron(row["schedule"], row["timezone"], now)
                         if row["schedule"] and not row["paused"] else None),
        "created_at": created, "updated_at": created,
    })
    rows.add(table_of(Job), row)
    runs = job.get("runs")
    if not runs:
        return
    plan = job_plan(job, defaults)
    job_env = job.get("environment") or {}
    job_env_text = jsonfield.dump(job_env)
    # Columns every run of this job shares; each run fills in the rest.
    shared = {
        **_RUN_BASE, "project_id": project_id, "job_id": job["_id"], "creator_id": creator,
        "kernel": row["kernel"], "cpu": row["cpu"], "memory": row["memory"],
        "nvidia_gpu": row["nvidia_gpu"], "runtime_identifier": row["runtime_identifier"],
        "resource_group_id": row["resource_group_id"], "arguments": row["arguments"],
        "environment": job_env_text, "trigger": "fixture", "trigger_key": None, "attempt": 0,
        "retry_at": None,
    }
    add = rows.tables.setdefault(table_of(JobRun), []).append
    for run in runs:
        facts, _ = run_facts(run, job, defaults, now, plan)
        run_created = at(run["created_at"], now)
        out = dict(shared)
        out.update(
            id=run["_id"], created_at=run_created, scheduling_at=facts.scheduling_at,
            starting_at=facts.starting_at, running_at=facts.running_at,
            finished_at=facts.finished_at, stop_at=facts.stop_at,
            final_status=facts.final_status, message=facts.message,
            # History fires nothing: dependents and retries are for runs finishing from now on.
            settled=facts.settled,
            updated_at=facts.finished_at if facts.settled else run_created,
        )
        if "environment" in run:
            out["environment"] = jsonfield.dump({**job_env, **run["environment"]})
        if "arguments" in run:
            out["arguments"] = run["arguments"]
        if run.get("creator"):
            out["creator_id"] = ids[run["creator"]]
        add(out)



def _seconds(value: Any) -> float | None:
    return None if value is None else float(value)
