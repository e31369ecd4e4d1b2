"""Rules for users and API keys, free of HTTP."""

from __future__ import annotations

import secrets

from sqlmodel import Session, select

from mockcml.core.auth import CallerKey
from mockcml.resources.users.tables import ApiKey, User, key_row, user_row

AUDIENCES = ("API", "Application")


def new_key_secret() -> str:
    # Shaped like a workspace's v2 keys: two hex blocks joined by a dot.
    return f"{secrets.token_hex(32)}.{secrets.token_hex(32)}"


def get_user(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()


def create_user(
    session: Session, username: str, *, name: str = "", email: str = "", is_admin: bool = False,
    now: float = 0.0,
) -> User:
    user = User(**user_row(username, name, email, is_admin, now))
    session.add(user)
    session.flush()
    return user


def add_key(
    session: Session, user: User, secret: str, *, key_id: str | None = None,
    audiences: tuple[str, ...] = ("API",), comments: str = "", expiry_date: str = "",
    now: float = 0.0,
) -> ApiKey:
    key = ApiKey(**key_row(key_id or secrets.token_hex(16), user.id, secret, audiences,
                           comments, expiry_date, now))
    session.add(key)
    session.flush()
    return key


def ensure_default_admin(session: Session, username: str, secret: str, now: float) -> User:
    """The zero-config user: exists whenever no fixture has defined any user."""
    if session.exec(select(User.id).limit(1)).first() is not None:
        return get_user(session, username) or session.exec(select(User)).one()
    user = create_user(session, username, name="Admin", is_admin=True, now=now)
    add_key(session, user, secret, key_id="admin-default", now=now)
    return user


def key_audiences(key: ApiKey | CallerKey) -> list[str]:
    return [a for a in key.audiences.split(",") if a]


def get_user_by_id(session: Session, user_id: str) -> User | None:
    """A user by the decimal id of the users table; None for anything else.

    The bound keeps a huge number from overflowing the database's 64-bit integer.
    """
    if not user_id.isascii() or not user_id.isdigit() or len(user_id) > 18:
        return None
    return session.get(User, int(user_id))
