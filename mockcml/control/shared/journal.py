"""The request journal in the database: every worker's calls in one bounded list.

Calls are recorded on the event loop after their answer; a worker buffers them and writes
the buffer with one insert on a database thread, so under load one insert
carries many entries and an idle worker writes each call at once. The oldest rows past
``size`` are deleted with each write. Reads and ``wait`` go to the table (after writing
this worker's own buffer), so ``/_mock/journal/wait`` on one worker sees calls another
worker served; it polls, every ``WAIT_POLL`` seconds at most.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import TYPE_CHECKING, Any

from mockcml.control.journal import Entry, Filter, Journal

if TYPE_CHECKING:
    from mockcml.control.shared.state import DatabaseState

WAIT_POLL = 0.05
_COLUMNS = ("time", "method", "path", "query", "operation_id", "caller", "status",
            "duration_ms", "request_body", "response_body", "fault")
_TYPES = ("float8", "text", "text", "text", "text", "text", "int4", "float8", "text", "text",
          "text")
# A batch is one statement: a column of values per array, rows in their order (ids follow
# it). psycopg's executemany would send one INSERT per row, each parsed and run by the
# server: under load the journal was most of PostgreSQL's work per request.
_INSERT = (f"INSERT INTO mock_journal ({', '.join(_COLUMNS)}) "
           f"SELECT {', '.join(_COLUMNS)} FROM unnest("
           + ", ".join(f"%({c})s::{t}[]" for c, t in zip(_COLUMNS, _TYPES, strict=True))
           + f") WITH ORDINALITY AS batch({', '.join(_COLUMNS)}, n) ORDER BY n")


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


def _where(flt: Filter) -> tuple[str, dict[str, Any]]:
    clauses = ["id > %(after)s"]
    params: dict[str, Any] = {"after": flt.after}
    for name, value in (("operation_id", flt.operation_id), ("status", flt.status),
                        ("caller", flt.caller),
                        ("method", flt.method.upper() if flt.method else None)):
        if value is not None:
            clauses.append(f"{name} = %({name})s")
            params[name] = value
    if flt.path is not None:
        clauses.append("strpos(path, %(path)s) > 0")  # a substring, as in memory
        params["path"] = flt.path
    return " AND ".join(clauses), params


class SharedJournal(Journal):
    def __init__(self, shared: DatabaseState, size: int, record_bodies: bool) -> None:
        super().__init__(size=size, record_bodies=record_bodies)
        self.shared = shared
        self._buffer: list[dict[str, Any]] = []
        self._writer: asyncio.Task | None = None
        self._unpruned = 0
        # Held while a batch is on its way: a reader's flush waits for the batch a writer
        # has already taken from the buffer, so a worker always reads its own entries.
        self._writing = asyncio.Lock()

    @property
    def capturing(self) -> bool:
        return True

    def record(self, **fields: Any) -> Entry:
        row = {**fields, "request_body": _json(fields.get("request_body")),
               "response_body": _json(fields.get("response_body"))}
        self._buffer.append(row)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self.flush())
        return Entry(id=0, **fields)  # its id is the database's, known once written

    async def flush(self) -> None:
        async with self._writing:
            while self._buffer:
                batch, self._buffer = self._buffer, []
                await self.shared.mock.db.run(self._write, batch)

    def _write(self, batch: list[dict[str, Any]]) -> None:
        self.shared.execute(_INSERT, {c: [row[c] for row in batch] for c in _COLUMNS})
        # Old rows go every tenth of ``size`` written (a statement per write would cost as
        # much as the write); reads never return more than the newest ``size`` anyway.
        self._unpruned += len(batch)
        if self._unpruned >= max(1, self.size // 10):
            self._unpruned = 0
            self.shared.execute("DELETE FROM mock_journal WHERE id <= (SELECT max(id) FROM "
                                "mock_journal) - %(size)s", {"size": self.size})

    def _select(self, flt: Filter, order: str, limit: int) -> list[Entry]:
        where, params = _where(flt)
        rows = self.shared.execute(
            f"SELECT id, {', '.join(_COLUMNS)} FROM mock_journal WHERE {where} "
            f"ORDER BY id {order} LIMIT %(limit)s", {**params, "limit": limit})
        entries = []
        for row in rows:
            values = dict(zip(["id", *_COLUMNS], row, strict=True))
            for body in ("request_body", "response_body"):
                values[body] = None if values[body] is None else json.loads(values[body])
            entries.append(Entry(**values))
        return entries

    async def lookup(self, flt: Filter, limit: int | None = None) -> list[Entry]:
        await self.flush()
        # The newest ``limit`` (at most ``size``, the bound) of the matching, oldest first.
        newest = await self.shared.mock.db.run(self._select, flt, "DESC",
                                               min(limit or self.size, self.size))
        return newest[::-1]

    def find(self, flt: Filter, limit: int | None = None) -> list[Entry]:
        newest = self._select(flt, "DESC", min(limit or self.size, self.size))
        return newest[::-1]

    async def wait(self, flt: Filter, timeout: float) -> Entry | None:
        deadline = time.monotonic() + timeout
        while True:
            await self.flush()
            found = await self.shared.mock.db.run(self._select, flt, "ASC", 1)
            if found:
                return found[0]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            await asyncio.sleep(min(WAIT_POLL, remaining))

    async def close(self) -> None:
        await self.flush()

    def clear(self) -> None:
        self._buffer.clear()
        self.shared.execute("DELETE FROM mock_journal")
