"""Snapshots in the database, so that any worker restores what any worker saved.

A snapshot is the same binary COPY data as in one process (``core.db.pg_dump_tables``),
framed into one ``bytea`` value of ``mock_snapshots`` with the clock it was taken at.
Restoring reads that one value and copies the rows back in one transaction; the shared
tables themselves (this one included) are never part of a snapshot.
"""

from __future__ import annotations

import struct
import time
from typing import TYPE_CHECKING

from mockcml.control.snapshots import ClockState, Snapshot, Snapshots
from mockcml.core.errors import NotFound

if TYPE_CHECKING:
    from mockcml.control.shared.state import DatabaseState

_HEAD = struct.Struct("!IQ")  # name length, data length


def pack(dump: dict[str, bytes]) -> bytes:
    parts = []
    for name, data in dump.items():
        raw = name.encode()
        parts += [_HEAD.pack(len(raw), len(data)), raw, data]
    return b"".join(parts)


def unpack(blob: bytes) -> dict[str, bytes]:
    dump, at, view = {}, 0, memoryview(blob)
    while at < len(blob):
        name_len, data_len = _HEAD.unpack_from(blob, at)
        at += _HEAD.size
        name = bytes(view[at:at + name_len]).decode()
        at += name_len
        dump[name] = bytes(view[at:at + data_len])
        at += data_len
    return dump


class SharedSnapshots(Snapshots):
    def __init__(self, shared: DatabaseState) -> None:
        super().__init__(shared.mock)
        self.shared = shared

    def save(self, name: str) -> Snapshot:
        blob = pack(self._dump())
        clock = ClockState.of(self.mock)
        created = time.time()
        self.shared.execute(
            "INSERT INTO mock_snapshots (name, created, clock_offset, clock_frozen_at, "
            "time_scale, data) VALUES (%(name)s, %(created)s, %(offset)s, %(frozen)s, "
            "%(scale)s, %(data)s) ON CONFLICT (name) DO UPDATE SET created = EXCLUDED.created,"
            " clock_offset = EXCLUDED.clock_offset, clock_frozen_at = EXCLUDED.clock_frozen_at,"
            " time_scale = EXCLUDED.time_scale, data = EXCLUDED.data",
            {"name": name, "created": created, "offset": clock.offset,
             "frozen": clock.frozen_at, "scale": clock.time_scale, "data": blob})
        return Snapshot(name, {}, clock, created)

    def restore(self, name: str) -> Snapshot:
        rows = self.shared.execute(
            "SELECT created, clock_offset, clock_frozen_at, time_scale, data "
            "FROM mock_snapshots WHERE name = %(name)s", {"name": name})
        if not rows:
            raise NotFound(f"no snapshot named {name!r}")
        created, offset, frozen_at, scale, data = rows[0]
        self._load(unpack(bytes(data)))
        snap = Snapshot(name, {}, ClockState(offset, frozen_at, scale), created)
        snap.clock.apply(self.mock)
        return snap

    def listed(self) -> list[Snapshot]:
        rows = self.shared.execute(
            "SELECT name, created, clock_offset, clock_frozen_at, time_scale "
            "FROM mock_snapshots ORDER BY created, name")
        return [Snapshot(name, {}, ClockState(offset, frozen_at, scale), created)
                for name, created, offset, frozen_at, scale in rows]

    def delete(self, name: str) -> None:
        if not self.shared.execute("DELETE FROM mock_snapshots WHERE name = %(name)s "
                                   "RETURNING name", {"name": name}):
            raise NotFound(f"no snapshot named {name!r}")
