"""Runtime administration: validate and register custom runtime images, change the status of
runtimes, attach a docker credential (see resources/docker_credentials). Site administrators only.

Validation is what a workspace can check without pulling the image: a well-formed image
reference with a registry host and a tag, read as a Cloudera-style runtime name where it is
one. [inferred] The real server also pulls the image and reads its labels.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from mockcml.core.errors import InvalidArgument
from mockcml.resources.docker_credentials.service import attach
from mockcml.resources.runtimes.service import describe_image, runtime_row
from mockcml.resources.runtimes.tables import Runtime

# registry host (with a dot or a port), path, and a tag
_IMAGE = re.compile(r"^(?P<registry>[a-z0-9.-]+(?::\d+)?)/(?P<path>[a-z0-9._/-]+):(?P<tag>[\w.-]+)$")
_MAINTENANCE = re.compile(r"^(?P<version>.+?)-b(?P<build>\d+)$")


# The PERMISSION_DENIED message of every operation here (declared with the operation).
ADMINS_ONLY = "runtime administration is for site administrators"


def inspect(url: str) -> tuple[bool, str, dict[str, Any]]:
    """(valid, reason, CustomRuntimeImageDetails) for an image reference."""
    match = _IMAGE.match(url or "")
    if match is None:
        return False, "not an image reference of the form registry/repository:tag", {}
    described = describe_image(url)
    tag = match.group("tag")
    maintenance = _MAINTENANCE.match(tag)
    details = {
        "registry": match.group("registry"),
        "editor": described["editor"],
        "kernel": described["kernel"],
        "edition": described["edition"],
        "version": maintenance.group("version") if maintenance else tag,
        "maintenance_version": int(maintenance.group("build")) if maintenance else 0,
        "description": described["description"],
    }
    if not (details["editor"] and details["kernel"] and details["edition"]):
        return False, "the image name does not say its editor, kernel and edition", details
    return True, "", details


def validate(session: Session, url: str) -> dict[str, Any]:
    valid, reason, details = inspect(url)
    if valid and session.get(Runtime, url) is not None:
        valid, reason = False, "this runtime is already registered"
    return {"success": valid, "reason": reason, "reason_data": url if reason else "",
            "details": details}


def register(session: Session, user: Any, url: str) -> dict[str, Any]:
    valid, reason, details = inspect(url)
    out = {"validation_success": valid, "insert_success": False, "reason": reason,
           "reason_data": url if reason else "", "details": details}
    if not valid:
        return out
    if session.get(Runtime, url) is not None:
        out.update(reason="this runtime is already registered", reason_data=url)
        return out
    session.add(Runtime(**runtime_row(url, {}, user.id)))
    out["insert_success"] = True
    return out


def set_status(session: Session, body: dict[str, Any]) -> int:
    status = body.get("status")
    if not status:
        raise InvalidArgument("status is required")
    images = body.get("image_identifier") or []
    # Runtimes have no numeric id in API v2: runtime_id values match nothing.
    if not images:
        return 0
    result = session.execute(
        update(Runtime).where(col(Runtime.image_identifier).in_(images)).values(status=status))
    return result.rowcount or 0  # type: ignore[attr-defined]  # an UPDATE gives a CursorResult


def set_credential(session: Session, body: dict[str, Any]) -> None:
    """Pair a runtime with the docker credential that pulls its image (stored, replaced
    when sent again, dropped when either side is deleted)."""
    attach(session, body)
