"""Named snapshots of the whole state, taken and restored with SQLite's online backup.

A snapshot is a private in-memory copy of the database plus the whole clock (offset,
frozen instant and time scale); restoring copies it back page by page, which takes
milliseconds for tens of thousands of rows. ``Snapshots.seeded`` is the clock as the server
started it, which ``/_mock/reset`` brings back.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass

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
    copy: sqlite3.Connection
    clock: ClockState
    created: float


class Snapshots:
    def __init__(self, mock: Mock) -> None:
        self.mock = mock
        self.saved: dict[str, Snapshot] = {}
        # Real time at the configured scale: what start-up gives and reset brings back.
        self.seeded = ClockState(0.0, None, mock.settings.time_scale)

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
        old = self.saved.pop(name, None)
        if old is not None:
            old.copy.close()
        snap = Snapshot(name, copy, ClockState.of(self.mock), time.time())
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
        snap.clock.apply(self.mock)
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
