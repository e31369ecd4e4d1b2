"""Usage, time series and workload executions, read off ``source.executions(now)``.

Usage lists each execution that ran in the asked window with what it was allocated (CPU
cores, memory GB, GPUs) and how long it ran inside the window; the time series adds up,
at each step of the window, what the executions running at that moment were allocated.
Both are bounded by the mock clock: a running workload counts up to ``now``.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import Select, String, cast, func, literal, select
from sqlmodel import Session

from mockcml.core.errors import InvalidArgument
from mockcml.kit.listing import Listing, Page, boolean, page, parse_filter, substring
from mockcml.kit.sql import Row
from mockcml.resources.models.ids import CRN_PREFIX
from mockcml.resources.workloads import source
from mockcml.resources.workloads.window import Window, multi_column, overlaps, windows, within

SERIES = {"cpu": "cpu", "memory": "memory", "gpu": "nvidia_gpu"}
DEFAULT_SPAN = 3600.0  # a time series without a window covers the last hour
MAX_POINTS = 60
_TEXT_KEYS = ("name", "creator", "project_name", "workload_type", "status")


def _usage_listing(w) -> Listing:  # noqa: ANN001 - the executions subquery
    # Workloads belong to no group in the mock: "group" is always empty.
    group = literal("")
    # The other fields of UsageResponse filter on the columns of the same name; duration
    # and workload_url are derived when answering ("cannot filter"); no run is OOM-killed.
    return Listing(
        filters={**{key: substring(w.c[key]) for key in _TEXT_KEYS}, "group": substring(group),
                 "oom_killed": boolean(literal(False))},
        sorts={**{key: w.c[key] for key in _TEXT_KEYS + ("cpu", "memory", "nvidia_gpu")},
               "group": group, "created_at": w.c.started_at},
        tiebreak=w.c.uid,
        default_sort=(("created_at", True),),
        model="UsageResponse",
    )


def _usage_query(params: dict[str, Any], now: float):  # noqa: ANN202
    w = source.executions(now)
    window = windows(params.get("time_range_search_filter"), ("created_time",)).get(
        "created_time", Window())
    conditions = overlaps(window, w.c.started_at, w.c.ended_at, now)
    conditions += multi_column(params.get("multi_column_search_filter"),
                               {"project_or_workload_name": [w.c.project_name, w.c.name]})
    return w, window, conditions


def ran_for(row: Row, window: Window, now: float) -> float:
    """Seconds ``row`` ran inside ``window`` (the whole run without one), up to ``now``."""
    start = max(row.started_at, window.start if window.start is not None else -math.inf)
    end = min(row.ended_at if row.ended_at is not None else now,
              window.end if window.end is not None else math.inf)
    return max(0.0, end - start)


def list_usage(session: Session, params: dict[str, Any], now: float
               ) -> tuple[Page, int, Window]:
    w, window, conditions = _usage_query(params, now)
    listing = _usage_listing(w)
    query: Select = select(*w.c).where(*conditions)
    result = page(session, query, listing, params, plain=True)
    counted = select(func.count()).select_from(w).where(
        *conditions, *parse_filter(listing, params.get("search_filter"), query))
    return result, session.execute(counted).scalar_one(), window


def time_series(session: Session, params: dict[str, Any], now: float
                ) -> tuple[str, list[tuple[int, int]]]:
    """(series type, [(epoch milliseconds, total)]) for every step of the window to ``now``."""
    kind = params.get("series_type") or "cpu"
    if kind not in SERIES:
        raise InvalidArgument(f"series_type must be one of {list(SERIES)}, not {kind!r}")
    if params.get("page_token"):
        raise InvalidArgument("page_token is not valid: a time series has one page")
    w, window, conditions = _usage_query(params, now)
    listing = _usage_listing(w)
    end = min(window.end if window.end is not None else now, now)
    start = window.start if window.start is not None else end - DEFAULT_SPAN
    start = max(start, 0.0)  # time stamps are unsigned: nothing ran before 1970
    query = select(w.c.started_at, w.c.ended_at, w.c[SERIES[kind]].label("amount")).where(
        *conditions, *parse_filter(listing, params.get("search_filter"), select(*w.c)),
        *overlaps(Window(start, end), w.c.started_at, w.c.ended_at, now))
    rows = session.execute(query).all()
    step = max(60.0, math.ceil((end - start) / MAX_POINTS))
    # Anchored at the end of the window, so that the last point is "now" by default.
    count = int((end - start) // step) if end >= start else -1
    points = []
    for k in range(count, -1, -1):
        moment = end - k * step
        total = sum(amount for began, ended, amount in rows
                    if began <= moment and (ended is None or ended > moment))
        points.append((int(moment * 1000), round(total)))
    return kind, points


def crn_of(w):  # noqa: ANN001, ANN201 - the executions subquery
    return literal(CRN_PREFIX + "/") + w.c.workload_type + literal("/") + w.c.workload_id


def list_executions(session: Session, params: dict[str, Any], now: float) -> Page:
    w = source.executions(now)
    crn = crn_of(w)
    listing = Listing(
        # The fields of WorkloadDetails (the contract's listed model) pick the executions
        # of the workloads they match; no workload is deleted in the mock.
        filters={"status": substring(w.c.status), "workload_crn": substring(crn),
                 "workload_name": substring(w.c.name),
                 "workload_type": substring(w.c.workload_type),
                 "creator_user_crn": substring(
                     literal(CRN_PREFIX + "/user/") + cast(w.c.creator_id, String)),
                 "creator_user_name": substring(w.c.creator),
                 "deleted": boolean(literal(False))},
        sorts={"start_time": w.c.started_at, "end_time": w.c.ended_at, "status": w.c.status},
        tiebreak=w.c.uid,
        default_sort=(("start_time", True),),
        model="WorkloadDetails",
    )
    ranges = windows(params.get("time_range_search_filter"), ("start_time", "end_time"))
    conditions = within(ranges.get("start_time", Window()), w.c.started_at)
    conditions += within(ranges.get("end_time", Window()), w.c.ended_at)
    conditions += multi_column(params.get("multi_column_search_filter"), {"workload_crn": [crn]})
    query = select(*w.c, crn.label("workload_crn")).where(*conditions)
    return page(session, query, listing, params, plain=True)


def statuses(session: Session, user: Any, now: float) -> list[str]:
    """The statuses workloads have right now: all of them for an administrator, the
    caller's own for anyone else."""
    w = source.executions(now)
    query = select(w.c.status).distinct()
    if not user.is_admin:
        query = query.where(w.c.creator_id == user.id)
    present = set(session.execute(query).scalars())
    return [status for status in source.STATUSES if status in present]
