from __future__ import annotations

from sqlmodel import Field

from mockcml.resources.projects.tables import NamedInProject


class Job(NamedInProject, table=True):
    __tablename__ = "jobs"

    script: str = ""
    creator_id: int = Field(foreign_key="users.id")
    owner_id: int = Field(foreign_key="users.id")
    cpu: float = 1.0
    memory: float = 1.0
    nvidia_gpu: int = 0
    kernel: str = ""
    runtime_identifier: str = ""
    runtime_addon_identifiers: str = "[]"  # JSON list
    environment: str = "{}"  # JSON object
    arguments: str = ""
    timeout: int = 0  # seconds; int64 on the wire
    kill_on_timeout: bool = False
    schedule: str = ""
    timezone: str = "America/Los_Angeles"
    parent_id: str | None = Field(default=None, index=True)
    paused: bool = False
    engine_image_id: int = 0
    accelerator_label_id: int = 0
    run_as: int = 0
    resource_group_id: int = 0
    resource_profile_id: int = 0
    retry_enabled: bool = False
    max_retry: int = 0
    retry_delay: int = 0  # seconds
    retry_for_script_failure: bool = False
    retry_for_system_failure: bool = False
    retry_for_timedout_runs: bool = False
    retry_for_skipped_runs: bool = False
    recipients: str = "[]"  # JSON list of JobRecipient
    attachments: str = "[]"
    success_recipients: str = ""
    failure_recipients: str = ""
    timeout_recipients: str = ""
    stopped_recipients: str = ""
    # How this job's runs behave, in mock seconds; None means the server's default.
    script_scheduling: float | None = None
    script_starting: float | None = None
    script_running: float | None = None
    script_outcome: str | None = None
    script_message: str = ""
    # Next time the cron schedule fires (epoch seconds), kept by the scheduler.
    next_cron_at: float | None = Field(default=None, index=True)
    created_at: float = Field(default=0.0, index=True)
    updated_at: float = 0.0
