from __future__ import annotations

from sqlmodel import Field, SQLModel


class WorkspaceSparkDefault(SQLModel, table=True):
    """The administrator's workspace defaults, one text per pushdown mode."""

    __tablename__ = "workspace_spark_defaults"

    is_pushdown: bool = Field(primary_key=True)
    value: str = ""
    updated_at: float = 0.0
