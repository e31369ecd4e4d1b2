"""Named snapshots of the whole state, taken and restored with SQLite's online backup.

A snapshot is a private in-memory copy of the database plus the clock; restoring copies it
back page by page, which takes milliseconds for tens of thousands of rows.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass

from mockcml.core.errors import FailedPrecondition, NotFound
from mockcml.core.state import Mock


@dataclass
class Snapshot:
    name: str
    copy: sqlite3.Connection
    clock_offset: float
    clock_frozen_at: float | None
    created: float


class Snapshots:
    def __init__(self, mock: Mock) -> None:
        self.mock = mock
        self.saved: dict[str, Snapshot] = {}

    def _raw(self):  # noqa: ANN202
        if not self.mock.db.url.startswith("sqlite"):
            raise FailedPrecondition("snapshots need a SQLite database")
        return self.mock.db.engine.raw_connection()

    def save(self, name: str) -> Snapshot:
        raw = self._raw()
        try:
            copy = sqlite3.connect(":memory:", check_same_thread=False)
            raw.driver_connection.backup(copy)
        finally:
            raw.close()
        clock = self.mock.clock
        old = self.saved.pop(name, None)
        if old is not None:
            old.copy.close()
        snap = Snapshot(name, copy, clock.offset, clock.frozen_at, time.time())
        self.saved[name] = snap
        return snap

    def restore(self, name: str) -> Snapshot:
        snap = self.saved.get(name)
        if snap is None:
            raise NotFound(f"no snapshot named {name!r}")
        raw = self._raw()
        try:
            snap.copy.backup(raw.driver_connection)
        finally:
            raw.close()
        self.mock.clock.restore(snap.clock_offset, snap.clock_frozen_at)
        return snap

    def delete(self, name: str) -> None:
        snap = self.saved.pop(name, None)
        if snap is None:
            raise NotFound(f"no snapshot named {name!r}")
        snap.copy.close()

    def close(self) -> None:
        for snap in self.saved.values():
            snap.copy.close()
        self.saved.clear()
