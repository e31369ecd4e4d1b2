from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field

from mockcml.resources.projects.tables import InProject


class ModelDeployment(InProject, table=True):
    __tablename__ = "model_deployments"
    # Serves ListModelDeployments' default order page after page.
    __table_args__ = (
        Index("ix_model_deployments_build_created", "build_id", "created_at", "id"),
    )

    model_id: str = Field(foreign_key="models.id", index=True, ondelete="CASCADE")
    build_id: str = Field(foreign_key="model_builds.id", index=True, ondelete="CASCADE")
    deployer_id: int = Field(foreign_key="users.id")
    crn: str = ""
    cpu: float = 1.0
    memory: float = 2.0
    nvidia_gpu: int = 0
    replicas: int = 1
    environment: str = "{}"  # JSON object, returned as a JSON-encoded string
    accelerator_label_id: int = 0
    resource_group_id: int = 0
    resource_profile_id: int = 0
    # Lifecycle facts (epoch seconds in mock time); the status is derived from them.
    created_at: float = 0.0
    deploying_at: float | None = None
    finished_at: float | None = None
    final_status: str = "deployed"
    stop_at: float | None = None
    stopped_at: float | None = None
