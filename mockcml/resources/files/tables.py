from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from mockcml.resources.files import paths


def file_row(project_id: str, path: str, data: bytes | None, created: float) -> dict[str, Any]:
    """A new file's columns (a directory when ``data`` is None), its parent and name
    derived from the path: UploadFile, the directories above it and fixtures use it."""
    return {"project_id": project_id, "path": path, "parent": paths.parent_of(path),
            "name": paths.name_of(path), "is_dir": data is None,
            "size": 0 if data is None else len(data), "content": data,
            "created_at": created, "updated_at": created}


class ProjectFile(SQLModel, table=True):
    """One file or directory below a project's root (the root itself has no row).

    The bytes live in the database, so a project's files survive a restart with a
    database file, travel with a copy of the database, and go when the project goes.
    """

    __tablename__ = "project_files"
    __table_args__ = (
        UniqueConstraint("project_id", "path"),
        # Serves the listing of one directory, in name order.
        Index("ix_project_files_dir", "project_id", "parent", "name"),
    )

    id: int = Field(default=None, primary_key=True)  # set on insert
    project_id: str = Field(foreign_key="projects.id", ondelete="CASCADE")
    # Normalised (see paths.py): relative to the root, "/"-separated, no empty, "." or ".."
    # segments. ``parent`` is the containing directory's path ("" for the root).
    path: str
    parent: str
    name: str
    is_dir: bool = False
    size: int = 0  # bytes; int64 on the wire
    content: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    created_at: float = 0.0
    updated_at: float = 0.0
