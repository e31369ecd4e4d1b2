"""Schema migrations (mockcml/migrations): a persistent database is created at head,
upgraded in place with its rows, adopted only when it matches, and the drift check and
the revision command see model changes. On a SQLite file, or on PostgreSQL when the suite
runs there (``python -m tests.pg run -- ...``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from mockcml import migrations
from mockcml.core.db import Database
from mockcml.migrations import __main__ as cli
from tests.conftest import ON_POSTGRESQL, TEST_DATABASE_URL
from tests.pgapps import scratch_database

# A revision after head, only for these tests: a column added to a table that has rows.
EXTRA_REVISION = '''
import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = {head!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mock_meta") as batch:
        batch.add_column(sa.Column("note", sa.String(), nullable=False, server_default="kept"))


def downgrade() -> None:
    with op.batch_alter_table("mock_meta") as batch:
        batch.drop_column("note")
'''


@pytest.fixture
def url(tmp_path: Path) -> Iterator[str]:
    """An empty persistent database: a SQLite file, or a fresh PostgreSQL database."""
    if not ON_POSTGRESQL:
        yield f"sqlite:///{tmp_path / 'state.db'}"
        return
    with scratch_database(TEST_DATABASE_URL or "", "mig") as url:
        yield url


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    db = Database(url)  # the mock's own engine set-up (SQLite pragmas, psycopg 3)
    yield db.engine
    db.dispose()


@pytest.fixture
def extra_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    versions = tmp_path / "extra_versions"
    versions.mkdir()
    (versions / "9001_note.py").write_text(EXTRA_REVISION.format(head=migrations.head()))
    _with_versions(monkeypatch, versions)


def _with_versions(monkeypatch: pytest.MonkeyPatch, directory: Path) -> None:
    monkeypatch.setattr(migrations, "VERSION_DIRS", [*migrations.VERSION_DIRS, directory])
    migrations._scripts.cache_clear()  # and again after the test (_fresh_script_cache)


@pytest.fixture(autouse=True)
def _fresh_script_cache() -> Iterator[None]:
    migrations._scripts.cache_clear()
    yield
    migrations._scripts.cache_clear()


def _start(url: str) -> None:
    """What a server's start does to the schema."""
    db = Database(url)
    try:
        db.create_all()
    finally:
        db.dispose()


def test_a_new_database_is_created_at_head_with_exactly_the_models_schema(url, engine):
    _start(url)
    with engine.connect() as conn:
        assert migrations.current(conn) == migrations.head()
        assert migrations.differences(conn) == []
        if conn.dialect.name == "postgresql":  # the scheduler's shared counter exists
            assert conn.exec_driver_sql(
                "SELECT nextval('mockcml_scheduler_generation')").scalar_one() == 1


def test_starting_again_at_head_changes_nothing(url, engine):
    _start(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO mock_meta (key, value) VALUES ('k', '1')")
    _start(url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT value FROM mock_meta WHERE key = 'k'").scalar() == "1"


def test_an_upgrade_in_place_keeps_the_rows(url, engine, extra_revision):
    with engine.begin() as conn:  # a database made by the previous release: at 0001
        migrations.command.upgrade(migrations._config(conn), "0001")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO mock_meta (key, value) VALUES ('clock', '{}'), ('other', '[1]')")
    _start(url)  # the new release starts: upgrade to head (9001)
    with engine.connect() as conn:
        assert migrations.current(conn) == "9001"
        rows = conn.exec_driver_sql("SELECT key, value, note FROM mock_meta ORDER BY key").all()
    assert [tuple(r) for r in rows] == [("clock", "{}", "kept"), ("other", "[1]", "kept")]


def test_a_database_made_before_migrations_is_adopted_when_it_matches(url, engine):
    migrations.metadata().create_all(engine)  # what mockcml did before migrations
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO mock_meta (key, value) VALUES ('k', '1')")
        if conn.dialect.name == "postgresql":  # older than the scheduler's counter
            conn.exec_driver_sql("DROP SEQUENCE mockcml_scheduler_generation")
    _start(url)
    with engine.connect() as conn:
        assert migrations.current(conn) == migrations.head()
        assert conn.exec_driver_sql("SELECT count(*) FROM mock_meta").scalar() == 1
        if conn.dialect.name == "postgresql":
            assert conn.exec_driver_sql(
                "SELECT nextval('mockcml_scheduler_generation')").scalar_one() == 1


def test_a_database_made_before_migrations_that_differs_is_refused(url, engine):
    migrations.metadata().create_all(engine)
    index = "ix_job_runs_job_created"  # declared in resources/job_runs/tables.py
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP INDEX {index}")
    with pytest.raises(SystemExit, match=f"(?s)no migration history.*{index}"):
        _start(url)
    with engine.connect() as conn:
        assert migrations.current(conn) is None  # left as it was


def test_the_drift_check_passes_for_the_models_and_names_a_change(monkeypatch, capsys):
    assert cli.main(["check"]) == 0
    monkeypatch.setattr(migrations, "metadata", _models_with_an_extra_column)
    assert cli.main(["check"]) == 1
    err = capsys.readouterr().err
    assert "add_column" in err and "mock_meta" in err and "extra" in err
    assert 'python -m mockcml.migrations new "what changed"' in err


def test_new_writes_the_revision_that_removes_the_drift(monkeypatch, tmp_path):
    versions = tmp_path / "new_versions"
    versions.mkdir()
    monkeypatch.setattr(migrations, "metadata", _models_with_an_extra_column)
    _with_versions(monkeypatch, versions)
    head = max(p.name[:4] for p in (migrations.HERE / "versions").glob("0*.py"))
    path = migrations.new("add extra to mock_meta", into=versions)
    following = f"{int(head) + 1:04d}"
    assert path.parent == versions and path.name.startswith(f"{following}_add_extra")
    written = path.read_text()
    assert f"down_revision = '{head}'" in written and "add_column" in written
    # The template imports what the commands use, and only that.
    body = written.split("def upgrade", 1)[1]
    for module, name in (("sqlalchemy as sa", "sa."), ("sqlmodel.sql.sqltypes", "sqlmodel.")):
        assert (f"import {module}" in written) == (name in body), module
    migrations._scripts.cache_clear()
    assert migrations.drift() == []  # migrations alone now build the changed models


def test_usage_errors_exit_2():
    assert cli.main([]) == 2
    assert cli.main(["new"]) == 2


_EXTRA: list[sa.MetaData] = []
_MODELS = migrations.metadata


def _models_with_an_extra_column() -> sa.MetaData:
    """A copy of the models with one more column (the real metadata is left alone)."""
    if not _EXTRA:
        copy = sa.MetaData()
        for table in _MODELS().tables.values():
            table.to_metadata(copy)
        copy.tables["mock_meta"].append_column(sa.Column("extra", sa.String(), nullable=True))
        _EXTRA.append(copy)
    return _EXTRA[0]


def test_the_in_memory_default_never_loads_alembic():
    """Start-up speed: the schema of an in-memory database comes from the models directly."""
    import os
    import subprocess
    import sys

    code = ("import sys\n"
            "from mockcml.app import create_app, start\n"
            "from mockcml.settings import Settings\n"
            "mock = create_app(Settings()).state.mock\n"
            "mock.db.call(start, mock)\n"
            "mock.db.dispose()\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'"
            " or m == 'mockcml.migrations'))\n")
    # The suite's environment carries no server setting (conftest): in memory.
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=dict(os.environ))
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
