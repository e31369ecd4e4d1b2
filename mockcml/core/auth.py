"""Bearer API keys: ``authorization: Bearer <key>`` on every non-public /api/v2 route."""

from __future__ import annotations

import hashlib

from sqlmodel import Session, select

from mockcml.core.errors import Unauthenticated
from mockcml.kit.wire import parse_timestamp
from mockcml.resources.users.tables import ApiKey, User


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def bearer_token(header: str | None) -> str:
    if not header:
        raise Unauthenticated("missing authorization header")
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("malformed authorization header, expected 'Bearer <API key>'")
    return token


def authenticate(session: Session, header: str | None, now: float) -> tuple[User, ApiKey]:
    token = bearer_token(header)
    row = session.exec(
        select(User, ApiKey).join(ApiKey, ApiKey.user_id == User.id)  # type: ignore[arg-type]
        .where(ApiKey.key_hash == digest(token))
    ).first()
    if row is None:
        raise Unauthenticated("invalid API key")
    user, key = row
    if key.expiry_date and parse_timestamp(key.expiry_date) <= now:
        raise Unauthenticated("API key has expired")
    return user, key
