"""Bearer API keys: ``authorization: Bearer <key>`` on every non-public /api/v2 route.

A key works as soon as it is created and stops working as soon as it is deleted, its user
changes or it expires by the mock clock. Looking a key up (one indexed join) costs more than
the rest of a small read, so a process remembers the keys it has seen (``KeyCache``) with the
token of ``auth_state`` read before the lookup. Triggers replace that token on every write
to users or keys, from any connection or process (core/db.py), so each request reads the
token (one one-row query) and uses a remembered key only while the token is unchanged:
valid with SQLite (memory or file, however many processes share it) and with PostgreSQL
and several workers alike. Expiry and audiences are checked on every request.

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
from mockcml.kit.sql import fetch_one, fetch_value
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


@dataclass(frozen=True)
class _Known:
    """A key as looked up, with what every request checks again."""

    token: int  # auth_state's token read before the lookup
    user: Caller
    key: CallerKey
    audiences: tuple[str, ...]
    expires: float | None  # epoch seconds (-inf when unreadable); None: never


class KeyCache:
    """The keys one process has seen, by authorization header (see the module's text)."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self.known: dict[str, _Known] = {}

    def clear(self) -> None:
        self.known.clear()

    def remember(self, header: str, known: _Known) -> None:
        if len(self.known) >= self.size:
            self.known.clear()  # a crowd of keys: start again rather than track ages
        self.known[header] = known


def _lookup(session: Session | UnitOfWork, header: str | None, token: int | None) -> _Known:
    row = fetch_one(session, _LOOKUP, digest=digest(bearer_token(header)))
    if row is None:
        raise Unauthenticated("invalid API key")
    expires = None
    if row.expiry_date:
        try:
            expires = parse_timestamp(row.expiry_date)
        except InvalidArgument:
            expires = float("-inf")  # an unreadable expiry never authenticates
    # A key stored without audiences is an API key (the column's default).
    audiences = tuple(a for a in (row.audiences or "").split(",") if a)
    user = Caller(row.id, row.username, row.name, row.email, bool(row.is_admin))
    return _Known(token if token is not None else 0, user,
                  CallerKey(row.key_id, row.audiences, row.expiry_date), audiences, expires)


def authenticate(session: Session | UnitOfWork, header: str | None, now: float,
                 operation_id: str | None = None,
                 cache: KeyCache | None = None,
                 token: int | None = None) -> tuple[Caller, CallerKey]:
    """The caller and key of ``header``; with ``operation_id``, also whether the key's
    audiences allow that operation (403, code 7, when they do not). With ``cache``, a key
    seen before is not looked up again while users and keys are unchanged. ``token``:
    auth_state's token as read since the request arrived, if the caller has it."""
    known = None
    if cache is not None and header is not None:
        # Read before the lookup: a write between the two leaves the entry under the old
        # token, which no later request will find current.
        if token is None:
            token = fetch_value(session, "SELECT token FROM auth_state WHERE id = 1")
        known = cache.known.get(header)
        if known is not None and (token is None or known.token != token):
            known = None
    if known is None:
        known = _lookup(session, header, token)
        if cache is not None and header is not None and token is not None:
            cache.remember(header, known)
    if known.expires is not None and known.expires <= now:
        raise Unauthenticated("API key has expired")
    audiences = known.audiences
    if operation_id is not None and operation_id not in ANY_AUDIENCE and audiences \
            and "API" not in audiences:
        raise PermissionDenied(
            f"this API key is for the {', '.join(audiences)} audience, not API")
    return known.user, known.key
