"""Bearer API keys: ``authorization: Bearer <key>`` on every non-public /api/v2 route.

Every request looks its key up in the database (one indexed query, no ORM), so a key
created through the API works at once and a deleted one stops working at once.

A key is good for the audiences it was created with (``API``, ``Application``). Only a key
with the ``API`` audience may call the API; a key for applications alone may still ask
ValidateAPIKey about itself, which is how an application checks a key it was handed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlmodel import Session

from mockcml.core.db import UnitOfWork
from mockcml.core.errors import InvalidArgument, PermissionDenied, Unauthenticated
from mockcml.kit.sql import fetch_one
from mockcml.kit.wire import parse_timestamp


@dataclass(frozen=True)
class Caller:
    """The authenticated user, read-only (attribute-compatible with the users table)."""

    id: int
    username: str
    name: str
    email: str
    is_admin: bool


@dataclass(frozen=True)
class CallerKey:
    key_id: str
    audiences: str
    expiry_date: str


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


_LOOKUP = """
    SELECT u.id, u.username, u.name, u.email, u.is_admin,
           k.key_id, k.audiences, k.expiry_date
    FROM api_keys k JOIN users u ON u.id = k.user_id
    WHERE k.key_hash = :digest
"""


# Operations a key of any audience may call: they answer about the key itself.
ANY_AUDIENCE = frozenset({"ValidateAPIKey"})


def _expired(expiry_date: str, now: float) -> bool:
    try:
        return parse_timestamp(expiry_date) <= now
    except InvalidArgument:
        return True  # an unreadable expiry never authenticates


def authenticate(session: Session | UnitOfWork, header: str | None, now: float,
                 operation_id: str | None = None) -> tuple[Caller, CallerKey]:
    """The caller and key of ``header``; with ``operation_id``, also whether the key's
    audiences allow that operation (403, code 7, when they do not)."""
    row = fetch_one(session, _LOOKUP, digest=digest(bearer_token(header)))
    if row is None:
        raise Unauthenticated("invalid API key")
    if row.expiry_date and _expired(row.expiry_date, now):
        raise Unauthenticated("API key has expired")
    audiences = [a for a in (row.audiences or "").split(",") if a]
    # A key stored without audiences is an API key (the column's default).
    if operation_id is not None and operation_id not in ANY_AUDIENCE and audiences \
            and "API" not in audiences:
        raise PermissionDenied(
            f"this API key is for the {', '.join(audiences)} audience, not API")
    user = Caller(row.id, row.username, row.name, row.email, bool(row.is_admin))
    return user, CallerKey(row.key_id, row.audiences, row.expiry_date)
