from __future__ import annotations

from sqlmodel import Field

from mockcml.resources.projects.tables import NamedInProject


class Model(NamedInProject, table=True):
    __tablename__ = "models"

    description: str = ""
    creator_id: int = Field(foreign_key="users.id")
    crn: str = ""
    access_key: str = ""
    auth_enabled: bool = True
    registered_model_id: str = ""
    visibility: str = "private"
    # default_resources and default_replication_policy (int64 on the wire).
    cpu_millicores: int = 1000
    memory_mb: int = 2048
    nvidia_gpus: int = 0
    num_replicas: int = 1
    replication_type: str = "fixed"
    run_as: int = 0
    accelerator_label_id: int = 0
    resource_group_id: int = 0
    resource_profile_id: int = 0
    created_at: float = Field(default=0.0, index=True)
    updated_at: float = 0.0
