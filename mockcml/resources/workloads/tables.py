from __future__ import annotations

from sqlmodel import Field, SQLModel


class ArchivedWorkload(SQLModel, table=True):
    """A finished workload DashboardsArchive took out of the usage and execution views."""

    __tablename__ = "archived_workloads"

    uid: str = Field(primary_key=True)  # <workload type>:<execution id>
    archived_at: float = 0.0
