from __future__ import annotations

from sqlmodel import Field, SQLModel


class DefaultQuota(SQLModel, table=True):
    """A default quota as set; setting a new one keeps the old, no longer active."""

    __tablename__ = "default_quotas"

    id: int = Field(default=None, primary_key=True)  # set on insert
    owner_type: str = Field(index=True)  # user or team
    requests_cpu: str = ""
    requests_memory: str = ""
    requests_gpu: str = ""
    active: bool = True
    created_at: float = 0.0


class UserQuota(SQLModel, table=True):
    """A user's own quota, in place of the default user quota. Seeded by fixtures."""

    __tablename__ = "user_quotas"

    user_id: int = Field(primary_key=True, foreign_key="users.id", ondelete="CASCADE")
    cpu: str = ""
    memory: str = ""
    nvidia_gpu: str = ""


class TeamQuota(SQLModel, table=True):
    """A team's own quota, in place of the default team quota. Seeded by fixtures."""

    __tablename__ = "team_quotas"

    team_id: int = Field(primary_key=True, foreign_key="teams.id", ondelete="CASCADE")
    cpu: str = ""
    memory: str = ""
    nvidia_gpu: str = ""


class UserAcceleratorQuota(SQLModel, table=True):
    """GPUs of one accelerator label a user may use, in place of the label's default."""

    __tablename__ = "user_accelerator_quotas"

    user_id: int = Field(primary_key=True, foreign_key="users.id", ondelete="CASCADE")
    accelerator_id: int = Field(primary_key=True, foreign_key="accelerator_node_labels.id",
                                ondelete="CASCADE")
    gpu_quota: str = "0"


class TeamAcceleratorQuota(SQLModel, table=True):
    """GPUs of one accelerator label a team may use, in place of the label's default."""

    __tablename__ = "team_accelerator_quotas"

    team_id: int = Field(primary_key=True, foreign_key="teams.id", ondelete="CASCADE")
    accelerator_id: int = Field(primary_key=True, foreign_key="accelerator_node_labels.id",
                                ondelete="CASCADE")
    gpu_quota: str = "0"
