from __future__ import annotations

from sqlmodel import Field, SQLModel


class DockerCredential(SQLModel, table=True):
    __tablename__ = "docker_credentials"

    id: str = Field(primary_key=True)
    name: str = Field(unique=True)
    server: str = ""
    username: str = ""
    # Kept to pull images with; never returned by any read (DockerCredentialPublic).
    password: str = ""
    is_default: bool = False
    created_at: float = 0.0
    updated_at: float = 0.0


class RuntimeCredential(SQLModel, table=True):
    """Which credential pulls which runtime image (SetDockerCredential)."""

    __tablename__ = "runtime_docker_credentials"

    runtime_identifier: str = Field(
        foreign_key="runtimes.image_identifier", primary_key=True, ondelete="CASCADE")
    # Deleting a credential unpairs the runtimes that used it.
    docker_credential_id: str = Field(
        foreign_key="docker_credentials.id", index=True, ondelete="CASCADE")
