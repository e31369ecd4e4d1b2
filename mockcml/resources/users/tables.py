"""Users and their API keys, and how a new row of each is made (``user_row``,
``key_row``): the API, the built-in admin and fixture files all go through these."""

from __future__ import annotations

from typing import Any

from sqlmodel import Field, SQLModel

from mockcml.core.auth import digest


class User(SQLModel, table=True):
    __tablename__ = "users"

    # Set by the database on insert; typed as always there, which it is for every row read.
    id: int = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True)
    name: str = ""
    email: str = ""
    is_admin: bool = False
    created_at: float = 0.0


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_keys"

    key_id: str = Field(primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    # Only a digest is stored: a key is shown once, when it is created.
    key_hash: str = Field(unique=True, index=True)
    audiences: str = "API"  # comma-separated: API, Application
    comments: str = ""
    created_at: float = 0.0
    expiry_date: str = ""


def user_row(username: str, name: str | None, email: str | None, is_admin: bool,
             created: float) -> dict[str, Any]:
    """A user's columns (id aside): the display name defaults to the username, the e-mail
    to ``<username>@example.com``."""
    return {"username": username, "name": name or username,
            "email": email or f"{username}@example.com", "is_admin": is_admin,
            "created_at": created}


def key_row(key_id: str, user_id: int, secret: str, audiences: Any, comments: str | None,
            expiry_date: str, created: float) -> dict[str, Any]:
    """An API key's columns: only the secret's digest is kept; audiences default to API
    and are stored once each, comma-separated."""
    return {"key_id": key_id, "user_id": user_id,
            "key_hash": digest(secret),
            "audiences": ",".join(dict.fromkeys(audiences or ["API"])),
            "comments": comments or "", "created_at": created, "expiry_date": expiry_date}
