"""HTTP controls for test authors, under /_mock, described by /_mock/openapi.json.

State-changing controls require the control token when one is configured
(``x-mockcml-control-token`` header); CML API keys never grant control access.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field, StrictFloat, StrictInt, StrictStr

from mockcml.control.journal import Filter
from mockcml.core import meta
from mockcml.core.errors import InvalidArgument, NotFound, PermissionDenied, Unauthenticated, error_response
from mockcml.core.registry import implemented
from mockcml.core.state import Mock
from mockcml.kit.wire import check_text, loads, timestamp
from mockcml.lifecycle import durations, scripts

T = TypeVar("T")


async def _mock(request: Request) -> Mock:
    return request.app.state.mock


async def require_token(
    request: Request, x_mockcml_control_token: Annotated[str | None, Header()] = None
) -> None:
    expected = request.app.state.mock.settings.control_token
    if not expected:
        return
    if not x_mockcml_control_token:
        raise Unauthenticated("this control needs the x-mockcml-control-token header")
    if not secrets.compare_digest(x_mockcml_control_token, expected):
        raise PermissionDenied("wrong control token")


async def valid_text(request: Request) -> None:
    """Invalid text (a lone UTF-16 surrogate) in a control's body or query is a 400 code 3,
    as on the API (``kit.wire.check_text``), before anything is stored."""
    check_text(list(request.query_params.multi_items()), "query")
    body = await request.body()  # kept by Starlette: the endpoint reads it again
    if body:
        try:
            loads(body, "request body")
        except (ValueError, RecursionError):
            pass  # not JSON: the endpoint's own validation answers that


async def in_step(request: Request) -> None:
    """Database mode: this worker takes what the others changed (clock, faults, response
    style...) before a control reads or changes it; memory mode: nothing to do."""
    await request.app.state.mock.shared.synced()


async def _apply(mock: Mock, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``func`` of a subsystem: right here in memory mode (the loop is where requests read
    that state), on a database thread in database mode (it runs SQL)."""
    if mock.shared.database:
        return await mock.db.run(func, *args, **kwargs)
    return func(*args, **kwargs)


async def _in_transaction(mock: Mock, work: Callable[..., T]) -> T:
    """``work(session)`` in one transaction, on a database thread."""
    def run() -> T:
        with mock.db.transaction() as session:
            return work(session)

    return await mock.db.run(run)


MockDep = Annotated[Mock, Depends(_mock)]
router = APIRouter(prefix="/_mock", tags=["control"], dependencies=[Depends(in_step)])
guarded = APIRouter(prefix="/_mock", tags=["control"],
                    dependencies=[Depends(in_step), Depends(require_token), Depends(valid_text)])


# --- health and readiness --------------------------------------------------------

@router.get("/health")
async def health(mock: MockDep):  # noqa: ANN201
    """Liveness: 200 once the schema exists and fixtures are loaded, 503 before."""
    if not mock.ready:
        return error_response(14, "mockcml is starting")
    return {"status": "ok", "ready": True}


@router.get("/ready")
async def ready(mock: MockDep) -> dict:
    """Readiness, with what was seeded."""
    scenario = mock.scenario
    return {"ready": mock.ready, "fixtures": list(mock.settings.fixtures),
            "fixtures_loaded": scenario is not None or not mock.settings.fixtures,
            # Read from counters, never from the pool itself: answers while the database is busy.
            "database": mock.db.status(), "body_readers": mock.intake.reading,
            # Whether this process runs the background scheduler (several processes on one
            # PostgreSQL database elect one; SQLite is always "leader").
            "scheduler": mock.scheduler.leader.role,
            # Which process answered (--workers N: each worker is one).
            "process": os.getpid()}


@router.get("/coverage")
async def coverage(mock: MockDep) -> dict:
    """Which CML operations mockcml implements and which answer 501."""
    done = implemented()
    ops = [op.operation_id for op in mock.contract.operations]
    return {
        "implemented": sorted(o for o in ops if o in done),
        "unimplemented": sorted(o for o in ops if o not in done),
        "counts": {"total": len(ops), "implemented": sum(o in done for o in ops)},
    }


# --- reset and snapshots --------------------------------------------------------------

@guarded.post("/reset")
async def reset(mock: MockDep) -> dict:
    """Back to the seeded fixtures (or the built-in admin alone) and the clock as seeded:
    real time, not frozen, at the configured time scale."""
    from mockcml.fixtures.reset import reset as reset_state

    # The clock first: relative fixture times ("-2h") are read against it.
    mock.snapshots.seeded.apply(mock)
    await mock.db.run(reset_state, mock)
    await _apply(mock, mock.faults.clear)
    await _apply(mock, mock.unknown_fields.clear)
    mock.response_style.reset()
    await _apply(mock, mock.shared.publish_controls)
    await _save_clock(mock)
    return {"reset": True}


class SnapshotIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)


def _snapshot_out(snap) -> dict:  # noqa: ANN001
    return {"name": snap.name, "created": timestamp(snap.created)}


@router.get("/snapshots")
async def list_snapshots(mock: MockDep) -> dict:
    return {"snapshots": [_snapshot_out(s) for s in await _apply(mock, mock.snapshots.listed)]}


@guarded.post("/snapshots")
async def save_snapshot(body: SnapshotIn, mock: MockDep) -> dict:
    """Save the whole state (data and clock) under a name; an existing name is replaced."""
    return _snapshot_out(await mock.db.run(mock.snapshots.save, body.name))


@guarded.post("/snapshots/{name}/restore")
async def restore_snapshot(name: str, mock: MockDep) -> dict:
    """Back to a saved state: data and the whole clock (offset, freeze, time scale)."""
    snap = await mock.db.run(mock.snapshots.restore, name)
    await _save_clock(mock)  # a restart with a database file continues from here
    await mock.db.run(mock.scheduler.poke)  # may tell other processes (PostgreSQL)
    return _snapshot_out(snap)


@guarded.delete("/snapshots/{name}")
async def delete_snapshot(name: str, mock: MockDep) -> dict:
    await _apply(mock, mock.snapshots.delete, name)
    return {}


# --- clock --------------------------------------------------------------------------

def _clock_out(mock: Mock) -> dict:
    now = mock.clock.now()
    return {"now": timestamp(now), "epoch": now, "offset_seconds": mock.clock.offset,
            "frozen": mock.clock.frozen, "time_scale": mock.settings.time_scale}


async def _save_clock(mock: Mock, publish: bool = True) -> None:
    def save() -> None:
        with mock.db.transaction() as session:
            meta.save_clock(session, mock.clock)
        if publish:
            mock.shared.publish_clock()  # database mode: every worker's clock moves with it

    await mock.db.run(save)


@router.get("/clock")
async def get_clock(mock: MockDep) -> dict:
    return _clock_out(mock)


class AdvanceIn(BaseModel):
    by: StrictStr | StrictInt | StrictFloat = Field(
        description="seconds, or text like '90s', '2h', '1h30m'")


@guarded.post("/clock/advance")
async def advance(body: AdvanceIn, mock: MockDep) -> dict:
    """Move mock time forward; every lifecycle, timeout, retry and cron fires as if it passed."""
    try:
        seconds = durations.parse(body.by)
    except ValueError as exc:
        raise InvalidArgument(str(exc)) from None
    # Database mode: the shared clock moves in SQL (advances through two workers add up)
    # and is published by that statement.
    await _apply(mock, mock.shared.advance_clock, seconds)
    await _save_clock(mock, publish=not mock.shared.database)
    await mock.scheduler.settle()  # bounded steps; the background loop does any rest
    return _clock_out(mock)


class ScaleIn(BaseModel):
    time_scale: float = Field(ge=0, description="0 instant, 1 real time, 0.01 100x faster")


@guarded.post("/clock/scale")
async def set_scale(body: ScaleIn, mock: MockDep) -> dict:
    """Applies to lifecycles that start from now on."""
    mock.settings.time_scale = body.time_scale
    await _apply(mock, mock.shared.publish_clock)
    return _clock_out(mock)


@guarded.post("/clock/freeze")
async def freeze(mock: MockDep) -> dict:
    await _apply(mock, mock.shared.freeze_clock)  # database mode: in SQL, like advance
    await _save_clock(mock, publish=not mock.shared.database)
    return _clock_out(mock)


@guarded.post("/clock/unfreeze")
async def unfreeze(mock: MockDep) -> dict:
    await _apply(mock, mock.shared.unfreeze_clock)
    await _save_clock(mock, publish=not mock.shared.database)
    return _clock_out(mock)


# --- scripted outcomes -------------------------------------------------------------------

class OutcomeIn(BaseModel):
    kind: Literal["job", "application", "model_build", "model_deployment"] = "job"
    id: str = Field(description="job id (its next runs), application id (its next restarts), "
                    "model id (its next builds), build id (its next deployments) or deployment "
                    "id (its next restarts)")
    outcome: Literal["succeeded", "failed", "timedout"] | None = None
    scheduling: float | None = Field(None, ge=0)
    starting: float | None = Field(None, ge=0)
    running: float | None = Field(None, ge=0)
    stopping: float | None = Field(None, ge=0, description="applications only")
    message: str | None = None
    times: int = Field(1, ge=1, le=10_000, description="how many of the next runs get it")


# What a queued script attaches to: the next run of a job, the next restart of an
# application, the next build of a model, the next deployment of a build (or the next
# restart of a deployment).
_TARGETS = {
    "job": (("mockcml.resources.jobs.tables", "Job"),),
    "application": (("mockcml.resources.applications.tables", "Application"),),
    "model_build": (("mockcml.resources.models.tables", "Model"),),
    "model_deployment": (("mockcml.resources.model_builds.tables", "ModelBuild"),
                         ("mockcml.resources.model_deployments.tables", "ModelDeployment")),
}


def _target_exists(session, kind: str, target_id: str) -> bool:  # noqa: ANN001
    import importlib

    for module, name in _TARGETS[kind]:
        table = getattr(importlib.import_module(module), name)
        if session.get(table, target_id) is not None:
            return True
    return False


@guarded.post("/outcomes")
async def queue_outcome(body: OutcomeIn, mock: MockDep) -> dict:
    """Queue the outcome and durations of the next runs of one target (oldest first)."""
    script = body.model_dump(exclude={"kind", "id", "times"}, exclude_none=True)

    def queue(session) -> dict:  # noqa: ANN001
        if not _target_exists(session, body.kind, body.id):
            raise NotFound(f"{body.kind} {body.id!r} not found")
        scripts.queue(session, body.kind, body.id, script, body.times)
        return {"queued": scripts.pending(session)}

    return await _in_transaction(mock, queue)


@router.get("/outcomes")
async def list_outcomes(mock: MockDep) -> dict:
    return {"queued": await _in_transaction(mock, scripts.pending)}


@guarded.delete("/outcomes")
async def clear_outcomes(mock: MockDep) -> dict:
    await _in_transaction(mock, scripts.clear)
    return {}


# --- faults ---------------------------------------------------------------------------------

class FaultIn(BaseModel):
    operation_id: str | None = Field(None, description="e.g. CreateJobRun")
    path: str | None = Field(None, description="fnmatch pattern, e.g. /api/v2/projects/*")
    method: str | None = None
    status: int | None = Field(None, ge=400, le=599)
    code: int | None = Field(None, ge=0, le=16, description="gRPC code; derived from status")
    message: str = "injected fault"
    count: int | None = Field(None, ge=1, description="fault the next N matching calls")
    rate: float | None = Field(None, gt=0, le=1, description="or this fraction of them")
    delay: float = Field(0.0, ge=0, le=300, description="seconds to wait first")
    retry_after: int | None = Field(None, ge=0, description="Retry-After header (429)")
    seed: int | None = Field(None, description="seed for rate-based faults")


@router.get("/faults")
async def list_faults(mock: MockDep) -> dict:
    return {"faults": await _apply(mock, mock.faults.listed)}


@guarded.post("/faults")
async def add_fault(body: FaultIn, mock: MockDep) -> dict:
    if body.operation_id and body.operation_id not in {
            op.operation_id for op in mock.contract.operations}:
        raise InvalidArgument(f"unknown operationId {body.operation_id!r}")
    try:
        fault = await _apply(mock, mock.faults.add, **body.model_dump())
    except ValueError as exc:
        raise InvalidArgument(str(exc)) from None
    return fault.to_dict()


@guarded.delete("/faults")
async def clear_faults(mock: MockDep) -> dict:
    await _apply(mock, mock.faults.clear)
    return {}


@guarded.delete("/faults/{fault_id}")
async def delete_fault(fault_id: str, mock: MockDep) -> dict:
    if not await _apply(mock, mock.faults.remove, fault_id):
        raise NotFound(f"no fault {fault_id!r}")
    return {}


# --- journal -------------------------------------------------------------------------------

async def _filter(
    operation_id: str | None = None, method: str | None = None, path: str | None = None,
    status: int | None = None, caller: str | None = None, after: int = 0,
) -> Filter:
    return Filter(operation_id, method, path, status, caller, after)


FilterDep = Annotated[Filter, Depends(_filter)]


@router.get("/journal")
async def journal(mock: MockDep, flt: FilterDep,
            limit: Annotated[int | None, Query(ge=1)] = None) -> dict[str, Any]:
    """Recorded calls, oldest first; filter by operationId, method, path substring, ..."""
    entries = await mock.journal.lookup(flt, limit)
    return {"entries": [e.to_dict() for e in entries]}


@router.get("/journal/wait")
async def journal_wait(mock: MockDep, flt: FilterDep,
                       timeout: Annotated[float, Query(ge=0, le=300)] = 10.0) -> dict:
    """The first matching call (after id ``after``), as soon as it arrives, or a timeout."""
    entry = await mock.journal.wait(flt, timeout)
    return {"matched": entry is not None, "entry": entry.to_dict() if entry else None}


class JournalConfig(BaseModel):
    record_bodies: bool | None = None
    size: int | None = Field(None, ge=1, le=1_000_000)


@guarded.put("/journal/config")
async def journal_config(body: JournalConfig, mock: MockDep) -> dict:
    journal = mock.journal
    if body.record_bodies is not None:
        journal.record_bodies = body.record_bodies
    if body.size is not None:
        journal.size = body.size
    await _apply(mock, mock.shared.publish_controls)
    return {"record_bodies": journal.record_bodies, "size": journal.size}


@guarded.delete("/journal")
async def clear_journal(mock: MockDep) -> dict:
    await _apply(mock, mock.journal.clear)
    return {}


# --- export -------------------------------------------------------------------------------

@guarded.get("/export")
async def export_state(request: Request, mock: MockDep,
                       bundle: bool = False, files_dir: Annotated[str, Query(
                           pattern=r"^[A-Za-z0-9._-]{1,100}$")] = "files"):  # noqa: ANN201
    """The current state as a scenario YAML (``bundle``: JSON with the YAML and the bytes
    of binary files, which the YAML names as ``source`` files under ``files_dir``)."""
    from starlette.responses import JSONResponse

    from mockcml.control import export

    result = await mock.db.run(export.export, mock, request.app, files_dir)
    # Writing YAML touches no database, but a big state takes a while: off the event loop.
    text, files = await asyncio.to_thread(export.render, result, timestamp(mock.clock.now()),
                                          bundle)
    if files is None:
        return Response(text, media_type="application/yaml")
    return JSONResponse({"scenario": text, "files": files, "skipped": result.skipped})


# --- dashboard --------------------------------------------------------------------------------
# The page and its files are read-only, like the other GETs here; every button on it calls
# the guarded controls above with the token typed into the page.

@router.get("/ui", include_in_schema=False)
async def dashboard() -> Response:
    return await dashboard_asset("index.html")


@router.get("/ui/{name}", include_in_schema=False)
async def dashboard_asset(name: str) -> Response:
    from mockcml.control import ui

    found = ui.asset(name)
    if found is None:
        raise NotFound(f"no dashboard file {name!r}")
    # no-store: a page left open picks up a new mockcml's files on reload.
    return Response(found[0], media_type=found[1], headers={"cache-control": "no-store"})


@router.get("/timeline")
async def timeline(mock: MockDep) -> dict:
    """Job runs, applications, builds and deployments through their phases, up to now."""
    from mockcml.control.ui.timeline import timeline as read

    return await mock.db.run(read, mock)
# --- unknown body fields -------------------------------------------------------------------

@router.get("/unknown-fields")
async def unknown_fields(mock: MockDep, operation_id: str | None = None,
                         caller: str | None = None) -> dict:
    """Body fields that clients sent and the contract does not define (dropped, as the real
    API drops them; a 400 with --strict), oldest first: operation, field path, caller."""
    return {"unknown_fields": await _apply(mock, mock.unknown_fields.find, operation_id, caller),
            "strict": mock.settings.strict}


@guarded.delete("/unknown-fields")
async def clear_unknown_fields(mock: MockDep) -> dict:
    await _apply(mock, mock.unknown_fields.clear)
    return {}


# --- response style -------------------------------------------------------------------------

def _style_out(mock: Mock) -> dict:
    style = mock.response_style
    return {"style": style.current, "default": style.default}


@router.get("/response-style")
async def get_response_style(mock: MockDep) -> dict:
    """How API answers are written: full (every field) or sparse (zero values left out,
    errors as {code, message}); see core/render.py."""
    return _style_out(mock)


class StyleIn(BaseModel):
    style: Literal["full", "sparse"]


@guarded.put("/response-style")
async def set_response_style(body: StyleIn, mock: MockDep) -> dict:
    """Applies to every answer from now on; /_mock/reset goes back to the configured one."""
    mock.response_style.set(body.style)
    await _apply(mock, mock.shared.publish_controls)
    return _style_out(mock)
