from __future__ import annotations

from sqlmodel import Field, SQLModel


class Project(SQLModel, table=True):
    __tablename__ = "projects"

    id: str = Field(primary_key=True)
    name: str = Field(index=True)
    slug: str = ""
    owner_id: int = Field(foreign_key="users.id", index=True)
    creator_id: int = Field(foreign_key="users.id")
    description: str = ""
    visibility: str = "private"
    default_engine_type: str = "ml_runtime"
    creation_status: str = "success"
    shared_memory_limit: int = 64
    environment: str = "{}"  # JSON object, returned as a JSON-encoded string
    ephemeral_storage_request: int = 0
    ephemeral_storage_limit: int = 0
    template: str = ""
    git_url: str = ""
    created_at: float = Field(default=0.0, index=True)
    updated_at: float = 0.0


class Collaborator(SQLModel, table=True):
    __tablename__ = "collaborators"

    project_id: str = Field(foreign_key="projects.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", primary_key=True, index=True)
    permission: str = "read"
    created_at: float = 0.0
