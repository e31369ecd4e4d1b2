"""One scheduler step's view of what is due: events read in batches, fired in time order.

Asking every source for its earliest event before each event (a ``MIN()`` query per source
per event) and writing each new row on its own cost milliseconds per event. A step instead
reads each source's due events a batch at a time into memory and keeps them in a heap
ordered by (due time, source order), exactly the order in which they are fired; the rows
the firing creates or changes are collected in :class:`Writes` and reach the database as a
few ``executemany`` statements.

The invariant that keeps this exact: for each source, every pending event due at or before
its *watermark* is in memory, and every later one is in the database. An event that a
firing adds (a new run's finish, a retry, the next cron tick) goes into memory when it is
due at or before the watermark, and otherwise into the database (the writes are flushed
before the next batch is read), so no event is lost, read twice or fired out of order.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from mockcml.core.db import UnitOfWork
from mockcml.kit.sql import Row, execute_many, fetch_all

if TYPE_CHECKING:
    from mockcml.core.state import Mock
    from mockcml.lifecycle.scheduler import Source

# Due times read per batch and source: a step of EVENTS_PER_STEP events needs one or two.
BATCH = 256
NEVER = float("-inf")


class Writes:
    """Rows a step inserts, changes and deletes, written in bulk when flushed.

    A change to a row inserted since the last flush is folded into the insert; changes to
    one existing row are merged, so each row is written once per flush.
    """

    def __init__(self, db: Connection | UnitOfWork) -> None:
        self.db = db
        self._inserts: dict[str, dict[Any, dict[str, Any]]] = {}  # table -> id -> row
        self._updates: dict[str, dict[Any, dict[str, Any]]] = {}  # table -> id -> changes
        self._deletes: dict[tuple[str, str], list[Any]] = {}  # (table, key column) -> keys
        self._insert_sql: dict[str, str] = {}

    def insert(self, table: str, sql: str, row: dict[str, Any]) -> None:
        """Insert ``row`` (its ``id`` is the key) with ``sql``, the table's insert."""
        self._insert_sql[table] = sql
        self._inserts.setdefault(table, {})[row["id"]] = row

    def update(self, table: str, key: Any, **changes: Any) -> None:
        new = self._inserts.get(table, {}).get(key)
        if new is not None:
            new.update(changes)
        else:
            self._updates.setdefault(table, {}).setdefault(key, {}).update(changes)

    def delete(self, table: str, column: str, key: Any) -> None:
        self._deletes.setdefault((table, column), []).append(key)

    def flush(self) -> None:
        for table, rows in self._inserts.items():
            execute_many(self.db, self._insert_sql[table], list(rows.values()))
        for table, changes in self._updates.items():
            shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for key, change in changes.items():
                shapes.setdefault(tuple(sorted(change)), []).append({**change, "id": key})
            for columns, params in shapes.items():
                sets = ", ".join(f"{c} = :{c}" for c in columns)
                execute_many(self.db, f"UPDATE {table} SET {sets} WHERE id = :id", params)
        for (table, column), keys in self._deletes.items():
            execute_many(self.db, f"DELETE FROM {table} WHERE {column} = :key",
                         [{"key": k} for k in keys])
        self._inserts, self._updates, self._deletes = {}, {}, {}


@dataclass
class Step:
    """What a source's firing works with: the connection, the mock, the step's writes and
    the agenda (to add the events a firing creates), plus caches that live for one step."""

    db: Connection | UnitOfWork  # the step's transaction (Database.plain)
    mock: Mock
    now: float
    writes: Writes
    agenda: Agenda = field(init=False)
    cache: dict[str, Any] = field(default_factory=dict)

    def rows(self, sql: str, **params: Any) -> list[Row]:
        return fetch_all(self.db, sql, **params)

    def add(self, source: type, due: float, item: Any) -> None:
        """A new event of the source of type ``source``, due at ``due``."""
        self.agenda.add(self.agenda.index[source], due, item)


class Agenda:
    """The due events of every source, up to ``now``, in firing order."""

    def __init__(self, sources: Sequence[Source], step: Step, known: Sequence[float | None]
                 | None = None) -> None:
        self.sources = sources
        self.step = step
        step.agenda = self
        self.now = step.now
        self.index = {type(s): i for i, s in enumerate(sources)}
        self.mark = [NEVER] * len(sources)  # the watermarks
        self.complete = [False] * len(sources)  # read up to now: the watermark is now
        self.groups: list[dict[float, list[Any]]] = [{} for _ in sources]
        self.heap: list[tuple[float, int]] = []
        self.later: list[float | None] = [None] * len(sources)  # earliest due after now
        for i, due in enumerate(known or ()):
            # A source whose next event is known to be after now needs no reading at all.
            if due is None or due > self.now:
                self.mark[i], self.complete[i], self.later[i] = self.now, True, due

    def add(self, i: int, due: float, item: Any) -> None:
        if due <= self.mark[i]:
            group = self.groups[i].get(due)
            if group is None:
                group = self.groups[i][due] = []
                heapq.heappush(self.heap, (due, i))
            group.append(item)
        elif due > self.now:
            self._later(i, due)
        # else it is in the database, and a later batch of this source reads it

    def _later(self, i: int, due: float) -> None:
        later = self.later[i]
        self.later[i] = due if later is None else min(later, due)

    def _read(self, i: int) -> None:
        """The next batch of source ``i``'s due times, and their events."""
        self.step.writes.flush()  # what this step wrote must be visible to the read
        source, after = self.sources[i], self.mark[i]
        times = source.due_times(self.step, after, self.now, BATCH)
        due = [t for t in times if t <= self.now]
        if len(due) < BATCH:  # every due time up to now: the source is read to the end
            self.mark[i], self.complete[i] = self.now, True
            if len(due) < len(times):
                self._later(i, times[len(due)])
        else:
            self.mark[i] = due[-1]
        if due:
            for when, item in source.load(self.step, after, self.mark[i]):
                self.add(i, when, item)

    def _fill(self) -> None:
        for i in range(len(self.sources)):
            if not self.groups[i] and not self.complete[i]:
                self._read(i)

    def peek(self) -> tuple[float, int] | None:
        self._fill()
        return self.heap[0] if self.heap else None

    def pop(self) -> tuple[float, Source, list[Any]] | None:
        """The next event: its due time, its source and its items (one firing)."""
        if self.peek() is None:
            return None
        due, i = heapq.heappop(self.heap)
        return due, self.sources[i], self.groups[i].pop(due)

    def known(self) -> list[float | None]:
        """Each source's next due time once everything due by now has fired."""
        return list(self.later)


def ordered(items: Iterable[Any]) -> list[Any]:
    """Events of one due time in creation order (created_at, then id), as they are fired."""
    return sorted(items, key=lambda r: (r.created_at, r.id))
