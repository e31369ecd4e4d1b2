"""Project files in fixture files: inline text, a source file, or a directory."""

from __future__ import annotations

from mockcml.fixtures import kinds as k

PROJECT_FILE = k.Record("ProjectFile", "A file (or directory) of the project; directories above "
                        "a file are implied.", (
    k.Field("path", k.ProjectPath(), "Path below the project root; one ending in '/' is a "
            "directory.", required=True),
    k.Field("content", k.Text(), "The file's text (stored as UTF-8)."),
    k.Field("source", k.SourceFile(), "A file whose bytes are the content (binary allowed), "
            "relative to the fixture file."),
    k.Field("created_at", k.Time(), "Creation time.", default="the project's"),
), key=("path",))
