from __future__ import annotations

from typing import Any

from sqlmodel import Field, SQLModel

from mockcml.core.errors import InvalidArgument
from mockcml.kit import jsonfield
from mockcml.kit.ids import slugify

# A new project's shared memory in MB, whether made by CreateProject or by a fixture.
SHARED_MEMORY_MB = 64
# Kernels a job, an application or a model build may name ("": none, as in ML Runtimes).
KERNELS = ("python3", "python2", "r", "scala", "")


def project_row(project_id: str, owner_id: int, creator_id: int, fields: dict[str, Any],
                created: float) -> dict[str, Any]:
    """A new project's columns from CreateProjectRequest fields (or a fixture's): what the
    fields leave out takes the workspace defaults; the slug comes from the name."""
    name = fields.get("name") or ""
    memory = fields.get("shared_memory_limit")
    return {
        "id": project_id, "name": name, "slug": slugify(name), "owner_id": owner_id,
        "creator_id": creator_id, "description": fields.get("description") or "",
        "visibility": fields.get("visibility") or "private",
        "default_engine_type": fields.get("default_project_engine_type") or "ml_runtime",
        "shared_memory_limit": SHARED_MEMORY_MB if memory is None else memory,
        "environment": jsonfield.dump(fields.get("environment")),
        "ephemeral_storage_request": fields.get("ephemeral_storage_request") or 0,
        "ephemeral_storage_limit": fields.get("ephemeral_storage_limit") or 0,
        "template": fields.get("template") or "", "git_url": fields.get("git_url") or "",
        "created_at": created, "updated_at": created,
    }


def workload_kernel(engine: str, runtime_identifier: str, kernel: str) -> str:
    """The kernel a job, application or model build of a project with ``engine`` runs.

    Both the API's create/update paths and the fixture loader use this: an ML Runtimes
    project's workload must name a runtime; a legacy-engine one falls back to python3.
    """
    if engine == "ml_runtime" and not runtime_identifier:
        raise InvalidArgument("runtime_identifier is required in an ML Runtimes project")
    if engine == "legacy_engine" and not kernel:
        return "python3"
    return kernel


def check_kernel(kernel: str) -> None:
    if kernel not in KERNELS:
        raise InvalidArgument(f"kernel must be one of {[k for k in KERNELS if k]}")


def apply_sizes(row: Any, body: dict[str, Any], non_negative: tuple[str, ...]) -> None:
    """Copy what a create or update ``body`` sizes a job or an application with: cpu and
    memory above zero, the ``non_negative`` fields (GPUs, ids) zero or more; absent or
    null fields are left as they are. Then its kernel must be one of ``KERNELS``."""
    for field in ("cpu", "memory"):
        if body.get(field) is not None:
            if body[field] <= 0:
                raise InvalidArgument(f"{field} must be greater than zero")
            setattr(row, field, body[field])
    for field in non_negative:
        if body.get(field) is not None:
            if body[field] < 0:
                raise InvalidArgument(f"{field} must not be negative")
            setattr(row, field, body[field])
    check_kernel(row.kernel)


class InProject(SQLModel):
    """The first columns of an object that lives in a project (a build, a deployment):
    its id, and its project, whose deletion deletes it."""

    id: str = Field(primary_key=True)
    project_id: str = Field(foreign_key="projects.id", index=True, ondelete="CASCADE")


class NamedInProject(InProject):
    """An object a project holds by name (a job, an application, a model)."""

    name: str = Field(index=True)


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
    shared_memory_limit: int = SHARED_MEMORY_MB
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
