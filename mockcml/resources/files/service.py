"""Project-file rules: list one directory, upload without overwriting, read, move, delete.

Paths given to these functions are already normalised (see paths.py); "" is the root,
which always exists and has no row. Directories are rows of their own, so an empty
directory (left behind by a move, or created on the way to an upload) still lists.
"""

from __future__ import annotations

from sqlalchemy import String, delete, func, literal, or_, select, update
from sqlalchemy.orm import defer
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from mockcml.core.errors import AlreadyExists, InvalidArgument, NotFound
from mockcml.resources.files import paths
from mockcml.resources.files.tables import ProjectFile, file_row

# Largest file one upload may store; the router also caps the whole multipart body.
MAX_FILE_BYTES = 64 * 1024 * 1024


def find(session: Session, project_id: str, path: str) -> ProjectFile | None:
    """The row at ``path``, without its bytes."""
    return session.execute(
        select(ProjectFile)
        .options(defer(ProjectFile.content))  # type: ignore[arg-type]  # SQLModel types columns as values
        .where(col(ProjectFile.project_id) == project_id, col(ProjectFile.path) == path)
    ).scalars().first()


def get(session: Session, project_id: str, path: str) -> ProjectFile:
    """The row at ``path`` (without its bytes), or NOT_FOUND."""
    if path == paths.ROOT:
        raise InvalidArgument("the project root is not a file")
    row = find(session, project_id, path)
    if row is None:
        raise NotFound(f"file {path!r} not found")
    return row


def list_dir(session: Session, project_id: str, path: str) -> list[ProjectFile]:
    """The entries of a directory in name order; a file lists as itself. [inferred]"""
    if path != paths.ROOT:
        row = get(session, project_id, path)
        if not row.is_dir:
            return [row]
    return list(
        session.execute(
            select(ProjectFile)
            .options(defer(ProjectFile.content))  # type: ignore[arg-type]  # SQLModel types columns as values
            .where(col(ProjectFile.project_id) == project_id, col(ProjectFile.parent) == path)
            .order_by(col(ProjectFile.name))
        ).scalars()
    )


def _make_parents(session: Session, project_id: str, path: str, now: float) -> None:
    """Create the missing directories above ``path``; a file in the way is an error."""
    for directory in paths.ancestors(path):
        row = find(session, project_id, directory)
        if row is None:
            session.add(ProjectFile(**file_row(project_id, directory, None, now)))
        elif not row.is_dir:
            raise InvalidArgument(f"{directory!r} is a file, not a directory")
    session.flush()


def _free_path(session: Session, project_id: str, path: str) -> str:
    """``path`` itself if nothing is there, else the first free ``name(n).ext`` beside it."""
    if find(session, project_id, path) is None:
        return path
    parent, name = paths.parent_of(path), paths.name_of(path)
    taken = set(session.execute(
        select(col(ProjectFile.name)).where(
            col(ProjectFile.project_id) == project_id, col(ProjectFile.parent) == parent
        )
    ).scalars())
    n = 1
    while paths.numbered(name, n) in taken:
        n += 1
    candidate = paths.numbered(name, n)
    return f"{parent}/{candidate}" if parent else candidate


def upload(session: Session, project_id: str, path: str, data: bytes, now: float) -> str:
    """Store ``data`` at ``path``, or beside it when the name is taken; the path used.

    Real CML never overwrites: a clashing upload lands as ``name(1).ext`` (then
    ``name(2).ext``, ...) and the answer does not say so. [live-3p] A name taken by a
    directory counts as taken too. [inferred]
    """
    if path == paths.ROOT:
        raise InvalidArgument("the upload destination must name a file, not the project root")
    if len(data) > MAX_FILE_BYTES:
        raise InvalidArgument(f"file {path!r} is larger than {MAX_FILE_BYTES} bytes")
    _make_parents(session, project_id, path, now)
    stored = _free_path(session, project_id, path)
    session.add(ProjectFile(**file_row(project_id, stored, data, now)))
    session.flush()
    return stored


def _not_root(session: Session, project_id: str, path: str, refusal: str) -> ProjectFile:
    """The file or directory at ``path``; the project root itself is refused (``refusal``
    says why): it cannot be downloaded, moved or deleted."""
    if path == paths.ROOT:
        raise InvalidArgument(refusal)
    return get(session, project_id, path)


def read(session: Session, project_id: str, path: str) -> bytes:
    row = _not_root(session, project_id, path,
                    "the project root is a directory and cannot be downloaded")
    if row.is_dir:
        raise InvalidArgument(f"{path!r} is a directory and cannot be downloaded")
    return session.execute(
        select(col(ProjectFile.content)).where(col(ProjectFile.id) == row.id)
    ).scalars().one() or b""


def _below(directory: str) -> ColumnElement[bool]:
    """SQL: the rows strictly inside ``directory`` (a prefix test free of LIKE wildcards)."""
    prefix = directory + "/"
    return func.substr(ProjectFile.path, 1, len(prefix)) == prefix


def move(session: Session, project_id: str, source: str, target: str, now: float) -> ProjectFile:
    """Rename or move a file or a directory (with everything inside it) to ``target``."""
    row = _not_root(session, project_id, source, "the project root cannot be moved")
    if target == source:
        return row
    if target == paths.ROOT:
        raise InvalidArgument("the destination must name a file or directory, not the root")
    if row.is_dir and paths.is_within(target, source):
        raise InvalidArgument(f"cannot move directory {source!r} into itself")
    if find(session, project_id, target) is not None:
        raise AlreadyExists(f"{target!r} already exists")
    _make_parents(session, project_id, target, now)
    if row.is_dir:
        # Everything inside follows: rewrite the prefix of its path and parent.
        cut = len(source) + 1
        session.execute(
            update(ProjectFile)
            .where(col(ProjectFile.project_id) == project_id, _below(source))
            .values(
                path=literal(target, String).concat(func.substr(col(ProjectFile.path), cut)),
                parent=literal(target, String).concat(func.substr(col(ProjectFile.parent), cut)),
            )
            .execution_options(synchronize_session=False)
        )
    row.path, row.parent, row.name = target, paths.parent_of(target), paths.name_of(target)
    row.updated_at = now
    session.add(row)
    session.flush()
    return row


def remove(session: Session, project_id: str, path: str) -> None:
    """Delete a file, or a directory with everything inside it."""
    row = _not_root(session, project_id, path, "the project root cannot be deleted")
    condition = col(ProjectFile.path) == path
    if row.is_dir:
        condition = or_(condition, _below(path))
    session.execute(
        delete(ProjectFile)
        .where(col(ProjectFile.project_id) == project_id, condition)
        .execution_options(synchronize_session=False)
    )
