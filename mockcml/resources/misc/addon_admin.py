"""Runtime add-on administration: change statuses, load add-ons, upload a custom one.

[inferred] The upload formats are not documented. LoadRuntimeAddonsUpload takes one file,
a JSON document listing add-ons (``{"runtime_addons": [...]}`` or a bare list), each with
``identifier``, ``component`` and ``display_name``; HandleCustomRuntimeUpload takes the
same description of one add-on as ``metadata`` and its content as ``tarball`` (a
gzip-compressed tar, checked by its magic number). Loaded add-ons are AVAILABLE and
manageable at once. Only manageable add-ons change status (the others are not counted).
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import func, or_, select
from sqlmodel import Session

from mockcml.core.errors import AlreadyExists, InvalidArgument
from mockcml.resources.misc import addons
from mockcml.resources.misc.tables import RuntimeAddon

_IDENTIFIER = re.compile(r"^[a-z0-9][a-z0-9._-]{0,127}$")
GZIP = b"\x1f\x8b"


def _settable(status: str | None) -> str:
    if not status or status == "UNKNOWN":
        raise InvalidArgument("status is required and may not be UNKNOWN")
    return status


# Uploaded add-ons are numbered after the catalogue.
FIRST_UPLOAD_ID = max(a.id for a in addons.ADDONS) + 1


def status_reason(status: str) -> str:
    return "" if status == "AVAILABLE" else f"{status.lower()} by a site administrator"


def update_status(session: Session, body: dict[str, Any]) -> int:
    status = _settable(body.get("status"))
    ids, identifiers = body.get("ids") or [], body.get("identifiers") or []
    if not ids and not identifiers:
        return 0
    view = addons.TABLE
    rows = session.execute(select(*view.c).where(
        or_(view.c.id.in_(ids), view.c.identifier.in_(identifiers)),
        view.c.manageable.is_(True))).mappings().all()
    reason = status_reason(status)
    for row in rows:
        stored = session.get(RuntimeAddon, row["id"])
        if stored is None:
            session.add(RuntimeAddon(**{**row, "status": status, "reason": reason}))
        else:
            stored.status, stored.reason = status, reason
    session.flush()
    return len(rows)


def _file(body: dict[str, Any] | None, name: str) -> bytes:
    for field, _filename, data in (body or {}).get("files") or []:
        if field == name:
            return data
    raise InvalidArgument(f"the multipart field {name!r} is required")


def _description(item: Any, where: str) -> dict[str, str]:
    if not isinstance(item, dict):
        raise InvalidArgument(f"{where} must be an object")
    out = {}
    for key in ("identifier", "component", "display_name"):
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            raise InvalidArgument(f"{where}.{key} is required (a string)")
        out[key] = value.strip()
    if not _IDENTIFIER.match(out["identifier"]):
        raise InvalidArgument(f"{where}.identifier {out['identifier']!r} is not a valid "
                              "add-on identifier (lower-case letters, digits, '.', '_', '-')")
    return out


def _json(data: bytes, name: str) -> Any:
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        raise InvalidArgument(f"{name} is not a JSON document") from None


def _add(session: Session, items: list[dict[str, Any]], now: float) -> None:
    seen = set()
    for item in items:
        if item["identifier"] in seen or session.execute(select(addons.TABLE.c.id).where(
                addons.TABLE.c.identifier == item["identifier"])).first() is not None:
            raise AlreadyExists(f"runtime add-on {item['identifier']!r} already exists")
        seen.add(item["identifier"])
    stored = session.execute(select(func.max(RuntimeAddon.id))).scalar() or 0
    next_id = max(stored, FIRST_UPLOAD_ID - 1) + 1
    for offset, item in enumerate(items):
        session.add(RuntimeAddon(id=next_id + offset, created_at=now, **item))
    session.flush()


def load(session: Session, body: dict[str, Any] | None, now: float) -> int:
    document = _json(_file(body, "file"), "file")
    items = document.get("runtime_addons") if isinstance(document, dict) else document
    if not isinstance(items, list) or not items:
        raise InvalidArgument('file must list add-ons: {"runtime_addons": [...]}')
    described = [_description(item, f"runtime_addons[{i}]") for i, item in enumerate(items)]
    _add(session, described, now)
    return len(described)


def custom(session: Session, body: dict[str, Any] | None, now: float) -> None:
    metadata = _description(_json(_file(body, "metadata"), "metadata"), "metadata")
    tarball = _file(body, "tarball")
    if not tarball.startswith(GZIP):
        raise InvalidArgument("tarball must be a gzip-compressed tar archive")
    _add(session, [metadata], now)
