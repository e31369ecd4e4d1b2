from __future__ import annotations

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class Experiment(SQLModel, table=True):
    __tablename__ = "experiments"
    __table_args__ = (
        # A name stays taken while its experiment is soft-deleted, as in MLflow.
        UniqueConstraint("project_id", "name"),
        Index("ix_experiments_project_created", "project_id", "created_at", "id"),
    )

    id: str = Field(primary_key=True)
    # Deleting the project removes its experiments, and through them their runs.
    project_id: str = Field(foreign_key="projects.id", ondelete="CASCADE")
    name: str
    artifact_location: str = ""
    lifecycle_stage: str = "active"  # active or deleted
    user_id: int = Field(foreign_key="users.id")
    engine_id: str = ""  # the session a notebook created it from; not on the wire
    tags: str = "[]"  # JSON list of {"key", "value"}, one per key, in key order
    created_at: float = Field(default=0.0, index=True)
    updated_at: float = 0.0
