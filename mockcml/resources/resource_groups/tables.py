from __future__ import annotations

from sqlmodel import Field, SQLModel


class ResourceGroup(SQLModel, table=True):
    __tablename__ = "resource_groups"

    id: int = Field(primary_key=True)  # int32 on the wire
    name: str = Field(default="", index=True)
    instance_group_name: str = ""
    instance_type: str = ""
    cpu_count: int = 0
    # NULL for a CPU-only group: ListAllResourceGroups filters it with "isnull:true".
    gpu_count: int | None = None
    memory_in_gib: int = 0
    gpumemory_in_gib: int | None = None
    gpu_model: str = ""
    gpu_type: str = ""
    allow_jobs: bool = True
    allow_sessions: bool = True
    allow_models: bool = True
    allow_applications: bool = True
    autoscale_min: int = 0
    autoscale_max: int = 0
    rg_updated_at: float = 0.0
