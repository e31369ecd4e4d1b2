"""Storage: one SQLAlchemy engine, a transaction per request, SQLite tuned for a mock.

The database URL is a setting; resource code only sees sessions, so another
SQLAlchemy database can be plugged in without touching it. Two are supported: SQLite (a
file or in memory, the default) and PostgreSQL through psycopg 3 (``postgresql://...``).
"""

from __future__ import annotations

import asyncio
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql import sqltypes
from sqlalchemy.sql.functions import Function
from sqlmodel import Session, SQLModel, create_engine

# Database threads for a server database (PostgreSQL); each may hold two connections.
DB_WORKERS = 4
IN_MEMORY = ("sqlite://", "sqlite:///:memory:")
# PostgreSQL advisory lock keys (one 64-bit space per database), all of mockcml's here so
# that they stay distinct: the scheduler's leader and its passes (lifecycle/leader.py), a
# start's schema upgrade (mockcml/migrations) and the whole of its start-up: schema and
# seeding (Database.starting).
LOCK_LEADER = 0x6D6F636B_0001
LOCK_PASS = 0x6D6F636B_0002
LOCK_MIGRATE = 0x6D6F636B_0003
LOCK_START = 0x6D6F636B_0004


def normalize_url(url: str) -> str:
    """The SQLAlchemy URL for ``url``: plain ``postgresql://`` (or ``postgres://``, as
    libpq and most hosting providers write it) means psycopg 3, not SQLAlchemy's default
    driver psycopg2, which mockcml does not depend on."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


# A pooled connection idle this long is pinged before it is lent (the server may have
# restarted or dropped it meanwhile). SQLAlchemy's pool_pre_ping pings at every checkout:
# a round trip per request, a fifth of a PostgreSQL read's time. A busy pool's
# connections are never idle that long; a server lost under load fails one request,
# after which the pool drops every connection it holds (SQLAlchemy's disconnect handling).
PING_AFTER_IDLE = 5.0


def _ping_when_idle(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _idle(dbapi_connection, record) -> None:  # noqa: ANN001 - SQLAlchemy's hook
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _lend(dbapi_connection, record, proxy) -> None:  # noqa: ANN001 - SQLAlchemy's hook
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < PING_AFTER_IDLE:
            return
        try:
            dbapi_connection.execute("SELECT 1")
            dbapi_connection.rollback()
        except Exception as exc:  # noqa: BLE001 - any failure: a new connection instead
            raise DisconnectionError() from exc


def make_engine(url: str) -> Engine:
    url = normalize_url(url)
    if not url.startswith("sqlite"):
        engine = create_engine(url, pool_size=2 * DB_WORKERS, max_overflow=4)
        _ping_when_idle(engine)
        return engine
    in_memory = url in IN_MEMORY
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False},
        # One shared connection keeps an in-memory database alive and visible everywhere.
        poolclass=StaticPool if in_memory else None,
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        if not in_memory:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=5000")
        cur.close()

    return engine


# SQLite idioms the resource code uses, spelled for PostgreSQL at compile time, so that
# queries are written once. SQLite is dynamically typed and has scalar max()/min().
_SCALAR = {"max": "greatest", "min": "least"}


@compiles(Function, "postgresql")
def _pg_function(element: Function, compiler, **kw) -> str:  # noqa: ANN001
    name = element.name.lower()
    args = list(element.clauses)
    if name == "instr":
        # Substring search in list filters: strpos has the same arguments and result
        # (1-based, 0 when absent); the haystack may be a number SQLite would compare as text.
        return f"strpos({_as_text(args[0], compiler, kw)}, {compiler.process(args[1], **kw)})"
    if name == "coalesce" and _mixed(args):
        return _pg_coalesce(args, compiler, kw)
    if name == "substr" and len(args) > 1:
        # Positions bind as BIGINT here (see _pg_integer); substr takes INTEGER.
        rest = ", ".join(f"CAST({compiler.process(a, **kw)} AS INTEGER)" for a in args[1:])
        return f"substr({compiler.process(args[0], **kw)}, {rest})"
    if name in _SCALAR and len(args) > 1:
        return "{}({})".format(_SCALAR[name], ", ".join(compiler.process(a, **kw) for a in args))
    return compiler.visit_function(element, **kw)


def _pg_coalesce(args: list, compiler, kw) -> str:  # noqa: ANN001
    """``coalesce(number, "")``: list sorting makes nullable sort keys total that way, and
    SQLite orders every number before any text, so NULLs come last. PostgreSQL wants one
    type: the same order comes from a number above every stored one (finite, so that page
    tokens can carry it). Anything else mixed is compared as text, as SQLite would."""
    head, rest = args[0], args[1:]
    if isinstance(head.type, sqltypes.Integer | sqltypes.Float | sqltypes.Numeric):
        top = "9223372036854775807" if isinstance(head.type, sqltypes.Integer) else "1e308"
        return f"coalesce({compiler.process(head, **kw)}, {top})"
    return "coalesce({})".format(", ".join(_as_text(arg, compiler, kw) for arg in [head, *rest]))


def _is_text(expr) -> bool:  # noqa: ANN001
    return isinstance(getattr(expr, "type", None), sqltypes.String)


def _mixed(args: list) -> bool:
    return any(_is_text(a) for a in args) and not all(_is_text(a) for a in args)


def _as_text(expr, compiler, kw) -> str:  # noqa: ANN001
    if _is_text(expr):
        return compiler.process(expr, **kw)
    if isinstance(expr, Function) and expr.name.lower() == "coalesce":
        return "coalesce({})".format(", ".join(_as_text(a, compiler, kw) for a in expr.clauses))
    return f"CAST({compiler.process(expr, **kw)} AS TEXT)"


_catalog = threading.local()


@contextmanager
def catalog_reads() -> Iterator[None]:
    """Inside, SQLAlchemy's own catalog queries work on PostgreSQL: reflection (as Alembic's
    schema comparison uses it) binds small integers where the catalog functions want
    INTEGER (``generate_subscripts(indkey, 1)``), which a BIGINT bind breaks."""
    _catalog.reading = True
    try:
        yield
    finally:
        _catalog.reading = False


@compiles(sqltypes.Integer, "postgresql")
def _pg_integer(type_, compiler, **kw) -> str:  # noqa: ANN001
    """SQLite integers are 64-bit (sizes in bytes, epoch milliseconds); so are ours."""
    if kw.get("type_expression") is None and getattr(_catalog, "reading", False):
        return compiler.visit_integer(type_, **kw)  # a bind in a catalog query
    return "BIGINT"


# --- the credentials' version (core/auth.py caches keys against it) ------------------------
# ``auth_state`` holds one random token, replaced by triggers on every write to ``users`` or
# ``api_keys``, from any connection or process, and whenever the schema is (re)created or
# dropped. A key looked up while the token was T is still what the database says as long
# as the token is still T. The table is outside the models' metadata on purpose: snapshots
# and resets (which copy or truncate the models' tables) change users and keys through the
# triggers, so they give a new token, or restore a token together with the rows it stood for.
AUTH_TABLES = ("users", "api_keys")
OUTSIDE_MODELS = ("auth_state",)  # tables the migrations neither make nor compare
_SQLITE_AUTH = [
    "CREATE TABLE IF NOT EXISTS auth_state (id INTEGER PRIMARY KEY, token INTEGER NOT NULL)",
    "INSERT OR IGNORE INTO auth_state (id, token) VALUES (1, random())",
    *(f"CREATE TRIGGER IF NOT EXISTS auth_state_{table}_{verb.lower()} AFTER {verb} ON {table} "
      "BEGIN UPDATE auth_state SET token = random() WHERE id = 1; END"
      for table in AUTH_TABLES for verb in ("INSERT", "UPDATE", "DELETE")),
]
_PG_TOKEN = "floor(random() * 9.2e18)::bigint"
_PG_AUTH = [
    "CREATE TABLE IF NOT EXISTS auth_state (id INTEGER PRIMARY KEY, token BIGINT NOT NULL)",
    f"INSERT INTO auth_state (id, token) VALUES (1, {_PG_TOKEN}) ON CONFLICT (id) DO NOTHING",
    "CREATE OR REPLACE FUNCTION mockcml_auth_changed() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN UPDATE auth_state SET token = {_PG_TOKEN} WHERE id = 1; RETURN NULL; END $$",
]
_PG_TRIGGER = ("CREATE TRIGGER auth_state_{0} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
               "ON {0} FOR EACH STATEMENT EXECUTE FUNCTION mockcml_auth_changed()")


@event.listens_for(SQLModel.metadata, "after_create")
def _auth_state_created(_metadata, connection, **_kw) -> None:  # noqa: ANN001
    _auth_state(connection, triggers=True)


@event.listens_for(SQLModel.metadata, "after_drop")
def _auth_state_dropped(_metadata, connection, **_kw) -> None:  # noqa: ANN001
    # Tables made again will hold other users and keys than the token stood for.
    _auth_state(connection, triggers=False)


def _auth_state(connection, triggers: bool) -> None:  # noqa: ANN001
    """The table and its row (and, while the tables exist, the triggers); a new token."""
    dialect = connection.dialect.name
    if dialect not in ("sqlite", "postgresql"):
        return
    statements = _SQLITE_AUTH if dialect == "sqlite" else _PG_AUTH
    for statement in statements if triggers else statements[:2]:
        connection.exec_driver_sql(statement)
    if triggers and dialect == "postgresql":
        for table in AUTH_TABLES:
            exists = connection.exec_driver_sql(
                f"SELECT 1 FROM pg_trigger WHERE tgname = 'auth_state_{table}'").first()
            if exists is None:
                connection.exec_driver_sql(_PG_TRIGGER.format(table))
    token = "random()" if dialect == "sqlite" else _PG_TOKEN
    connection.exec_driver_sql(f"UPDATE auth_state SET token = {token} WHERE id = 1")


P = ParamSpec("P")
T = TypeVar("T")


class Database:
    """The engine, and the one place where database work runs: :meth:`run`.

    The event loop never touches the database. Every request's database work runs on a
    small pool of threads (one for SQLite, whose writers serialize anyway and whose
    in-memory database is one shared connection), so a slow statement, a large upload or
    a scheduler catch-up never stops the loop from reading other requests, answering
    health checks or waking journal waiters; and no connection is ever held while a
    coroutine waits on a client. Each thread uses at most two pooled connections at a
    time, and the pool is at least that large, so a checkout never waits.
    """

    def __init__(self, url: str) -> None:
        url = normalize_url(url)
        self.url = url
        self.dialect = "sqlite" if url.startswith("sqlite") else url.split(":", 1)[0].split("+")[0]
        self.engine = make_engine(url)
        self.workers = 1 if url.startswith("sqlite") else DB_WORKERS
        # SQLite work is serialized: an in-memory database is one connection that work from
        # two threads must not interleave on, and a file database has one writer anyway.
        # The lock also lets a short read run on the loop when nothing else holds it (inline).
        self._serial = threading.RLock() if url.startswith("sqlite") else None
        self._pool: ThreadPoolExecutor | None = None
        self.queued = 0
        self._holders = 0  # in-memory SQLite: units of work using the one connection
        self._contending = 0  # threads blocked on _serial: run_inline lets them go first
        self._counting = threading.Lock()  # for _contending
        # Short calls waiting on the loop for their turn at the lock (run_short), first
        # come first served; the loop they wait on, and its thread.
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._waiting_loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._local = threading.local()  # this thread's open transactions' deferred calls
        # In-memory SQLite: the one driver connection (StaticPool) that plain reads use
        # without a pool checkout and return per request (see UnitOfWork).
        self._static = isinstance(self.engine.pool, StaticPool)
        self._driver: Any = None

    @property
    def _executor(self) -> ThreadPoolExecutor:
        # Made on first use, and again after dispose(): an app can be started twice in tests.
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="mockcml-db")
        return self._pool

    async def run(self, func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``func(*args, **kwargs)`` on a database thread; the caller's loop stays free."""
        self.queued += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(
                self._executor, lambda: func(*args, **kwargs))
        finally:
            self.queued -= 1

    def run_inline(self, func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> tuple[bool, T | None]:
        """``(True, func(...))`` right here if the database is free this instant, else
        ``(False, None)`` at once: the caller then uses :meth:`run`.

        A hop to the database thread costs about as much as a short read itself, so a read
        (or a short write) that finds SQLite idle runs on the loop. It cannot wait: the lock
        is only tried, and every connection the pool holds is free while the lock is (one
        thread at a time).

        Fair: while another thread waits for the lock (``_contending``), nothing runs
        inline, so that thread gets the lock next. Python's lock is not fair: the loop
        holds the GIL when it releases the lock and would take it again for the next
        inline call before the waiting thread wakes, starving the database thread (and
        every request queued on it) for as long as requests keep coming: a p99 of 10x
        the p50 under load. Work merely queued for the database thread does not stop
        inline calls: under a steady load that queue never empties, and every call would
        pay the hop again. A queued call waits for at most one inline call per turn.
        """
        if (self._serial is None or self._waiting or self._contending
                or not self._serial.acquire(blocking=False)):
            return False, None  # waiters (run_short) go first: this one would not wake them
        try:
            return True, func(*args, **kwargs)
        finally:
            self._serial.release()

    async def run_short(self, func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``func(*args, **kwargs)``, short (a read, a small write), on the loop itself:
        at once when SQLite is free, else in turn once the database thread lets go.

        :meth:`run_inline` alone falls back to the database thread when the lock is taken;
        under a steady load the thread then always has work queued, holds the lock, and
        every later call finds it taken too: all of them pay the hop (about as much as the
        call itself, and the GIL changes threads twice). Waiting on the loop instead, in a
        first-come queue that the releasing thread wakes, keeps short calls on the loop
        and their order fair. PostgreSQL (no lock): :meth:`run`.
        """
        if self._serial is None:
            return await self.run(func, *args, **kwargs)
        if self._waiting or not self._take():
            await self._turn()
        try:
            return func(*args, **kwargs)
        finally:
            self._serial.release()
            if self._waiting:
                self._next_turn()

    def _take(self) -> bool:
        """The lock, if free and no thread is blocked on it (run_inline's fairness)."""
        assert self._serial is not None
        return not self._contending and self._serial.acquire(blocking=False)

    async def _turn(self) -> None:
        """Wait on the loop until this call holds the lock, behind earlier waiters."""
        loop = asyncio.get_running_loop()
        self._waiting_loop, self._loop_thread = loop, threading.get_ident()
        first = False  # woken once: wait again at the front, not behind later arrivals
        while True:
            turn = loop.create_future()
            if first:
                self._waiting.appendleft(turn)
            else:
                self._waiting.append(turn)
            # The lock may have been let go between the try and the append, by a thread
            # that saw no waiter to wake: try once more before sleeping.
            if self._waiting[0] is turn and self._take():
                self._waiting.popleft()
                return
            try:
                await turn
            except asyncio.CancelledError:
                if turn in self._waiting:
                    self._waiting.remove(turn)
                elif self._waiting:
                    self._next_turn()  # woken, then cancelled: pass the turn on
                raise
            if self._take():
                return
            first = True

    def _next_turn(self) -> None:
        """On the loop: wake the first waiter (it tries the lock; if taken, waits again)."""
        while self._waiting:
            turn = self._waiting.popleft()
            if not turn.done():
                turn.set_result(None)
                return

    def _released(self) -> None:
        """A thread other than the loop's let go of the lock: wake the loop's first waiter."""
        loop = self._waiting_loop
        if self._waiting and loop is not None and threading.get_ident() != self._loop_thread:
            try:
                loop.call_soon_threadsafe(self._next_turn)
            except RuntimeError:  # the loop has closed: nobody waits on it any more
                pass

    def call(self, func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``run`` for synchronous callers outside the loop (start-up, tests, CLI)."""
        return self._executor.submit(func, *args, **kwargs).result()

    def status(self) -> dict[str, int]:
        """Pool and queue figures for /_mock/ready: what is checked out right now.

        Read from counters, never by checking a connection out: it answers while busy.
        """
        pool = self.engine.pool
        checked_out = pool.checkedout() if hasattr(pool, "checkedout") else self._holders
        return {"workers": self.workers, "checked_out": checked_out, "queued": self.queued}

    def create_all(self) -> None:
        """The schema. In memory it comes from the generated SQLite script (``core/ddl.py``;
        the models when that script is stale), and Alembic is not even imported (start-up
        time); a SQLite file or a PostgreSQL database is created or upgraded in place to the
        newest migration (``mockcml/migrations``)."""
        if self.url in IN_MEMORY:
            from mockcml.core.ddl import create_sqlite

            if not create_sqlite(self.engine, SQLModel.metadata):
                SQLModel.metadata.create_all(self.engine)
        else:
            from mockcml.migrations import SchemaMismatch, upgrade

            try:
                upgrade(self.engine)
            except SchemaMismatch as exc:
                raise SystemExit(f"mockcml: cannot use {self.engine.url!r}: {exc}") from None
        # Neither the script nor the migrations make auth_state (it is outside the models):
        # made here, whichever way the tables came.
        with self.engine.begin() as connection:
            _auth_state(connection, triggers=True)

    @contextmanager
    def starting(self) -> Iterator[None]:
        """Start-up (schema, seeding) of one process at a time on a server database: the
        workers of ``mockcml serve --workers N``, or replicas started together, would
        otherwise race to create the tables and to seed an empty database twice."""
        if self.dialect != "postgresql":
            yield
            return
        with self.engine.connect() as conn:
            conn.exec_driver_sql(f"SELECT pg_advisory_lock({LOCK_START})")
            conn.commit()
            try:
                yield
            finally:
                conn.exec_driver_sql(f"SELECT pg_advisory_unlock({LOCK_START})")
                conn.commit()

    def exclusive(self, session: Session, name: str) -> None:
        """On PostgreSQL, hold a lock named ``name`` until ``session``'s transaction ends, so
        that processes sharing the database take turns (a second one waits, then sees what
        the first committed); SQLite's single writer already serializes."""
        if self.dialect == "postgresql":
            key = zlib.crc32(name.encode())
            session.connection().exec_driver_sql(f"SELECT pg_advisory_xact_lock({key})")

    def drop_all(self) -> None:
        SQLModel.metadata.drop_all(self.engine)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on any error."""
        with self._deferring(), self._serialized():
            session = Session(self.engine, expire_on_commit=False)
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A Core connection in one transaction, committed on success and rolled back on
        any error: for plain-SQL work that needs no ORM session (the scheduler's steps)."""
        with self._deferring(), self._serialized(), self.engine.begin() as connection:
            yield connection

    @contextmanager
    def plain(self) -> Iterator[Connection | UnitOfWork]:
        """:meth:`connection`, or on an in-memory SQLite a unit of work on its one driver
        connection (kit.sql reads and writes take either): no pool checkout and no
        SQLAlchemy Connection, which cost as much as a small scheduler step."""
        if not self._static:
            with self.connection() as connection:
                yield connection
            return
        with self.unit_of_work() as work:
            yield work

    def when_done(self, func: Callable[[], object]) -> None:
        """``func()`` once this thread's open transaction ends (committed or not), or now.

        For wake-ups such as the scheduler's poke: with several database threads
        (PostgreSQL) a woken reader on another thread must find the writes committed, or it
        would look, see nothing new, and go back to sleep.
        """
        stack = getattr(self._local, "pending", None)
        if stack:
            stack[-1].append(func)
        else:
            func()

    @contextmanager
    def _deferring(self) -> Iterator[None]:
        stack = self._local.__dict__.setdefault("pending", [])
        stack.append([])
        try:
            yield
        finally:
            for func in stack.pop():
                func()

    def serialized(self) -> Any:
        """SQLite's lock, held across a block (re-entrant; nothing on PostgreSQL)."""
        return self._serialized()

    @contextmanager
    def _serialized(self) -> Iterator[None]:
        if self._serial is None:
            yield
            return
        if not self._serial.acquire(blocking=False):
            with self._counting:
                self._contending += 1
            try:
                self._serial.acquire()
            finally:
                with self._counting:
                    self._contending -= 1
        try:
            self._holders += 1
            try:
                yield
            finally:
                self._holders -= 1
        finally:
            self._serial.release()
            if self._waiting:
                self._released()

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        """One request's work: committed on success, rolled back on any error."""
        with self._deferring(), self._serialized():
            work = UnitOfWork(self.engine, self._static_driver() if self._static else None)
            try:
                yield work
                work.commit()
            except BaseException:
                work.rollback()
                raise
            finally:
                work.close()

    def _static_driver(self) -> Any:
        """The in-memory database's one driver connection (made again after a dispose)."""
        if self._driver is None:
            fairy = self.engine.raw_connection()
            self._driver = fairy.driver_connection
            fairy.close()  # a StaticPool keeps the connection open for every checkout
        return self._driver

    def dispose(self) -> None:
        self._driver = None
        self._waiting.clear()  # futures of a loop that is gone
        self._waiting_loop = None
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        self.engine.dispose()


class UnitOfWork:
    """Plain-SQL reads on a pooled driver connection, and an ORM session only if needed.

    Most requests only read; an ORM session costs more than the query. Reads made before
    the session exists see committed data (no transaction is open for them); once a
    session exists, reads go through its connection and see its own writes.
    """

    def __init__(self, engine: Engine, driver: Any = None) -> None:
        self.engine = engine
        self._session: Session | None = None
        self._raw = None
        # An in-memory SQLite's one connection, used as it is: checking it out of its
        # StaticPool and back in costs more than a small read (Database.unit_of_work).
        self._driver = driver

    @property
    def writing(self) -> bool:
        """Whether the ORM session exists: from then on reads go through its transaction."""
        return self._session is not None

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = Session(self.engine, expire_on_commit=False)
        return self._session

    def writer(self) -> Any:
        """Where plain-SQL writes (kit.sql.execute) go: the in-memory SQLite's one driver
        connection while no session is open (the sqlite3 module begins a transaction at
        the first write, and :meth:`commit` commits it), else the ORM session. A session
        opened later shares that connection (StaticPool), so it commits or rolls back these
        writes with its own. A file database or PostgreSQL always writes through the
        session: another pooled connection holding a write would lock the session out."""
        return self._driver if self.plain_writes else self.session

    @property
    def plain_writes(self) -> bool:
        """Whether plain-SQL writes go to the driver connection (see :meth:`writer`)."""
        return self._session is None and self._driver is not None

    def driver_connection(self):  # noqa: ANN201 - the DBAPI connection
        if self._session is not None:
            return self._session.connection().connection.driver_connection
        if self._driver is not None:
            return self._driver
        if self._raw is None:
            self._raw = self.engine.raw_connection()
            if self.engine.dialect.name != "sqlite":
                self._raw.driver_connection.autocommit = True  # reads only (kit/sql.py)
        return self._raw.driver_connection

    def read(self, sql: str, params: Any) -> Any:
        """A plain read on the driver in autocommit (PostgreSQL, before any write; see
        kit/sql.py). A connection the server dropped (a restart, an idle timeout) is
        replaced once: a read outside any transaction can simply be asked again. The
        pool's other connections are as old, so the pool starts afresh (SQLAlchemy does
        the same when a statement of its own meets a disconnect)."""
        try:
            return self.driver_connection().execute(sql, params)
        except Exception as exc:
            import psycopg

            if not isinstance(exc, psycopg.OperationalError) or self._raw is None:
                raise
            raw, self._raw = self._raw, None
            raw.invalidate()
            raw.close()
            self.engine.dispose()  # its idle ones closed; checked-out ones stay their holders'
            return self.driver_connection().execute(sql, params)

    def commit(self) -> None:
        if self._session is not None:
            self._session.commit()
        elif self._driver is not None and self._driver.in_transaction:
            self._driver.commit()  # plain writes (see writer)

    def rollback(self) -> None:
        if self._session is not None:
            self._session.rollback()
        elif self._driver is not None and self._driver.in_transaction:
            self._driver.rollback()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
        if self._raw is not None:
            self._raw.rollback()  # ends any read transaction the driver opened
            if self.engine.dialect.name != "sqlite":
                self._raw.driver_connection.autocommit = False  # as the pool lent it
            self._raw.close()
        elif self._driver is not None and self._session is None and self._driver.in_transaction:
            self._driver.rollback()


# --- PostgreSQL whole-state operations (snapshots, reset, fixture loading) ---------------
# SQLite copies a whole database with its online backup API and restarts rowids by itself;
# these are the PostgreSQL equivalents, all in the caller's transaction.


def data_tables() -> list:
    """The tables of the mocked world, parents first: every table except the mock's own
    shared state (``info["mock_state"]``: faults, journal, snapshots...), which snapshots,
    reset and fixture loading leave alone."""
    return [t for t in SQLModel.metadata.sorted_tables if not t.info.get("mock_state")]


_tables = data_tables


def _quoted(session: Session, name: str) -> str:
    return session.connection().dialect.identifier_preparer.quote(name)


def _driver(session: Session) -> Any:
    """The psycopg connection under a session (present while the session's connection is)."""
    driver = session.connection().connection.driver_connection
    assert driver is not None
    return driver


def pg_dump_tables(session: Session) -> dict[str, bytes]:
    """Every table's rows as PostgreSQL binary COPY data: exact types, no parsing."""
    cursor = _driver(session).cursor()
    dump: dict[str, bytes] = {}
    for table in _tables():
        with cursor.copy(f"COPY {_quoted(session, table.name)} TO STDOUT (FORMAT binary)") as copy:
            dump[table.name] = b"".join(bytes(chunk) for chunk in copy)
    return dump


def pg_truncate_all(session: Session) -> None:
    """Empty every table in one statement; ids start again at 1, as on an empty SQLite."""
    names = ", ".join(_quoted(session, t.name) for t in _tables())
    session.connection().exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


def pg_load_tables(session: Session, dump: dict[str, bytes]) -> None:
    """Replace every table's rows with ``dump`` (from :func:`pg_dump_tables`)."""
    pg_truncate_all(session)
    cursor = _driver(session).cursor()
    for table in _tables():  # parents before children: foreign keys hold row by row
        data = dump.get(table.name)
        if data:
            with cursor.copy(f"COPY {_quoted(session, table.name)} FROM STDIN (FORMAT binary)") as copy:
                copy.write(data)
    pg_sync_sequences(session)


def pg_sync_sequences(session: Session) -> None:
    """Point every id sequence past the largest id: rows written with explicit ids (fixtures,
    restored snapshots) do not advance it, and SQLite's next rowid is always max + 1."""
    connection = session.connection()
    for table in _tables():
        for column in table.primary_key.columns:
            if column.autoincrement is not True and not (
                    column.autoincrement == "auto" and len(table.primary_key.columns) == 1
                    and isinstance(column.type, sqltypes.Integer)):
                continue
            name, col = _quoted(session, table.name), _quoted(session, column.name)
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{name}', '{column.name}'), "
                f"coalesce((SELECT max({col}) FROM {name}), 0) + 1, false) "
                f"WHERE pg_get_serial_sequence('{name}', '{column.name}') IS NOT NULL")
