"""The SQLite schema as one generated script, so that start-up does not compile DDL.

``SQLModel.metadata.create_all`` compiles a CREATE statement for each of the ~50 tables
and ~60 indexes at every start (a fifth of the demo's start-up). The statements never
change between starts, so ``scripts/build_schema.py`` writes them once to
``schema.sqlite.sql`` (``IF NOT EXISTS`` throughout, so a database file that already has
the tables is left as it is, as ``create_all`` leaves it) and :func:`create_sqlite` runs
that script in one call.

The script's first line is a fingerprint of the tables it was made from (names, columns,
types, keys, indexes). A stale script, one the tables no longer match because nobody ran
the generator, is never used: the schema is then compiled as before. ``scripts/check``
fails on drift.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import MetaData
from sqlalchemy.engine import Engine

SCRIPT = Path(__file__).resolve().parent / "schema.sqlite.sql"
_HEADER = "-- fingerprint: "


def fingerprint(metadata: MetaData) -> str:
    """What the script depends on, hashed: cheap enough to check at every start."""
    parts: list[str] = []
    for name, table in sorted(metadata.tables.items()):
        parts.append(name)
        for column in table.columns:
            parts.append(f"{column.name}:{type(column.type).__name__}:{column.nullable}:"
                         f"{column.primary_key}:{column.unique}:{len(column.foreign_keys)}")
        for index in sorted(table.indexes, key=lambda i: i.name or ""):
            parts.append(f"{index.name}:{index.unique}:{','.join(c.name for c in index.columns)}")
        parts.append(str(len(table.constraints)))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def render(metadata: MetaData) -> str:
    """The script: every table, then its indexes, in dependency order, as SQLite spells them."""
    from sqlalchemy.dialects import sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    dialect = sqlite.dialect()
    statements = []
    for table in metadata.sorted_tables:
        statements.append(str(CreateTable(table, if_not_exists=True).compile(dialect=dialect)))
        for index in sorted(table.indexes, key=lambda i: i.name or ""):
            statements.append(str(CreateIndex(index, if_not_exists=True).compile(dialect=dialect)))
    body = ";\n".join(s.strip() for s in statements)
    return f"{_HEADER}{fingerprint(metadata)}\n{body};\n"


def create_sqlite(engine: Engine, metadata: MetaData) -> bool:
    """Run the generated script if it matches ``metadata``; False (nothing done) if not."""
    try:
        text = SCRIPT.read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    first, _, _ = text.partition("\n")
    if first != _HEADER + fingerprint(metadata):
        return False
    raw = engine.raw_connection()
    try:
        raw.driver_connection.executescript(text)  # type: ignore[union-attr]
    finally:
        raw.close()
    return True
