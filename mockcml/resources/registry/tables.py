from __future__ import annotations

import json
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


def version_row(version_id: str, model_id: str, number: int, fields: dict[str, Any],
                tags: list[tuple[str, str]], user_id: int, created: float,
                registered_at: float) -> dict[str, Any]:
    """A new model version's columns, for CreateRegisteredModel and fixtures alike: the
    source (project, experiment, run, model path) as given, tags kept in the order sent."""
    return {
        "id": version_id, "model_id": model_id, "number": number,
        # [inferred] The version name format is not documented.
        "version_name": fields.get("version_name") or f"v{number}",
        "notes": fields.get("notes") or "",
        "tags": json.dumps([{"key": k, "value": v} for k, v in tags], separators=(",", ":")),
        "user_id": user_id, "project_id": fields.get("project_id") or "",
        "experiment_id": fields.get("experiment_id") or "", "run_id": fields.get("run_id") or "",
        "model_path": fields.get("model_path") or "model",
        "workspace_url": fields.get("workspace_url") or "",
        "created_at": created, "updated_at": created, "registered_at": registered_at,
    }


class RegisteredModel(SQLModel, table=True):
    __tablename__ = "registered_models"

    id: str = Field(primary_key=True)
    # Registering under a name that exists adds a version, so names are unique.
    name: str = Field(unique=True, index=True)
    description: str = ""
    visibility: str = "PRIVATE"  # PRIVATE or PUBLIC
    creator_id: int = Field(foreign_key="users.id")
    owner_id: int = Field(foreign_key="users.id", index=True)
    # Highest version number handed out so far: numbers are never reused after a delete.
    last_number: int = 0
    created_at: float = Field(default=0.0, index=True)
    updated_at: float = 0.0


class RegisteredModelVersion(SQLModel, table=True):
    __tablename__ = "registered_model_versions"
    __table_args__ = (UniqueConstraint("model_id", "number"),)

    id: str = Field(primary_key=True)
    model_id: str = Field(foreign_key="registered_models.id", index=True, ondelete="CASCADE")
    number: int
    version_name: str = ""
    notes: str = ""
    tags: str = "[]"  # JSON list of {"key", "value"}
    user_id: int = Field(foreign_key="users.id")
    # Where the version came from, recorded as given. No foreign keys: a registered
    # version outlives the project, experiment and run it was registered from.
    project_id: str = ""
    experiment_id: str = ""
    run_id: str = ""
    model_path: str = ""
    workspace_url: str = ""
    created_at: float = 0.0
    updated_at: float = 0.0
    # Planned end of the artifact copy; the status is read off it and the clock.
    registered_at: float = 0.0
