from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


def artifact_uri(artifact_location: str, run_id: str) -> str:
    """Where a run's artifacts go: below its experiment's location (API and fixtures)."""
    return f"{artifact_location.rstrip('/')}/{run_id}/artifacts"


class ExperimentRun(SQLModel, table=True):
    __tablename__ = "experiment_runs"
    # Serves the default created_at order of ListExperimentRuns page after page.
    __table_args__ = (Index("ix_experiment_runs_exp_created", "experiment_id", "created_at", "id"),)

    id: str = Field(primary_key=True)
    project_id: str = Field(index=True)
    # Runs go with their experiment (and so with its project).
    experiment_id: str = Field(foreign_key="experiments.id", ondelete="CASCADE")
    name: str = ""
    user_id: int = Field(foreign_key="users.id")
    # Set by the client (MLflow's UpdateRun), never advanced by the mock.
    status: str = "EXPERIMENT_RUN_RUNNING"
    start_time: float = 0.0  # epoch seconds in mock time
    end_time: float | None = None
    artifact_uri: str = ""
    inputs: str = "[]"  # JSON list of DatasetInput
    created_at: float = 0.0
    updated_at: float = 0.0


class RunMetric(SQLModel, table=True):
    """Every logged value of every metric: GetExperimentRunMetrics returns the history."""

    __tablename__ = "experiment_run_metrics"
    __table_args__ = (Index("ix_experiment_run_metrics_key", "run_id", "key", "step"),)

    seq: int | None = Field(default=None, primary_key=True)
    run_id: str = Field(foreign_key="experiment_runs.id", ondelete="CASCADE")
    key: str
    value: float
    timestamp: float
    step: int = 0


class LatestMetric(SQLModel, table=True):
    """The value a run shows for a metric: latest timestamp, then the largest value."""

    __tablename__ = "experiment_run_latest_metrics"
    __table_args__ = (Index("ix_experiment_run_latest_metrics_key", "key", "value"),)

    run_id: str = Field(foreign_key="experiment_runs.id", primary_key=True, ondelete="CASCADE")
    key: str = Field(primary_key=True)
    value: float
    timestamp: float
    step: int = 0


class RunParam(SQLModel, table=True):
    __tablename__ = "experiment_run_params"

    run_id: str = Field(foreign_key="experiment_runs.id", primary_key=True, ondelete="CASCADE")
    key: str = Field(primary_key=True)
    value: str = ""


class RunTag(SQLModel, table=True):
    __tablename__ = "experiment_run_tags"

    run_id: str = Field(foreign_key="experiment_runs.id", primary_key=True, ondelete="CASCADE")
    key: str = Field(primary_key=True)
    value: str = ""
