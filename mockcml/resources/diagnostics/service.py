"""Diagnostic bundle lifecycle and contents.

    GenerateDiagBundle --> DIAG_NOT_STARTED --> DIAG_IN_PROGRESS --> DIAG_COMPLETED

Each phase lasts a few mock seconds times the server's time scale (0: complete at once).
[inferred] The reference gives the DiagStatus values only; the order is the reference's
guess and DIAG_FAILED is never reached. The status answer carries no request id, so the
id travels in a ``Grpc-Metadata-Request-Id`` response header (how grpc-gateway forwards
server metadata), and ``latest`` names the caller's newest bundle.

The window is ``start_time``..``end_time`` (RFC 3339; by default the last 24 hours).
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from mockcml.core.errors import FailedPrecondition, InvalidArgument, NotFound
from mockcml.kit.ids import new_id
from mockcml.kit.wire import parse_timestamp, phase_at, timestamp
from mockcml.resources.diagnostics.tables import DiagBundle
from mockcml.resources.workloads import source

NOT_STARTED, IN_PROGRESS = "DIAG_NOT_STARTED", "DIAG_IN_PROGRESS"
COMPLETED, FAILED = "DIAG_COMPLETED", "DIAG_FAILED"
QUEUED_SECONDS = 1.0
COLLECT_SECONDS = 5.0
DEFAULT_WINDOW = 86400.0
LATEST = "latest"


def status_of(bundle: DiagBundle, now: float) -> str:
    return phase_at(now, NOT_STARTED, (bundle.started_at, IN_PROGRESS),
                    (bundle.completed_at, COMPLETED))


def wire(bundle: DiagBundle, now: float) -> dict[str, Any]:
    return {"status": status_of(bundle, now), "start_time": bundle.start_time,
            "end_time": bundle.end_time}


def _moment(body: dict[str, Any], name: str, default: float) -> float:
    text = (body.get(name) or "").strip()
    return parse_timestamp(text, name) if text else default


def generate(session: Session, user: Any, body: dict[str, Any], now: float,
             scale: float) -> DiagBundle:
    end = _moment(body, "end_time", now)
    start = _moment(body, "start_time", end - DEFAULT_WINDOW)
    if start >= end:
        raise InvalidArgument("start_time must be before end_time")
    if start > now:
        raise InvalidArgument("start_time must not be in the future")
    started = now + QUEUED_SECONDS * scale
    bundle = DiagBundle(id=new_id(), requested_by=user.id, start_time=timestamp(start),
                        end_time=timestamp(end), created_at=now, started_at=started,
                        completed_at=started + COLLECT_SECONDS * scale)
    session.add(bundle)
    return bundle


def get_bundle(session: Session, request_id: str) -> DiagBundle:
    if request_id == LATEST:
        bundle = session.execute(select(DiagBundle).order_by(
            col(DiagBundle.created_at).desc(), col(DiagBundle.id).desc()).limit(1)).scalar()
    else:
        bundle = session.get(DiagBundle, request_id)
    if bundle is None:
        raise NotFound(f"diagnostic bundle {request_id!r} not found")
    return bundle


def archive_bytes(session: Session, bundle: DiagBundle, now: float) -> bytes:
    """A small zip: what was asked for, and the workloads of the window."""
    if status_of(bundle, now) != COMPLETED:
        raise FailedPrecondition(
            f"diagnostic bundle {bundle.id!r} is {status_of(bundle, now)}; "
            "download it once it is DIAG_COMPLETED")
    start = parse_timestamp(bundle.start_time)
    end = parse_timestamp(bundle.end_time)
    w = source.executions(now)
    rows = session.execute(
        select(w.c.workload_type, w.c.status, func.count()).where(
            w.c.started_at < end, func.coalesce(w.c.ended_at, now) > start)
        .group_by(w.c.workload_type, w.c.status)
        .order_by(w.c.workload_type, w.c.status)).all()
    manifest = {"request_id": bundle.id, "start_time": bundle.start_time,
                "end_time": bundle.end_time, "generated_at": timestamp(bundle.completed_at)}
    workloads = [{"workload_type": t, "status": s, "count": n} for t, s, n in rows]
    stamp = datetime.fromtimestamp(max(bundle.completed_at, 315532800), UTC).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (("manifest.json", manifest), ("workloads.json", workloads)):
            archive.writestr(zipfile.ZipInfo(name, date_time=stamp),
                             json.dumps(data, indent=2) + "\n")
    return out.getvalue()
