from __future__ import annotations

from sqlmodel import Field, SQLModel


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
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
