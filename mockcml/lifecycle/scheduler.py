"""Fires the side effects of time passing: cron ticks, dependent jobs, retries.

Statuses need no scheduler (they are derived from stored facts and the clock); only
effects that create rows do. Each *source* reads its due events and fires them. The
scheduler fires every due event in time order, so a clock jump of two hours replays an
hourly cron twice, in order, with each run created at its due time; a step reads the due
events in batches and writes in bulk (``lifecycle/agenda.py``).

It sleeps until the next due event or until poked (a write that may add events, a
clock jump) or told of one new event (``expect``): an idle server does no work.
Requests also call ``catch_up()`` first, so a client never sees a finished parent before
its dependent run exists.

Work is done in bounded *steps* (``EVENTS_PER_STEP`` events, one transaction, one turn
on the database thread): a clock jump over a minutely cron, or any chain that keeps
making events, is worked off step by step with requests served in between, instead of
holding the database (and every caller waiting on it) for as long as it takes.

With several processes on one PostgreSQL database, only the elected leader runs the
background loop; requests everywhere still catch up, one pass at a time across processes
(``lifecycle/leader.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Awaitable, Iterable
from typing import Any, Protocol

from mockcml.core.state import Mock
from mockcml.lifecycle.agenda import Agenda, Step, Writes
from mockcml.lifecycle.leader import Election, leadership_for

log = logging.getLogger("mockcml.scheduler")
# One step: enough for any ordinary jump (a day of a 5-minute cron is 288 events), small
# enough to take well under a second.
EVENTS_PER_STEP = 500
# A clock advance waits for at most this many steps before it answers; the background
# loop works off whatever is left.
STEPS_PER_ADVANCE = 20
# How long the loop leaves an event that was due the moment it was added to the requests
# (see Scheduler._expect_now), in wall seconds.
AWAKE_GRACE = 0.005


class Source(Protocol):
    """One kind of scheduled event. Its events are rows with a due time; the events of one
    source due at one time are fired together, as one scheduler event."""

    def due_times(self, step: Step, after: float, upto: float, limit: int) -> list[float]:
        """The distinct due times in (``after``, ``upto``], earliest first, at most
        ``limit``; then the earliest one after ``upto``, if there is one."""

    def load(self, step: Step, after: float, upto: float) -> Iterable[tuple[float, Any]]:
        """Every pending event due in (``after``, ``upto``], as (due time, item)."""

    def fire(self, step: Step, due: float, items: list[Any]) -> None:
        """Carry out the events due at ``due``: ``items`` as loaded, or as added during the
        step (``Step.add``); writes go to ``step.writes``."""


class Scheduler:
    def __init__(self, mock: Mock, sources: list[Source]) -> None:
        self.mock = mock
        self.sources = sources
        self.step = EVENTS_PER_STEP  # events per step; tests lower it
        self.next_due: float | None = None
        # Events may be due that no pass has looked at yet (a poke, or a step that stopped at
        # its limit): the next catch-up must look.
        self.dirty = True
        self._wake: asyncio.Event | None = None
        self._loop_of: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task | None = None
        self._pass: asyncio.Future | None = None  # the loop's pass in flight, if any
        self._passing = threading.Lock()
        self._busy = False  # a pass holds _passing (several database threads only)
        # Each source's next due time, known since the last complete pass and kept up to
        # date by expect(): a pass does not ask a source whose next event is later than now.
        # None: unknown (a poke), every source is asked.
        self._known: list[float | None] | None = None
        self._index = {type(source): i for i, source in enumerate(sources)}
        self._guard = threading.Lock()  # _known, next_due and _changes, across threads
        self._changes = 0  # pokes and expects so far: a pass that saw one begin is stale
        self._waking = False  # a wake-up is on its way to the loop: one is enough
        self.leader = leadership_for(mock.db)
        # Several processes may share the database (PostgreSQL) or not (SQLite: None).
        self.election = self.leader if isinstance(self.leader, Election) else None
        # A clock jump wakes this process; the others apply the same jump from the shared
        # state (control/shared) and are woken by it there.
        mock.clock.subscribe(lambda: mock.db.when_done(lambda: self._woken(True)))

    def poke(self) -> None:
        """Something may have added events: look again. Safe from any thread (handlers run
        on database threads; the wake event belongs to the loop). Called inside a
        transaction, it takes effect when that transaction has ended."""
        self.mock.db.when_done(self._poke_now)

    def _poke_now(self) -> None:
        if self.election is not None:  # PostgreSQL: tell the other processes too
            self.election.announce()
        self._woken(True)

    def _woken(self, dirty: bool) -> None:
        """Wake the loop; ``dirty``: events may have been added that no cache knows of."""
        if dirty:
            with self._guard:
                self._changes += 1
                self._known = None
                self.dirty = True
        self._wake_loop()

    def expect(self, source: type, due: float) -> None:
        """A write added one event of ``source`` due at ``due`` (a new run's finish): a
        precise poke. Unlike :meth:`poke`, the next pass need not ask every source again,
        and the loop is woken only if the event is earlier than everything it waits for."""
        self.mock.db.when_done(lambda: self._expect_now(self._index[source], due))

    def _expect_now(self, i: int, due: float) -> None:
        if self.election is not None:
            # The leader may be another process: its caches do not know of this event.
            self.election.announce()
        with self._guard:
            self._changes += 1
            if self._known is not None:
                known = self._known[i]
                self._known[i] = due if known is None else min(known, due)
            earlier = self.next_due is None or due < self.next_due
            if earlier:
                self.next_due = due
        if earlier:
            # Due already (a run that ends as it starts, at time scale 0): while requests
            # keep coming, each one's catch-up fires it before it answers, so the loop
            # looks a moment later instead of taking the database from them now.
            self._wake_loop(AWAKE_GRACE if due <= self.mock.clock.now() else 0.0)

    def _wake_loop(self, after: float = 0.0) -> None:
        # One wake-up in flight is enough: the loop looks at everything when it wakes. A
        # cross-thread call per write costs more than the write itself under load.
        if self._waking or self._wake is None or self._loop_of is None:
            return
        self._waking = True
        try:
            if after:
                self._loop_of.call_soon_threadsafe(self._loop_of.call_later, after,
                                                   self._wake.set)
            else:
                self._loop_of.call_soon_threadsafe(self._wake.set)
        except RuntimeError:  # the loop has closed: nothing left to wake
            pass

    def catch_up(self, generation: int | None = None) -> int:
        """Fire what is due by now, at most ``self.step`` events (one step); returns how
        many fired. When the limit is reached the rest waits for the next step.
        ``generation``: the shared counter as read since the caller's request arrived
        (PostgreSQL; see :meth:`Election.changed`).

        One pass at a time: with several database threads (PostgreSQL) two requests could
        otherwise fire the same due event at once; the second waits, then finds it done.
        """
        now = self.mock.clock.now()
        election = self.election
        seen = 0
        if election is not None:
            # PostgreSQL: another process may have added events this cache has not seen.
            changed, seen = election.changed(generation)
            if changed:
                with self._guard:
                    self._known = None
                    self.dirty = True
        # A pass in progress (another thread) may be firing what this caller must see.
        if not self.dirty and not self._busy and (self.next_due is None or self.next_due > now):
            return 0
        if self.mock.db.workers == 1:
            # SQLite: a whole pass, from its snapshot of dirty/_known to its commit, under
            # the database's (re-entrant) lock: a request's pass inline on the loop and the
            # background pass on the database thread once worked from one snapshot, and
            # one's runs were lost (75 of 96 cron runs after a day's advance).
            with self.mock.db.serialized():
                return self._catch_up(self.mock.clock.now())
        with self._passing:
            self._busy = True
            try:
                if election is None:
                    return self._catch_up(self.mock.clock.now())
                with election.serialized():  # and one pass at a time across processes
                    fired = self._catch_up(self.mock.clock.now())
                election.passed(seen)
                return fired
            finally:
                self._busy = False

    def _run_pass(self) -> Awaitable[int]:
        """The loop's pass: on the database thread, or on SQLite, when every due event is
        one ``expect`` told of (a run's finish, nothing unknown: a small pass), on the loop
        in turn like a short request (``Database.run_short``). On the thread, a pass under
        load holds SQLite's lock while it waits for the GIL at every statement (up to the
        5 ms switch interval each, the loop holding it) and every short request waits
        behind it: a p99 of 5-8x the p50 under wrk."""
        db = self.mock.db
        if db.workers == 1 and not self.dirty and self._known is not None:
            return db.run_short(self.catch_up)
        return db.run(self.catch_up)

    def _may_be_due(self) -> bool:
        """Whether :meth:`catch_up` might fire something now; when it could not, the loop
        spares itself the turn on the database thread (where requests would queue behind
        a pass that returns at once)."""
        if self.election is not None or self.dirty or self._busy:
            return True
        return self.next_due is not None and self.next_due <= self.mock.clock.now()

    def _catch_up(self, now: float) -> int:
        if not self.dirty and (self.next_due is None or self.next_due > now):
            return 0
        fired, limit = 0, self.step
        with self._guard:
            self.dirty = False
            known, changes = self._known, self._changes
            self._known = None  # unknown until this pass completes
        try:
            with self.mock.db.plain() as db:
                step = Step(db, self.mock, now, Writes(db))
                agenda = Agenda(self.sources, step, known)
                while fired < limit and (event := agenda.pop()) is not None:
                    due, source, items = event
                    source.fire(step, due, items)
                    fired += 1
                step.writes.flush()
                done = agenda.peek() is None
            with self._guard:
                if not done:
                    log.debug("%d events fired in one step; continuing in the next", fired)
                    self.dirty = True
                elif self._changes != changes:
                    self.dirty = True  # a write added events meanwhile: ask every source
                else:
                    self._known = agenda.known()
                    later = [t for t in self._known if t is not None]
                    self.next_due = min(later) if later else None
        except Exception:
            log.exception("scheduler pass failed; retrying in a second")
            self.next_due = now + 1
        return fired

    async def settle(self, max_steps: int = STEPS_PER_ADVANCE) -> int:
        """Step until nothing due is left or ``max_steps`` steps ran (a clock advance).

        Each step is its own turn on the database thread, so requests queued meanwhile are
        served between steps; returns the number of events fired."""
        fired = 0
        for _ in range(max_steps):
            fired += await self.mock.db.run(self.catch_up)
            if not self.dirty:
                break
        return fired

    async def _loop(self) -> None:
        assert self._wake is not None
        while True:
            # Only the leader runs passes of its own (a follower is woken when elected).
            leading = self.leader.leading
            if leading and self._may_be_due():
                # On a database thread, like every request: the loop stays free meanwhile.
                # Shielded: a cancelled loop (stop) cannot stop the thread, so stop() waits
                # for the pass instead of letting it fire events behind its caller's back.
                self._pass = asyncio.ensure_future(self._run_pass())
                await asyncio.shield(self._pass)
            delay = None
            if leading and self.next_due is not None and not self.mock.clock.frozen:
                delay = max(0.0, self.next_due - self.mock.clock.now())
            self._waking = False
            self._wake.clear()
            if self.leader.leading != leading or (leading and self.dirty):
                continue
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=delay)
            except TimeoutError:
                pass

    def start(self) -> None:
        self._wake = asyncio.Event()
        self._loop_of = asyncio.get_running_loop()
        self._task = self._loop_of.create_task(self._loop(), name="mockcml-scheduler")
        self.leader.start(self._woken)

    async def stop(self) -> None:
        await self.leader.stop()
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        if self._pass is not None:
            with contextlib.suppress(Exception):
                await self._pass
            self._pass = None
        self._wake = self._loop_of = None
