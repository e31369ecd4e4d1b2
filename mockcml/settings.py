"""Every knob of the server, read from ``MOCKCML_*`` environment variables or CLI flags."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MOCKCML_", extra="ignore")

    host: str = Field("127.0.0.1", description="Address to listen on.")
    port: int = Field(8080, ge=1, le=65535, description="Port to listen on.")
    db: str | None = Field(
        None, description="SQLite file that keeps state across restarts, or a PostgreSQL URL "
        "(postgresql://user@host:port/db, psycopg 3); in memory when unset."
    )
    database_url: str | None = Field(
        None, description="A SQLAlchemy URL (sqlite:///FILE or postgresql://...); overrides "
        "--db when set."
    )
    fixtures: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="YAML fixture files or directories (comma-separated in the environment).",
    )
    admin_username: str = Field("admin", description="Username of the built-in admin user.")
    admin_api_key: str = Field(
        "mockcml-admin-key",
        description="API key of the built-in admin user (used when no fixture defines users).",
    )
    time_scale: float = Field(
        1.0,
        ge=0,
        description="Multiplier for simulated durations: 1 real time, 0.01 is 100x faster, "
        "0 finishes every phase at once.",
    )
    scheduling_seconds: float = Field(1.0, ge=0, description="Default ENGINE_SCHEDULING phase.")
    starting_seconds: float = Field(2.0, ge=0, description="Default ENGINE_STARTING phase.")
    running_seconds: float = Field(10.0, ge=0, description="Default ENGINE_RUNNING phase.")
    stopping_seconds: float = Field(1.0, ge=0, description="Default ENGINE_STOPPING phase.")
    # Default phase lengths of the other lifecycles (mock seconds, scaled by time_scale);
    # a script (environment, comment, /_mock/outcomes, fixture) overrides each one.
    app_starting_seconds: float = Field(
        5.0, ge=0, description="Default APPLICATION_STARTING phase of an application start.")
    app_stopping_seconds: float = Field(
        2.0, ge=0, description="Default APPLICATION_STOPPING phase after an application :stop.")
    build_pending_seconds: float = Field(
        1.0, ge=0, description="Default `pending` phase of a model build.")
    build_building_seconds: float = Field(
        8.0, ge=0, description="Default build phase of a model build (status `queued`).")
    build_pushing_seconds: float = Field(
        2.0, ge=0, description="Default `pushing` phase of a model build that succeeds.")
    deployment_pending_seconds: float = Field(
        1.0, ge=0, description="Least `pending` phase of a model deployment (it also waits "
        "for its build).")
    deployment_deploying_seconds: float = Field(
        5.0, ge=0, description="Default `deploying` phase of a model deployment.")
    deployment_stopping_seconds: float = Field(
        1.0, ge=0, description="Default `stopping` phase after a model deployment :stop.")
    register_seconds: float = Field(
        2.0, ge=0, description="Time a new registered model version spends REGISTERING while "
        "its artifacts are copied.")
    default_outcome: str = Field(
        "succeeded", description="Outcome of a run with no script: succeeded, failed or timedout."
    )
    control_token: str | None = Field(
        None, description="Token required by state-changing /_mock controls when set."
    )
    journal_size: int = Field(1000, ge=1, description="How many requests the journal keeps.")
    journal_bodies: bool = Field(
        False, description="Record request and response bodies in the journal."
    )
    shared_state: Literal["auto", "memory", "database"] = Field(
        "auto", description="Where the mock's own state lives (clock, faults, journal, "
        "snapshots, unknown fields, response style): memory (one process, nothing extra per "
        "request) or database (every process on the same PostgreSQL database behaves as one "
        "server; needed by --workers and by several replicas). auto: database on PostgreSQL, "
        "memory otherwise.",
    )
    workers: int = Field(
        1, ge=1, le=64, description="Server processes (`mockcml serve` only); more than one "
        "needs PostgreSQL, where every process shares the state through the database.",
    )
    log_level: str = Field("info", description="uvicorn and mockcml log level.")
    strict: bool = Field(
        False, description="Refuse unknown request body fields with 400 (code 3) instead of "
        "dropping them as the real API does (they are recorded at /_mock/unknown-fields "
        "either way).",
    )
    response_style: Literal["full", "sparse"] = Field(
        "full", description="full: every field, errors as the whole runtimeError envelope; "
        "sparse: zero, empty and null fields left out, errors as {code, message}.",
    )

    # Limits on what slow or stalled clients can hold (core/intake.py, mockcml serve).
    max_body_bytes: int = Field(
        16 * 1024 * 1024, ge=1, description="Largest JSON request body, in bytes (400 above it)."
    )
    max_upload_bytes: int = Field(
        64 * 1024 * 1024, ge=1, description="Largest multipart upload body, in bytes (400 above it)."
    )
    body_timeout: float = Field(
        60.0, gt=0, description="Seconds a client has to send a whole request body once its "
        "headers arrived (408, code 4, and the connection closed after it).",
    )
    max_body_readers: int = Field(
        256, ge=1, description="Requests that may be receiving their bodies at once; more are "
        "refused with 503 (code 14) and Retry-After: 1.",
    )
    max_connections: int = Field(
        2048, ge=1, description="Open connections and requests in flight before uvicorn answers "
        "503 (`mockcml serve` only; uvicorn's --limit-concurrency).",
    )
    keep_alive_timeout: float = Field(
        5.0, gt=0, description="Seconds an idle keep-alive connection stays open "
        "(`mockcml serve` only; uvicorn's --timeout-keep-alive). A client's own idle "
        "expiry must be shorter: a request sent on a connection at the moment the server "
        "closes it fails, as with any HTTP server.",
    )

    @field_validator("fixtures", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("default_outcome")
    @classmethod
    def _outcome(cls, value: str) -> str:
        if value not in ("succeeded", "failed", "timedout"):
            raise ValueError("must be succeeded, failed or timedout")
        return value

    @property
    def url(self) -> str:
        """The SQLAlchemy URL; ``postgresql://`` is spelled with its driver (psycopg 3)."""
        from mockcml.core.db import normalize_url

        if self.database_url:
            return normalize_url(self.database_url)
        if self.db:
            if "://" in self.db:  # --db postgresql://user@host/db
                return normalize_url(self.db)
            return f"sqlite:///{self.db}"
        return "sqlite://"
