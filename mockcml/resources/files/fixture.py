"""Fixture records of project files: the shape an item has in a fixture file.

Assembled into the scenario by ``mockcml/fixtures/schema.py``; field names follow the
API's create requests.
"""

from __future__ import annotations

from mockcml.fixtures.kinds import (
    Field,
    ProjectPath,
    Record,
    SourceFile,
    Text,
    Time,
)

PROJECT_FILE = Record("ProjectFile", "A file (or directory) of the project; directories above "
                      "a file are implied.", (
    Field("path", ProjectPath(), "Path below the project root; one ending in '/' is a "
          "directory.", required=True),
    Field("content", Text(), "The file's text (stored as UTF-8)."),
    Field("source", SourceFile(), "A file whose bytes are the content (binary allowed), "
          "relative to the fixture file."),
    Field("created_at", Time(), "Creation time.", default="the project's"),
), key=("path",))
