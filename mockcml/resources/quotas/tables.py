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


# Whose row it is: a user's or a team's, removed with its owner. Listed after the columns
# in the class line so that the key stays the table's first column.
class ByUser(SQLModel):
    user_id: int = Field(primary_key=True, foreign_key="users.id", ondelete="CASCADE")


class ByTeam(SQLModel):
    team_id: int = Field(primary_key=True, foreign_key="teams.id", ondelete="CASCADE")


class OwnQuota(SQLModel):
    """A user's or team's own quota, in place of the default quota. Seeded by fixtures."""

    cpu: str = ""
    memory: str = ""
    nvidia_gpu: str = ""


class AcceleratorQuota(SQLModel):
    """GPUs of one accelerator label a user or team may use, in place of the label's default."""

    accelerator_id: int = Field(primary_key=True, foreign_key="accelerator_node_labels.id",
                                ondelete="CASCADE")
    gpu_quota: str = "0"


class UserQuota(OwnQuota, ByUser, table=True):
    __tablename__ = "user_quotas"


class TeamQuota(OwnQuota, ByTeam, table=True):
    __tablename__ = "team_quotas"


class UserAcceleratorQuota(AcceleratorQuota, ByUser, table=True):
    __tablename__ = "user_accelerator_quotas"


class TeamAcceleratorQuota(AcceleratorQuota, ByTeam, table=True):
    __tablename__ = "team_accelerator_quotas"
