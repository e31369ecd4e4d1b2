"""The generated SQLite schema script (core/ddl.py): what start-up runs instead of compiling
``create_all``'s DDL. It must give the very schema ``create_all`` gives, be used only while
it matches the tables, and leave a database file that has the tables as it is."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table
from sqlmodel import SQLModel

from mockcml.core import ddl
from mockcml.core.db import OUTSIDE_MODELS, Database
from tests.helpers import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import build_schema  # noqa: E402

# Tables of SQLite's own, of Alembic's, and the one kept outside the models on purpose.
NOT_MODELS = ("alembic_version", *OUTSIDE_MODELS)


def _schema(path: Path) -> dict:
    """Every table's columns (name, type, not null, default, key) and indexes (name,
    unique, columns), read back from SQLite."""
    con = sqlite3.connect(path)
    try:
        out = {}
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name") if r[0] not in NOT_MODELS]
        for table in tables:
            columns = [tuple(r[1:]) for r in con.execute(f"PRAGMA table_info('{table}')")]
            indexes = sorted(
                (r[1], r[2], tuple(c[2] for c in con.execute(f"PRAGMA index_info('{r[1]}')")))
                for r in con.execute(f"PRAGMA index_list('{table}')"))
            foreign = sorted(tuple(r[2:5]) for r in con.execute(
                f"PRAGMA foreign_key_list('{table}')"))
            out[table] = (columns, indexes, foreign)
        return out
    finally:
        con.close()


def test_the_committed_script_matches_the_tables() -> None:
    assert build_schema.main(["--check"]) == 0


def test_the_script_gives_the_schema_create_all_gives(tmp_path: Path) -> None:
    metadata = build_schema.tables()
    scripted, compiled = tmp_path / "scripted.db", tmp_path / "compiled.db"
    # The script serves in-memory starts; a file shows what it made (a file database
    # itself is created by the migrations: tests/core/test_migrations.py).
    db = Database(f"sqlite:///{scripted}")
    try:
        assert ddl.create_sqlite(db.engine, metadata) is True
        assert ddl.create_sqlite(db.engine, metadata) is True  # again: changes nothing
    finally:
        db.dispose()
    other = Database(f"sqlite:///{compiled}")
    try:
        metadata.create_all(other.engine)
    finally:
        other.dispose()
    assert len(_schema(scripted)) == len(metadata.tables)
    assert _schema(scripted) == _schema(compiled)


def test_a_stale_script_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_schema.tables()
    stale = tmp_path / "schema.sqlite.sql"
    stale.write_text(ddl.SCRIPT.read_text().replace("-- fingerprint: ", "-- fingerprint: 0"))
    monkeypatch.setattr(ddl, "SCRIPT", stale)
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        assert ddl.create_sqlite(db.engine, SQLModel.metadata) is False  # nothing done
        db.create_all()  # a file: the migrations make it
    finally:
        db.dispose()
    assert len(_schema(tmp_path / "x.db")) == len(SQLModel.metadata.tables)


def test_the_fingerprint_sees_a_new_column() -> None:
    def metadata(*extra: Column) -> MetaData:
        meta = MetaData()
        Table("t", meta, Column("id", Integer, primary_key=True), *extra)
        return meta

    assert ddl.fingerprint(metadata()) == ddl.fingerprint(metadata())
    assert ddl.fingerprint(metadata()) != ddl.fingerprint(metadata(Column("n", Integer)))
