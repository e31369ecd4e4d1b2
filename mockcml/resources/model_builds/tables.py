from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field

from mockcml.resources.projects.tables import InProject


class ModelBuild(InProject, table=True):
    __tablename__ = "model_builds"
    # Serves ListModelBuilds' default order page after page.
    __table_args__ = (Index("ix_model_builds_model_created", "model_id", "created_at", "id"),)

    model_id: str = Field(foreign_key="models.id", index=True, ondelete="CASCADE")
    creator_id: int = Field(foreign_key="users.id")
    crn: str = ""
    comment: str = ""
    file_path: str = ""
    function_name: str = ""
    engine_image: str = ""
    kernel: str = ""
    runtime_identifier: str = ""
    runtime_addon_identifiers: str = "[]"  # JSON list
    registered_model_version_id: str = ""
    model_root_dir: str = ""
    build_script_path: str = ""
    accelerator_label_id: int = 0
    resource_group_id: int = 0
    resource_profile_id: int = 0
    # Lifecycle facts (epoch seconds in mock time); the status is derived from them.
    created_at: float = 0.0
    queued_at: float = 0.0
    pushing_at: float | None = None
    finished_at: float = 0.0
    final_status: str = "built"
