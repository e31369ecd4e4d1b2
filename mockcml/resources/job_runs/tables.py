from __future__ import annotations

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class JobRun(SQLModel, table=True):
    __tablename__ = "job_runs"
    # One run per trigger (a cron tick, a parent run, a retry): side effects that fire
    # twice (two workers, a replay after restart) cannot duplicate runs.
    __table_args__ = (
        UniqueConstraint("job_id", "trigger_key"),
        # Serves the default and -created_at orders of ListJobRuns page after page.
        Index("ix_job_runs_job_created", "job_id", "created_at", "id"),
        # The scheduler reads unsettled runs in finish order, a batch at a time.
        Index("ix_job_runs_unsettled", "settled", "finished_at"),
    )

    id: str = Field(primary_key=True)
    project_id: str = Field(index=True)
    job_id: str = Field(foreign_key="jobs.id", index=True, ondelete="CASCADE")
    creator_id: int = Field(foreign_key="users.id")
    kernel: str = ""
    cpu: float = 1.0
    memory: float = 1.0
    nvidia_gpu: int = 0
    runtime_identifier: str = ""
    resource_group_id: int = 0
    arguments: str = ""
    environment: str = "{}"
    # Lifecycle facts (epoch seconds in mock time); the status is derived from them.
    created_at: float = Field(default=0.0, index=True)
    scheduling_at: float = 0.0
    starting_at: float | None = None
    running_at: float | None = None
    finished_at: float | None = None  # indexed with settled (ix_job_runs_unsettled)
    stop_at: float | None = None
    final_status: str = "ENGINE_SUCCEEDED"
    message: str = ""
    trigger: str = "manual"  # manual, cron, dependent, retry, fixture
    trigger_key: str | None = None
    attempt: int = 0  # 0 for the first try, n for the n-th retry
    # Side effects of the finish (dependents, retries) have been carried out.
    settled: bool = False
    retry_at: float | None = Field(default=None, index=True)
    updated_at: float = 0.0
