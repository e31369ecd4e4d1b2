"""Experiments, and how a new one's row is made (``experiment_row``): CreateExperiment
and fixture files share it."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from mockcml.resources.experiments.validation import tag_list

# Where an experiment's artifacts go when the request names no location.
DEFAULT_ARTIFACT_ROOT = "/home/cdsw/.experiments"


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


def experiment_row(experiment_id: str, project_id: str, user_id: int, name: str,
                   fields: dict[str, Any], tags: list[tuple[str, str]],
                   created: float) -> dict[str, Any]:
    """A new experiment's columns; ``tags`` as checked (key, value) pairs."""
    return {
        "id": experiment_id, "project_id": project_id, "name": name, "user_id": user_id,
        "artifact_location": (fields.get("artifact_location")
                              or f"{DEFAULT_ARTIFACT_ROOT}/{experiment_id}"),
        "lifecycle_stage": fields.get("lifecycle_stage") or "active",
        "engine_id": fields.get("engine_id") or "", "tags": encode_tags(tags),
        "created_at": created, "updated_at": created,
    }


def encode_tags(pairs: list[tuple[str, str]]) -> str:
    return json.dumps(tag_list(pairs), separators=(",", ":"))
