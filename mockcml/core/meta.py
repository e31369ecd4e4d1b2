"""Small facts about the mock itself kept with the data (the clock), so a restart with a
database file continues exactly where it stopped."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text
from sqlmodel import Field, Session, SQLModel

from mockcml.core.clock import Clock


class MockMeta(SQLModel, table=True):
    __tablename__ = "mock_meta"

    key: str = Field(primary_key=True)
    value: str = "null"  # JSON


def read(session: Session, key: str, default: Any = None) -> Any:
    row = session.get(MockMeta, key)
    return default if row is None else json.loads(row.value)


def write(session: Session, key: str, value: Any) -> None:
    # One statement, not a read then an insert: processes sharing a PostgreSQL database
    # may write the same key at the same moment (the clock, advanced through two workers).
    session.execute(text("INSERT INTO mock_meta (key, value) VALUES (:key, :value) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
                    {"key": key, "value": json.dumps(value)})


def save_clock(session: Session, clock: Clock) -> None:
    write(session, "clock", {"offset": clock.offset, "frozen_at": clock.frozen_at})


def load_clock(session: Session, clock: Clock) -> None:
    state = read(session, "clock")
    if state:
        clock.restore(state["offset"], state["frozen_at"])
