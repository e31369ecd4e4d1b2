from __future__ import annotations

from sqlmodel import Field, SQLModel


class DiagBundle(SQLModel, table=True):
    __tablename__ = "diag_bundles"

    id: str = Field(primary_key=True)  # the request id
    requested_by: int = Field(foreign_key="users.id", ondelete="CASCADE")
    start_time: str = ""  # the window, as sent back (canonical RFC 3339)
    end_time: str = ""
    # Lifecycle facts in mock time; the status is read off them and the clock.
    created_at: float = Field(default=0.0, index=True)
    started_at: float = 0.0
    completed_at: float = 0.0
