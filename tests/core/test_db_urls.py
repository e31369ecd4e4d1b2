"""Which database a setting names: SQLite by path, PostgreSQL by URL (psycopg 3)."""

from __future__ import annotations

import pytest
from sqlalchemy import Float, Integer, String, func, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite

from mockcml.core.db import normalize_url
from mockcml.settings import Settings


@pytest.mark.parametrize(("given", "expected"), [
    ("postgresql://u@h:5432/d", "postgresql+psycopg://u@h:5432/d"),
    ("postgres://u:p@h/d", "postgresql+psycopg://u:p@h/d"),
    ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_plain_postgresql_urls_mean_psycopg_3(given, expected):
    assert normalize_url(given) == expected


def test_db_takes_a_path_or_a_url_and_database_url_wins():
    assert Settings().url == "sqlite://"
    assert Settings(db="state.db").url == "sqlite:///state.db"
    assert Settings(db="postgresql://u@h/d").url == "postgresql+psycopg://u@h/d"
    assert Settings(db="state.db", database_url="postgres://u@h/d").url == (
        "postgresql+psycopg://u@h/d")


def _sql(stmt, dialect) -> str:  # noqa: ANN001
    return str(stmt.compile(dialect=dialect))


def test_sqlite_idioms_compile_to_postgresql_equivalents():
    number = literal_column("n", Integer)
    real = literal_column("r", Float)
    text = literal_column("t", String)
    pg, lite = postgresql.dialect(), sqlite.dialect()
    instr = select(func.instr(func.coalesce(number, ""), "x"))
    assert "instr(coalesce(n, " in _sql(instr, lite)
    assert "strpos(coalesce(CAST(n AS TEXT), " in _sql(instr, pg)
    assert "greatest(n, " in _sql(select(func.max(number, 1)), pg)
    assert "max(n)" in _sql(select(func.max(number)), pg)  # the aggregate stays
    # A nullable numeric sort key: NULLs sort after every number, as text does on SQLite.
    assert "coalesce(r, 1e308)" in _sql(select(func.coalesce(real, "")), pg)
    assert "coalesce(t, " in _sql(select(func.coalesce(text, "")), pg)
