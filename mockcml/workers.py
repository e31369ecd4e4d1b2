"""``mockcml serve --workers N``: N uvicorn processes on one PostgreSQL database.

uvicorn starts each worker as a fresh (spawned) process that imports its app from an
import string, so the app cannot be handed over as an object: the parent writes its
checked settings into ``MOCKCML_WORKER_SETTINGS`` (JSON) and every worker builds the same
app from them with :func:`app`. The parent binds the socket, checks the fixtures and prints
the banner first; the workers share the socket. The first worker to start creates the
schema and seeds the fixtures under an advisory lock (``Database.starting``); the others
find the database seeded. Every piece of the mock's own state is in the database
(``shared_state = database``, control/shared/), so the workers answer as one server.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from mockcml.settings import Settings

SETTINGS_VARIABLE = "MOCKCML_WORKER_SETTINGS"
APP = "mockcml.workers:app"


def hand_over(settings: Settings) -> None:
    """Leave ``settings`` for the workers the parent is about to spawn."""
    os.environ[SETTINGS_VARIABLE] = settings.model_dump_json()


def app() -> FastAPI:
    """One worker's app (uvicorn's factory), from the parent's settings."""
    from mockcml.app import create_app

    settings = Settings.model_validate_json(os.environ[SETTINGS_VARIABLE])
    built = create_app(settings)
    built.state.mock.one_of_workers = True
    return built


def refusal(settings: Settings) -> str | None:
    """Why these settings cannot run (several processes, or shared state), or None."""
    from mockcml.control.shared.state import database_mode
    from mockcml.core.db import normalize_url

    url = normalize_url(settings.url)
    if settings.shared_state == "database" and not url.startswith("postgresql"):
        return ("shared_state=database needs PostgreSQL (--db postgresql://...); with SQLite "
                "one process owns the state")
    if settings.workers == 1:
        return None
    if not url.startswith("postgresql"):
        where = "in memory" if url == "sqlite://" else "in a SQLite file"
        return (f"--workers {settings.workers} needs PostgreSQL (--db postgresql://...): with "
                f"the state {where}, each process would answer from its own copy (SQLite "
                "has one writer and its snapshots and in-memory databases are per process)")
    if not database_mode(settings.shared_state, "postgresql"):
        return (f"--workers {settings.workers} needs shared_state auto or database: with "
                "shared_state=memory each process keeps its own clock, faults and journal")
    return None
