"""Named snapshots of the whole state: the database plus the clock.

On SQLite a snapshot is a private in-memory copy of the database taken with SQLite's online
backup, and restoring copies it back page by page. On PostgreSQL it is every table's rows
as binary COPY data held in memory, and restoring truncates every table and copies the rows
back in one transaction. Either takes milliseconds for tens of thousands of rows. A
snapshot also keeps the whole clock (offset, frozen instant and time scale);
``Snapshots.seeded`` is the clock as the server started it, which ``/_mock/reset`` brings
back.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass

from mockcml.core.db import pg_dump_tables, pg_load_tables
from mockcml.core.errors import FailedPrecondition, NotFound
from mockcml.core.state import Mock


@dataclass(frozen=True)
class ClockState:
    """Everything that decides mock time: the offset, a frozen instant and the time scale
    (which lives on the settings, since every lifecycle reads it from there)."""

    offset: float
    frozen_at: float | None
    time_scale: float

    @classmethod
    def of(cls, mock: Mock) -> ClockState:
        return cls(mock.clock.offset, mock.clock.frozen_at, mock.settings.time_scale)

    def apply(self, mock: Mock) -> None:
        mock.settings.time_scale = self.time_scale
        mock.clock.restore(self.offset, self.frozen_at)  # tells the scheduler


@dataclass
class Snapshot:
    name: str
    copy: sqlite3.Connection | dict[str, bytes]  # dict: PostgreSQL COPY data per table
    clock: ClockState
    created: float

    def close(self) -> None:
        if isinstance(self.copy, sqlite3.Connection):
            self.copy.close()


class Snapshots:
    def __init__(self, mock: Mock) -> None:
        self.mock = mock
        self.saved: dict[str, Snapshot] = {}
        # Real time at the configured scale: what start-up gives and reset brings back.
        self.seeded = ClockState(0.0, None, mock.settings.time_scale)

    def _raw(self):  # noqa: ANN202
        if not self.mock.db.url.startswith("sqlite"):
            raise FailedPrecondition("snapshots need a SQLite or PostgreSQL database")
        return self.mock.db.engine.raw_connection()

    def _postgres(self) -> bool:
        return self.mock.db.dialect == "postgresql"

    def _dump(self) -> dict[str, bytes]:
        with self.mock.db.transaction() as session:
            # One consistent view of every table, even while requests write.
            session.connection().exec_driver_sql(
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return pg_dump_tables(session)

    def _load(self, copy: dict[str, bytes]) -> None:
        with self.mock.db.transaction() as session:
            pg_load_tables(session, copy)

    def listed(self) -> list[Snapshot]:
        return list(self.saved.values())

    def save(self, name: str) -> Snapshot:
        copy: sqlite3.Connection | dict[str, bytes]
        if self._postgres():
            copy = self._dump()
        else:
            raw = self._raw()
            try:
                copy = sqlite3.connect(":memory:", check_same_thread=False)
                raw.driver_connection.backup(copy)
            finally:
                raw.close()
        old = self.saved.pop(name, None)
        if old is not None:
            old.close()
        snap = Snapshot(name, copy, ClockState.of(self.mock), time.time())
        self.saved[name] = snap
        return snap

    def restore(self, name: str) -> Snapshot:
        snap = self.saved.get(name)
        if snap is None:
            raise NotFound(f"no snapshot named {name!r}")
        if isinstance(snap.copy, dict):
            self._load(snap.copy)
        else:
            raw = self._raw()
            try:
                snap.copy.backup(raw.driver_connection)
            finally:
                raw.close()
        snap.clock.apply(self.mock)
        return snap

    def delete(self, name: str) -> None:
        snap = self.saved.pop(name, None)
        if snap is None:
            raise NotFound(f"no snapshot named {name!r}")
        snap.close()

    def close(self) -> None:
        for snap in self.saved.values():
            snap.close()
        self.saved.clear()
