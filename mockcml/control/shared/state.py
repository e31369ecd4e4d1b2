"""Keeping N processes on one database in step: the ``mock_state`` row.

``memory`` mode (the default with SQLite) keeps everything in the process and pays nothing:
:class:`LocalState` does nothing. ``database`` mode (the default with PostgreSQL) reads the
one ``mock_state`` row at the start of every request, on a database thread, before the
fault check, the scheduler's catch-up and the handler; and before every /_mock control. A
group whose generation moved since this process last looked is applied: the clock (its
listeners fire here, so this worker's scheduler looks again), the response style and
journal settings, the fault list (reloaded). The same statement reads the scheduler's
generation counter and the key cache's token, which the request then uses instead of
reading its own. So a change made through one worker is in force for the very next
request any worker serves: strict read-after-write, for one primary-key read.

Small statements outside a request's unit of work (this row, fault counts, journal and
unknown-field inserts) go through a second, autocommit engine (:meth:`DatabaseState.execute`):
they must commit on their own (a faulted or failed request rolls its unit of work back,
but its fault count and journal entry stay). Each database thread keeps one of its
connections: no pool checkout and no pre-ping round trip per statement.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from mockcml.core.db import DB_WORKERS

if TYPE_CHECKING:
    from mockcml.control.faults import Fault
    from mockcml.core.state import Mock

log = logging.getLogger("mockcml.shared")
# How often an idle worker looks at the row by itself: a clock moved or events added
# through another worker wake this one's scheduler within this many seconds even when
# no request comes in.
POLL_SECONDS = 1.0

# With the row, in the same statement: the scheduler's generation counter (lifecycle/leader.py)
# and the key cache's token (core/auth.py). A request waits for a sync that started after it
# arrived, so these values are as fresh as reading them in the request, which then does not.
_SYNC = ("SELECT clock_gen, clock_offset, clock_frozen_at, time_scale, controls_gen, "
         "response_style, journal_bodies, journal_size, faults_gen, "
         "(SELECT last_value + (CASE WHEN is_called THEN 1 ELSE 0 END) "
         "FROM mockcml_scheduler_generation), (SELECT token FROM auth_state WHERE id = 1) "
         "FROM mock_state WHERE id = 1")


class LocalState:
    """``shared_state = memory``: one process owns everything; nothing to read or publish."""

    database = False
    # As of the latest sync (database mode): the scheduler's generation counter and the
    # key cache's token; None: a request reads its own.
    generation: int | None = None
    auth_token: int | None = None

    def __init__(self, mock: Mock) -> None:
        self.mock = mock

    def sync(self) -> None:
        pass

    async def enter(self, method: str, path: str, operation_id: str) -> Fault | None:
        return self.mock.faults.take(method, path, operation_id)

    async def synced(self) -> None:
        pass

    def advance_clock(self, seconds: float) -> None:
        self.mock.clock.advance(seconds)

    def freeze_clock(self) -> None:
        self.mock.clock.freeze()

    def unfreeze_clock(self) -> None:
        self.mock.clock.unfreeze()

    def publish_clock(self) -> None:
        pass

    def publish_controls(self) -> None:
        pass

    def ensure(self) -> None:
        pass

    def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    def close(self) -> None:
        pass


class DatabaseState(LocalState):
    """``shared_state = database``: the ``mock_state`` row is the truth."""

    database = True

    def __init__(self, mock: Mock) -> None:
        super().__init__(mock)
        self._engine: Engine | None = None
        self._local = threading.local()
        self._held: list[Any] = []  # every thread's connection, closed by close()
        self._held_lock = threading.Lock()
        self.seen: dict[str, int] = {}
        self._poller: asyncio.Task | None = None
        self._pending: asyncio.Task | None = None  # the next sync, callers wait for it
        self._running: asyncio.Task | None = None
        # Scheduler events added through another worker need nothing here: its poke bumps
        # the scheduler's generation counter (lifecycle/leader.py), which every pass check
        # compares, and wakes the leader.

    # --- statements --------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = create_engine(self.mock.db.url, isolation_level="AUTOCOMMIT",
                                         pool_size=DB_WORKERS, max_overflow=16)
            # A worker whose app never reached close() (a start that failed) still closes
            # its connections when it is collected, instead of leaving them to the GC.
            weakref.finalize(self, _release, self._held, self._engine)
        return self._engine

    def _connection(self) -> Any:
        """This thread's own autocommit driver connection, kept for the thread's life: a
        statement per request must not pay a pool checkout (database threads only, in
        practice, plus the thread that starts the app)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self.engine.raw_connection()
            self._local.conn = conn
            with self._held_lock:
                self._held.append(conn)
        return conn

    def execute(self, sql: str, params: Any = None) -> list[tuple]:
        """One autocommit statement (``params``: a dict, or a list of dicts for many rows);
        its rows, if it returns any. A connection the server closed is replaced once."""
        for attempt in (1, 2):
            conn = self._connection()
            try:
                with conn.driver_connection.cursor() as cursor:
                    if isinstance(params, list):
                        cursor.executemany(sql, params)
                        return []
                    cursor.execute(sql, params)
                    return cursor.fetchall() if cursor.description is not None else []
            except Exception as exc:
                import psycopg  # only here on PostgreSQL: a SQLite server never imports it

                if not isinstance(exc, psycopg.OperationalError):
                    raise
                self._local.conn = None
                conn.invalidate()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _bump(self, name: str, assignments: str = "", params: dict | None = None) -> None:
        rows = self.execute(f"UPDATE mock_state SET {name} = {name} + 1{assignments} "
                            f"WHERE id = 1 RETURNING {name}", params or {})
        if rows:
            self.seen[name] = rows[0][0]

    def bump_faults(self) -> None:
        self._bump("faults_gen")

    # --- publishing (called on a database thread) --------------------------------------

    # The clock moves in one statement each: an advance, a freeze and an unfreeze made
    # through two workers at the same moment all take effect (a read, then a write of the
    # result, would lose one). This worker's clock then takes the result (its listeners
    # wake the scheduler). ``wall`` is this worker's time.time(), as its clock uses.

    def advance_clock(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self._move_clock("clock_offset = CASE WHEN clock_frozen_at IS NULL THEN clock_offset"
                         " + %(by)s ELSE clock_offset END, "
                         "clock_frozen_at = clock_frozen_at + %(by)s", {"by": seconds})

    def freeze_clock(self) -> None:
        self._move_clock("clock_frozen_at = COALESCE(clock_frozen_at, %(wall)s + clock_offset)",
                         {"wall": time.time()})

    def unfreeze_clock(self) -> None:
        self._move_clock("clock_offset = COALESCE(clock_frozen_at - %(wall)s, clock_offset), "
                         "clock_frozen_at = NULL", {"wall": time.time()})

    def _move_clock(self, assignments: str, params: dict) -> None:
        rows = self.execute(f"UPDATE mock_state SET clock_gen = clock_gen + 1, {assignments} "
                            "WHERE id = 1 RETURNING clock_gen, clock_offset, clock_frozen_at",
                            params)
        generation, offset, frozen_at = rows[0]
        self.seen["clock_gen"] = generation
        self.mock.clock.restore(offset, frozen_at)

    def publish_clock(self) -> None:
        clock, settings = self.mock.clock, self.mock.settings
        self._bump("clock_gen", ", clock_offset = %(offset)s, clock_frozen_at = %(frozen)s, "
                   "time_scale = %(scale)s",
                   {"offset": clock.offset, "frozen": clock.frozen_at,
                    "scale": settings.time_scale})

    def publish_controls(self) -> None:
        journal = self.mock.journal
        self._bump("controls_gen", ", response_style = %(style)s, journal_bodies = %(bodies)s,"
                   " journal_size = %(size)s",
                   {"style": self.mock.response_style.current, "bodies": journal.record_bodies,
                    "size": journal.size})

    def ensure(self) -> None:
        """The row exists (the first process to start writes its own settings into it),
        and this process takes everything from it."""
        mock = self.mock
        self.execute(
            "INSERT INTO mock_state (id, clock_gen, clock_offset, clock_frozen_at, time_scale,"
            " controls_gen, response_style, journal_bodies, journal_size, faults_gen)"
            " VALUES (1, 0, %(offset)s, %(frozen)s, %(scale)s, 0, %(style)s,"
            " %(bodies)s, %(size)s, 0) ON CONFLICT (id) DO NOTHING",
            {"offset": mock.clock.offset, "frozen": mock.clock.frozen_at,
             "scale": mock.settings.time_scale, "style": mock.response_style.current,
             "bodies": mock.journal.record_bodies, "size": mock.journal.size})
        self.seen.clear()
        self.sync()

    # --- reading -----------------------------------------------------------------------

    def sync(self) -> None:
        """Apply whatever another process changed since this one last looked."""
        rows = self.execute(_SYNC)
        if not rows:
            return
        (clock_gen, offset, frozen_at, scale, controls_gen, style, bodies, size,
         faults_gen, self.generation, self.auth_token) = rows[0]
        mock, seen = self.mock, self.seen
        if seen.get("clock_gen") != clock_gen:
            seen["clock_gen"] = clock_gen
            mock.settings.time_scale = scale
            mock.clock.restore(offset, frozen_at)  # its listeners wake the scheduler
        if seen.get("controls_gen") != controls_gen:
            seen["controls_gen"] = controls_gen
            mock.response_style.current = style
            mock.journal.record_bodies, mock.journal.size = bodies, size
        if seen.get("faults_gen") != faults_gen:
            seen["faults_gen"] = faults_gen
            mock.faults.reload()

    async def enter(self, method: str, path: str, operation_id: str) -> Fault | None:
        """A contract request's first step in database mode: in step, then its fault (the
        count spent on a database thread; no hop at all when there are no faults)."""
        await self.fresh()
        faults = self.mock.faults
        if not faults.faults:
            return None
        return await self.mock.db.run(faults.take, method, path, operation_id)

    async def fresh(self) -> None:
        """Return once a :meth:`sync` that *started after this call* has finished.

        That is all read-after-write needs: whatever another worker committed before this
        request arrived is seen. Requests arriving together share one sync, so under load
        one read of the row serves many requests; at most one sync runs and one waits.
        """
        if self._pending is None:
            self._pending = asyncio.get_running_loop().create_task(self._next_sync())
        await asyncio.shield(self._pending)

    async def _next_sync(self) -> None:
        running = self._running
        if running is not None:
            await asyncio.wait([running])  # its outcome is its own waiters' business
        self._pending = None  # callers from now on need a sync that starts after them
        self._running = asyncio.current_task()
        try:
            await self.mock.db.run(self.sync)
        finally:
            self._running = None

    async def synced(self) -> None:
        if self.mock.ready:
            await self.fresh()

    # --- lifetime ----------------------------------------------------------------------

    def start(self) -> None:
        self._poller = asyncio.get_running_loop().create_task(self._poll(), name="mockcml-sync")

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(POLL_SECONDS)
            try:
                await self.fresh()
            except Exception:  # noqa: BLE001 - a database hiccup; the next poll tries again
                log.warning("could not read the shared state; retrying", exc_info=True)

    async def stop(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
            self._poller = None

    def close(self) -> None:
        with self._held_lock:
            engine, self._engine = self._engine, None
            _release(self._held, engine)
        self._local = threading.local()


def _release(held: list[Any], engine: Engine | None) -> None:
    """Close every kept connection (emptying ``held``) and the engine's pool."""
    kept, held[:] = list(held), []
    for conn in kept:
        try:
            conn.close()
        except Exception:  # noqa: BLE001 - closing a connection the server dropped
            pass
    if engine is not None:
        engine.dispose()


def choose(mock: Mock) -> Callable[[Mock], LocalState]:
    """The state keeper ``mock.settings.shared_state`` asks for (auto: by the database)."""
    return DatabaseState if database_mode(mock.settings.shared_state, mock.db.dialect) else LocalState


def database_mode(setting: str, dialect: str) -> bool:
    if setting == "auto":
        return dialect == "postgresql"
    if setting == "database" and dialect != "postgresql":
        raise ValueError("shared_state=database needs a PostgreSQL database (MOCKCML_DB="
                         "postgresql://...); with SQLite one process owns the state")
    return setting == "database"
