"""Which process runs the scheduler's background loop, when several share one database.

SQLite (in memory or a file) is one process: it always leads (:class:`Alone`), at no cost.

On PostgreSQL several ``mockcml serve`` processes (replicas, workers) may share one
database (:class:`Election`):

- **Leader.** A session-level advisory lock, taken on a connection of its own, decides who
  runs the background loop. PostgreSQL releases the lock when that connection ends, so a
  leader killed outright (SIGKILL: the kernel closes its socket, the server ends the
  session at once) is replaced as soon as a follower next tries the lock, which followers
  do every ``RETRY_SECONDS``. Server-side TCP keepalives bound the time to notice a
  leader whose host vanished without closing anything.
- **One pass at a time.** Requests in every process also run passes (``catch_up``) so that
  a client never sees a finished parent before its dependent run. Each pass's transaction
  first takes a transaction-level advisory lock (:meth:`Election.serialized`), so passes
  of different processes queue instead of firing the same due event twice; the
  trigger-key constraint on job runs stays as a second guard.
- **Seeing what others changed.** A process's cache (``dirty``, ``next_due``) only knows
  its own writes. A write that may add events bumps a shared counter (a sequence) after
  it commits and before its response leaves, and sends a NOTIFY that wakes the leader.
  Every pass check reads the counter (:meth:`Election.changed`): one indexless read of a
  sequence, about the cost of a ping. The NOTIFY alone would be cheaper but arrives
  asynchronously: a client that wrote through one process and at once reads through
  another could be answered before the notification lands, from a stale cache. The
  counter is ordered by the client's own requests (bumped before the write's answer),
  so that cannot happen. Events fired by a pass need no bump: they are never due
  earlier than the event that fired them, which every cache already has as due.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Literal

from sqlalchemy import Sequence, event
from sqlmodel import SQLModel

from mockcml.core.db import LOCK_LEADER, LOCK_PASS

if TYPE_CHECKING:
    from mockcml.core.db import Database

log = logging.getLogger("mockcml.scheduler")

Role = Literal["leader", "follower"]
CHANNEL = "mockcml_scheduler"
# A follower tries the leader lock this often; a leader re-checks the counter this often
# even when no notification came (one lost while reconnecting, say).
RETRY_SECONDS = 0.5
RECHECK_SECONDS = 1.0

# Part of the schema (created with it on PostgreSQL; SQLite has no sequences and needs none).
GENERATION = Sequence("mockcml_scheduler_generation", metadata=SQLModel.metadata)


class Alone:
    """One process on the database: always the leader; no shared state to look at."""

    role: Role = "leader"
    leading = True

    def start(self, wake: Callable[[bool], None]) -> None:
        pass

    async def stop(self) -> None:
        pass


class Election:
    """Leader election and cross-process wake-ups for processes sharing a PostgreSQL
    database. ``leading`` is read by the scheduler's loop; the rest runs as one asyncio
    task on its own connection, never on a database thread."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.leading = False
        self._seen = -1  # the counter as of the last pass's start (-1: never read)
        self._task: asyncio.Task | None = None
        self._local = threading.local()
        event.listen(db.engine, "begin", self._on_begin)

    @property
    def role(self) -> Role:
        return "leader" if self.leading else "follower"

    # -- the shared counter (database threads) ----------------------------------------

    def changed(self, now: int | None = None) -> tuple[bool, int]:
        """Whether another process (or this one) announced a change since the last pass,
        and the counter now; pass the counter to :meth:`passed` once a pass has run.
        ``now``: the counter as read since the caller's request arrived (the shared
        state's sync reads it with its row), which saves reading it again."""
        if now is None:
            with self.db.engine.connect() as conn:
                now = conn.exec_driver_sql(
                    f"SELECT last_value + (CASE WHEN is_called THEN 1 ELSE 0 END) "
                    f"FROM {GENERATION.name}").scalar_one()
        return now != self._seen, now

    def passed(self, generation: int) -> None:
        """A pass that began after ``generation`` was read has run: changes up to it are in."""
        self._seen = max(self._seen, generation)

    def announce(self) -> None:
        """After a commit that may add events: bump the counter and wake the leader. Runs
        before the request's answer leaves, which is what orders it (see the module)."""
        with self.db.engine.connect() as conn:
            conn.exec_driver_sql(f"SELECT nextval('{GENERATION.name}'), pg_notify('{CHANNEL}', '')")
            conn.commit()

    @contextlib.contextmanager
    def serialized(self) -> Iterator[None]:
        """Every transaction this thread begins inside takes the pass lock first."""
        self._local.passing = True
        try:
            yield
        finally:
            self._local.passing = False

    def _on_begin(self, conn) -> None:  # noqa: ANN001 - a SQLAlchemy Connection
        if getattr(self._local, "passing", False):
            # Held until the pass's transaction ends; a pass elsewhere waits here for it.
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({LOCK_PASS})")

    # -- the election (event loop) --------------------------------------------------

    def start(self, wake: Callable[[bool], None]) -> None:
        """``wake(dirty)`` wakes the scheduler loop: on election (dirty), on a notification
        or a re-check (not dirty: the loop's pass check reads the counter)."""
        self._task = asyncio.get_running_loop().create_task(self._run(wake), name="mockcml-leader")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.leading = False

    async def _run(self, wake: Callable[[bool], None]) -> None:
        import psycopg

        conninfo = self.db.engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False)
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(conninfo, autocommit=True,
                                                             connect_timeout=5)
                async with conn:
                    await self._serve(conn, wake)
            except (psycopg.Error, OSError) as exc:
                if self.leading:
                    log.warning("scheduler leadership lost: %s", exc)
                self.leading = False
                await asyncio.sleep(RETRY_SECONDS)

    async def _serve(self, conn, wake: Callable[[bool], None]) -> None:  # noqa: ANN001
        # A leader whose host disappears without closing its socket: the server notices
        # within idle + interval * count seconds (TCP connections only).
        await conn.execute("SET tcp_keepalives_idle = 2; SET tcp_keepalives_interval = 1; "
                           "SET tcp_keepalives_count = 2")
        while not self.leading:
            cursor = await conn.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_LEADER,))
            row = await cursor.fetchone()
            if row is not None and row[0]:
                break
            await asyncio.sleep(RETRY_SECONDS)
        await conn.execute(f"LISTEN {CHANNEL}")
        self.leading = True
        log.info("this process now runs the scheduler (leader)")
        wake(True)
        while True:
            async for _ in conn.notifies(timeout=RECHECK_SECONDS, stop_after=1):
                pass
            wake(False)  # a notification, or the periodic re-check
            # A dead connection shows up here rather than in notifies() on some paths.
            await conn.execute("SELECT 1")


def leadership_for(db: Database) -> Alone | Election:
    return Alone() if db.dialect == "sqlite" else Election(db)
