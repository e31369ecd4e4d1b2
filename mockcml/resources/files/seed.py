"""Project files of fixture files: their paths and sources as written, what is wrong with
them, and the rows they become."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from mockcml.core.errors import InvalidArgument
from mockcml.fixtures.facts import when
from mockcml.fixtures.kinds import ProjectPath, SourceFile, Text
from mockcml.fixtures.parse import BAD, Node, Scalar
from mockcml.kit.rows import column_defaults
from mockcml.kit.sql import table_of
from mockcml.resources.files import paths as file_paths
from mockcml.resources.files.service import MAX_FILE_BYTES
from mockcml.resources.files.tables import ProjectFile, file_row

if TYPE_CHECKING:
    from mockcml.fixtures.load import Rows
    from mockcml.fixtures.validate import Checker as C
    from mockcml.fixtures.validate import Entry, Shaper

_FILE_BASE = column_defaults(table_of(ProjectFile))


def check(c: C, project: Entry) -> None:
    kinds: dict[str, tuple[bool, Entry]] = {}  # path -> (is a directory, where written)
    for entry in project["files"]:
        raw = entry.node.pairs["path"][1]
        is_dir = isinstance(raw, Scalar) and str(raw.value).endswith("/")
        entry["_dir"] = is_dir
        # Written, whether or not the value was good (a bad one is reported already).
        has = [name for name in ("content", "source") if name in entry.node.pairs
               and not (isinstance(node := entry.node.pairs[name][1], Scalar) and node.kind == "null")]
        if is_dir and has:
            c.problem(entry, has[0], "a path ending in '/' is a directory and has no "
                                        "content")
        elif not is_dir and not has:
            c.problem(entry, None, "give content or source (a path ending in '/' is a "
                                      "directory)")
        elif len(has) == 2:
            c.problem(entry, "source", "give content or source, not both")
        kinds[entry["path"]] = (is_dir, entry)
    for entry in project["files"]:
        for directory in file_paths.ancestors(entry["path"]):
            found = kinds.get(directory)
            if found is not None and not found[0]:
                c.problem(entry, "path", f"{directory!r} is a file (at "
                                            f"{c.where(found[1], 'path')}), so nothing can "
                                            "be inside it")
                break


def add_rows(rows: Rows, project_id: str, entries: list[dict[str, Any]], project_created: float,
           now: float) -> None:
    """The files written, and every directory above them (once, where first implied)."""
    declared = {entry["path"] for entry in entries}
    made: set[str] = set()
    add = rows.tables.setdefault(table_of(ProjectFile), []).append
    for entry in entries:
        path = entry["path"]
        created = when(entry, "created_at", project_created, now)
        for directory in file_paths.ancestors(path):
            if directory not in made and directory not in declared:
                made.add(directory)
                add({**_FILE_BASE, "id": None, **file_row(project_id, directory, None, created)})
        data = None
        if not entry.get("_dir"):
            data = entry["source"] if "source" in entry else entry.get("content", "").encode()
        add({**_FILE_BASE, "id": None, **file_row(project_id, path, data, created)})


def project_path(shaper: Shaper, kind: ProjectPath, node: Node, at: Node, path: Any) -> Any:
    """The normal form, as the files API would store it; traversal is refused."""
    value = shaper.text(Text(nonempty=True), node, at, path)
    if value is BAD:
        return BAD
    try:
        normal = file_paths.normalise(value)
    except InvalidArgument as exc:
        return shaper.refuse(at, path, exc.message)
    if normal == file_paths.ROOT:
        return shaper.refuse(at, path, f"{value!r} is the project root; name a file or "
                                       "directory below it")
    return normal


def source(shaper: Shaper, kind: SourceFile, node: Node, at: Node, path: Any) -> Any:
    """The bytes of a file named relative to this fixture file's folder."""
    value = shaper.text(Text(nonempty=True), node, at, path)
    if value is BAD:
        return BAD
    found = os.path.join(os.path.dirname(shaper.file), value)
    try:
        if os.path.isdir(found):
            return shaper.refuse(at, path, f"{value!r} is a directory, not a file (looked at {found})")
        size = os.path.getsize(found)
        if size > MAX_FILE_BYTES:
            return shaper.refuse(at, path, f"{value!r} is larger than {MAX_FILE_BYTES} bytes")
        with open(found, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        shaper.problem(at, path, f"no file {value!r} (looked at {found}; paths are relative "
                               "to the fixture file)")
    except OSError as exc:
        shaper.problem(at, path, f"cannot read {value!r}: {exc.strerror or exc}")
    return BAD
