from __future__ import annotations

from sqlmodel import Field

from mockcml.resources.projects.tables import NamedInProject


class Application(NamedInProject, table=True):
    __tablename__ = "applications"

    description: str = ""
    script: str = ""
    # Part of the app's URL, so unique across the whole workspace, not just the project.
    subdomain: str = Field(unique=True)
    creator_id: int = Field(foreign_key="users.id")
    kernel: str = ""
    cpu: float = 1.0
    memory: float = 1.0
    nvidia_gpu: int = 0
    bypass_authentication: bool = False
    environment: str = "{}"  # JSON object, returned as a JSON-encoded string
    runtime_identifier: str = ""
    runtime_addon_identifiers: str = "[]"  # JSON list
    run_as: int = 0
    cdv_app: bool = False
    accelerator_label_id: int = 0  # int64 on the wire
    resource_group_id: int = 0
    resource_profile_id: int = 0
    # Lifecycle facts of the current start (epoch seconds in mock time); the status is
    # derived from them and the clock, never stored (see lifecycle.py).
    starting_at: float = 0.0
    running_at: float | None = None
    stop_at: float | None = None
    stopped_at: float | None = None  # when it stopped or failed
    final_status: str | None = None  # APPLICATION_STOPPED or APPLICATION_FAILED
    # STOPPING length of a script queued through /_mock/outcomes for the current start.
    script_stopping: float | None = None
    created_at: float = Field(default=0.0, index=True)
    updated_at: float = 0.0
