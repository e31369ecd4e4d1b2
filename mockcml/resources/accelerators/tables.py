from __future__ import annotations

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class NodeLabel(SQLModel, table=True):
    """One AcceleratorNodeLabel: a label (key=value) that GPU nodes carry, and its limits."""

    __tablename__ = "accelerator_node_labels"
    # A resource group has at most one GPU profile of each size.
    __table_args__ = (UniqueConstraint("resource_group_id", "profile_gpu_count"),)

    id: int = Field(default=None, primary_key=True)  # set on insert
    label_key: str = Field(default="", index=True)
    label_value: str = ""
    availability: bool = True
    max_gpu_count: int = 0
    max_gpu_per_workload: int = 0
    default_quota: int = 0
    resource_group_id: int = Field(default=0, index=True)
    cpu: float = 0.0
    memory: float = 0.0
    gpu_memory: float = 0.0
    # The gpu_count of a GPU profile (CreateAcceleratorNodeLabelGpuProfile); NULL for a
    # label that is not a profile, so any number of those may share a resource group.
    profile_gpu_count: int | None = None
    created_at: float = 0.0
    updated_at: float = 0.0
