"""Workloads through their phases on the mock clock, for the dashboard's timeline.

Each job run, application, model build and deployment becomes a row of segments (phase,
start, end) cut at the mock's ``now``: what is planned but not reached yet is not shown,
as the API does not show it either. Newest first, at most ``limit`` rows of each kind.
"""

from __future__ import annotations

from typing import Any

from mockcml.core.state import Mock
from mockcml.kit.sql import fetch_all
from mockcml.resources.applications.lifecycle import status_of as app_status
from mockcml.resources.job_runs.lifecycle import JOB_RUN
from mockcml.resources.model_builds.lifecycle import BUILD
from mockcml.resources.model_deployments.lifecycle import DEPLOYMENT


class _Row:
    """Attribute access over a fetched row (the lifecycle helpers read attributes)."""

    def __init__(self, row: Any) -> None:
        self.__dict__.update(dict(row))


def _segments(now: float, bounds: list[tuple[str, float | None]], end: float | None) -> list[dict]:
    """Consecutive phases from (phase, start) pairs; each ends where the next starts."""
    out = []
    marks = [(p, s) for p, s in bounds if s is not None]
    for index, (phase, start) in enumerate(marks):
        if start > now:
            break
        stop = marks[index + 1][1] if index + 1 < len(marks) else end
        stop = now if stop is None or stop > now else stop
        if stop >= start:
            out.append({"phase": phase, "start": start, "end": stop})
    return out


def timeline(mock: Mock, limit: int = 100) -> dict[str, Any]:
    now = mock.clock.now()
    items: list[dict[str, Any]] = []
    with mock.db.unit_of_work() as work:
        for r in fetch_all(work, """
                SELECT r.id, r.created_at, r.starting_at, r.running_at, r.finished_at, r.stop_at,
                       r.final_status, j.name AS name, p.name AS project
                FROM job_runs r JOIN jobs j ON j.id = r.job_id JOIN projects p ON p.id = r.project_id
                WHERE r.created_at <= :now ORDER BY r.created_at DESC, r.id LIMIT :limit""",
                now=now, limit=limit):
            status = JOB_RUN.status_at(r, now)
            stop = r.stop_at if r.stop_at is not None and r.stop_at < (r.finished_at or now) else None
            items.append(_item("job run", r, status, _segments(now, [
                ("scheduling", r.created_at), ("starting", r.starting_at),
                ("running", r.running_at), ("stopping", stop)], r.finished_at)))
        for a in fetch_all(work, """
                SELECT a.*, p.name AS project FROM applications a
                JOIN projects p ON p.id = a.project_id
                WHERE a.created_at <= :now ORDER BY a.created_at DESC, a.id LIMIT :limit""",
                now=now, limit=limit):
            row = _Row(a)
            items.append(_item("application", a, app_status(row, now), _segments(now, [
                ("starting", a.starting_at), ("running", a.running_at),
                ("stopping", a.stop_at)], a.stopped_at)))
        for b in _newest_of_models(work, "model_builds", now, limit):
            row = _Row(b)
            items.append(_item("model build", b, BUILD.status_at(row, now), _segments(now, [
                ("pending", b.created_at), ("building", b.queued_at),
                ("pushing", b.pushing_at)], b.finished_at)))
        for d in _newest_of_models(work, "model_deployments", now, limit):
            row = _Row(d)
            items.append(_item("model deployment", d, DEPLOYMENT.status_at(row, now), _segments(
                now, [("pending", d.created_at), ("deploying", d.deploying_at),
                      ("deployed", d.finished_at), ("stopping", d.stop_at)], d.stopped_at)))
    items.sort(key=lambda item: (-item["created"], item["id"]))
    return {"now": now, "items": items}


def _newest_of_models(work: Any, table: str, now: float, limit: int) -> list:
    """The newest rows of ``table`` (model builds or deployments), named by their model."""
    return fetch_all(work, f"""
        SELECT t.*, m.name AS name, p.name AS project FROM {table} t
        JOIN models m ON m.id = t.model_id JOIN projects p ON p.id = t.project_id
        WHERE t.created_at <= :now ORDER BY t.created_at DESC, t.id LIMIT :limit""",
        now=now, limit=limit)


def _item(kind: str, row: Any, status: str, segments: list[dict]) -> dict[str, Any]:
    return {"kind": kind, "id": row.id, "name": row.name, "project": row.project,
            "status": status, "created": row.created_at, "segments": segments}
