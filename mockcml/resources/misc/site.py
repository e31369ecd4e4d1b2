"""Site settings an administrator changes through the API, and legacy (v1) keys.

DisableEngines turns the legacy engines off for the workspace. [inferred] Disabling them
moves every project whose default engine type is ``legacy_engine`` to ``ml_runtime``;
``rows_affected`` counts those projects and ``check`` repeats the setting now in force.
RotateV1Key replaces a user's one legacy API key; the key authenticates API v1 only, which
the mock does not serve, so it never opens /api/v2.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from mockcml.core.auth import digest
from mockcml.core.errors import InvalidArgument
from mockcml.resources.misc.tables import SiteSetting, V1Key
from mockcml.resources.projects.tables import Project
from mockcml.resources.users.keys import key_owner, parse_expiry
from mockcml.resources.users.service import new_key_secret

DISABLE_ENGINES = "disable_engines"


def setting_row(body: dict[str, Any]) -> dict[str, Any]:
    """The disable_engines setting's row, for the operation and fixtures."""
    return {"key": DISABLE_ENGINES, "value": "true" if body.get("disable_engines") else "false"}


def to_runtimes(session: Session, now: float) -> int:
    """Disabling engines moves the projects on the legacy engine to ML runtimes."""
    return session.execute(
        update(Project).where(col(Project.default_engine_type) == "legacy_engine")
        .values(default_engine_type="ml_runtime", updated_at=now)).rowcount or 0  # type: ignore[attr-defined]  # a CursorResult


def disable_engines(session: Session, body: dict[str, Any], now: float) -> dict[str, Any]:
    row = setting_row(body)
    disabled = row["value"] == "true"
    setting = session.get(SiteSetting, DISABLE_ENGINES)
    if setting is None:
        session.add(SiteSetting(**row))
    else:
        setting.value = row["value"]
    return {"rows_affected": to_runtimes(session, now) if disabled else 0, "check": disabled}


def rotate_v1_key(session: Session, caller: Any, username: str, body: dict[str, Any],
                  now: float) -> dict[str, Any]:
    owner = key_owner(session, caller, username)
    if body.get("username") and body["username"] != username:
        raise InvalidArgument("username in the body differs from the one in the path")
    expiry = parse_expiry(body.get("api_key_expiry_date"), now)
    comments = body.get("api_key_comments") or ""
    secret = new_key_secret()
    hashed = digest(secret)
    key = session.get(V1Key, owner.id)
    if key is None:
        session.add(V1Key(user_id=owner.id, key_hash=hashed, expiry_date=expiry,
                          comments=comments, created_at=now))
    else:
        key.key_hash, key.expiry_date, key.comments, key.created_at = (
            hashed, expiry, comments, now)
    return {"api_key": secret, "api_key_hash": hashed, "api_key_expiry_date": expiry,
            "api_key_comments": comments}
