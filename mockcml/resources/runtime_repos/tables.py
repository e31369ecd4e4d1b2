from __future__ import annotations

from sqlmodel import Field, SQLModel


class RuntimeRepo(SQLModel, table=True):
    __tablename__ = "runtime_repos"

    id: int = Field(default=None, primary_key=True)  # set on insert; int32 on the wire
    name: str = Field(unique=True)
    url: str = Field(unique=True)
    created_at: float = 0.0
