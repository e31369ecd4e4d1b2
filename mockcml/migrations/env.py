"""Alembic's environment for mockcml: the models' metadata, on the connection the caller
hands over (``mockcml.migrations`` never lets Alembic open its own)."""

from __future__ import annotations

from alembic import context

from mockcml.migrations import compare_type, include_name, metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata(),
    # SQLite alters a table by copying it; Alembic's batch mode writes that copy.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=compare_type,
    include_name=include_name,
)
with context.begin_transaction():
    context.run_migrations()
