"""API v2 keys: whose keys a caller may manage, and creating, listing and deleting them.

Keys are looked up in the database on every request (``mockcml.core.auth``), so a new key
authenticates at once and a deleted one stops working at once. Only a sha256 digest of a
key is stored: the secret is shown once, in the CreateV2Key answer.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlmodel import Session, col

from mockcml.core.actors import Actor
from mockcml.core.errors import InvalidArgument, NotFound, PermissionDenied
from mockcml.kit.wire import parse_timestamp, timestamp
from mockcml.resources.users.service import AUDIENCES, add_key, get_user, new_key_secret
from mockcml.resources.users.tables import ApiKey, User

DEFAULT_AUDIENCES = ("API",)


def key_owner(session: Session, caller: Actor, username: str) -> User:
    """The user whose keys ``caller`` addresses: themself, or anyone for a site admin.

    An unknown username is NOT_FOUND for every caller; someone else's keys are
    PERMISSION_DENIED to a user who is not a site admin.
    """
    owner = get_user(session, username)
    if owner is None:
        raise NotFound(f"user {username!r} not found")
    if owner.id != caller.id and not caller.is_admin:
        raise PermissionDenied(
            f"user {caller.username!r} may not manage the API keys of {username!r}"
        )
    return owner


def parse_audiences(values: list[str] | None) -> tuple[str, ...]:
    """Validated audiences in the order sent, without repeats; ["API"] when none are sent."""
    if not values:
        return DEFAULT_AUDIENCES
    for value in values:
        if value not in AUDIENCES:
            raise InvalidArgument(
                f"audiences: unknown audience {value!r}, expected one of {list(AUDIENCES)}"
            )
    return tuple(dict.fromkeys(values))


def parse_expiry(value: str | None, now: float) -> str:
    """An expiry date as stored and answered: canonical RFC 3339 in UTC, or "" for none.

    The reference types ``expiry_date`` as a plain string ("expiry_date - optional").
    [inferred] It takes an RFC 3339 timestamp; a bare date (2030-01-31) is accepted as
    midnight UTC of that day, and a time without an offset is read as UTC. A key that
    would already have expired is refused rather than created dead.
    """
    if value is None or value.strip() == "":
        return ""
    expires = parse_timestamp(value.strip(), "expiry_date")
    if expires <= now:
        raise InvalidArgument("expiry_date must be in the future")
    return timestamp(expires) or ""


def create_key(
    session: Session, owner: User, body: dict[str, Any], now: float
) -> tuple[ApiKey, str]:
    """A new key for ``owner`` and its secret (which is not stored)."""
    audiences = parse_audiences(body.get("audiences"))
    expiry = parse_expiry(body.get("expiry_date"), now)
    secret = new_key_secret()
    key = add_key(session, owner, secret, audiences=audiences,
                  comments=body.get("comments") or "", expiry_date=expiry, now=now)
    return key, secret


def list_keys(session: Session, owner: User) -> list[ApiKey]:
    """Every stored key of ``owner`` (expired ones too: they are still in the database)."""
    query = (
        select(ApiKey).where(col(ApiKey.user_id) == owner.id)
        .order_by(col(ApiKey.created_at), col(ApiKey.key_id))
    )
    return list(session.execute(query).scalars())


def delete_key(session: Session, owner: User, key_id: str) -> None:
    """Delete one key; deleting the key that authenticated this very request is allowed."""
    key = session.get(ApiKey, key_id)
    if key is None or key.user_id != owner.id:
        raise NotFound(f"API key {key_id!r} of user {owner.username!r} not found")
    session.delete(key)


def delete_keys(session: Session, owner: User) -> None:
    """Delete every key of ``owner``; with none left, that user cannot call the API."""
    session.execute(delete(ApiKey).where(col(ApiKey.user_id) == owner.id))
