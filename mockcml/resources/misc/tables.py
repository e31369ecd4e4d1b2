"""State of the small operations: add-on changes, site settings, v1 keys, machine users,
ML serving apps."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class RuntimeAddon(SQLModel, table=True):
    """An add-on uploaded to the workspace, or a catalogue add-on whose status changed.

    A row with the id of a catalogue entry (misc/addons.py) replaces that entry.
    """

    __tablename__ = "runtime_addons"

    id: int = Field(primary_key=True)
    identifier: str = Field(unique=True)
    component: str = ""
    display_name: str = ""
    status: str = "AVAILABLE"
    manageable: bool = True
    created_at: float = 0.0
    reason: str = ""


class SiteSetting(SQLModel, table=True):
    __tablename__ = "site_settings"

    key: str = Field(primary_key=True)
    value: str = ""


class V1Key(SQLModel, table=True):
    """A user's legacy (API v1) key: one per user, replaced by RotateV1Key."""

    __tablename__ = "v1_keys"

    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    key_hash: str = ""  # sha256 of the key; the key itself is shown once
    expiry_date: str = ""
    comments: str = ""
    created_at: float = 0.0


class MachineUser(SQLModel, table=True):
    """Users that are machine users: a project's run-as machine users are those among its
    collaborators."""

    __tablename__ = "machine_users"

    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")


class MlServingApp(SQLModel, table=True):
    """A Cloudera AI Inference service app of the environment (seeded, not created here)."""

    __tablename__ = "ml_serving_apps"

    app_crn: str = Field(primary_key=True)
    app_name: str = ""
    environment_crn: str = ""
    environment_name: str = ""
    namespace: str = ""
    owner_email: str = ""
    ml_serving_version: str = ""
    is_private_cluster: bool = False
    creation_date: float = 0.0
    cluster_domain: str = ""
    status: str = ""
    use_public_load_balancer: bool = False
    https_enabled: bool = True
    cloud_platform: str = ""
