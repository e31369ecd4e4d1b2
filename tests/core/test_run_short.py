"""Database.run_short: short calls run on the loop, in turn with the database thread.

When the database thread holds SQLite's lock, a short call waits on the loop (no hop) and
runs once the thread lets go, first come first served; a thread blocked on the lock goes
before a new inline call (Python's lock is not fair)."""

from __future__ import annotations

import asyncio
import threading

from mockcml.core.db import Database


def test_runs_on_the_loop_when_free():
    db = Database("sqlite://")

    async def main():
        return await db.run_short(threading.get_ident), threading.get_ident()

    ran_on, loop_thread = asyncio.run(main())
    assert ran_on == loop_thread
    db.dispose()


def test_waits_in_turn_while_the_database_thread_holds_the_lock():
    db = Database("sqlite://")
    order: list[str] = []
    release = threading.Event()

    def hold():  # database-thread work holding the lock (a scheduler pass)
        with db._serialized():
            order.append("thread")
            release.wait(5)

    async def main():
        held = asyncio.ensure_future(db.run(hold))
        while not order:
            await asyncio.sleep(0.001)
        loop_thread = threading.get_ident()
        calls = [asyncio.ensure_future(
            db.run_short(lambda n=n: order.append(f"short{n}") or threading.get_ident()))
            for n in range(3)]
        await asyncio.sleep(0.02)
        assert order == ["thread"]  # nobody barged in while the lock was held
        release.set()
        threads = await asyncio.gather(*calls)
        await held
        return threads, loop_thread

    threads, loop_thread = asyncio.run(main())
    assert order == ["thread", "short0", "short1", "short2"]
    assert set(threads) == {loop_thread}  # waited on the loop, no hop
    db.dispose()


def test_a_cancelled_waiter_passes_its_turn_on():
    db = Database("sqlite://")
    release = threading.Event()
    started = threading.Event()

    def hold():
        with db._serialized():
            started.set()
            release.wait(5)

    async def main():
        held = asyncio.ensure_future(db.run(hold))
        while not started.is_set():
            await asyncio.sleep(0.001)
        first = asyncio.ensure_future(db.run_short(lambda: "first"))
        second = asyncio.ensure_future(db.run_short(lambda: "second"))
        await asyncio.sleep(0.01)
        first.cancel()
        release.set()
        await held
        return await asyncio.wait_for(second, 5), first.cancelled()

    assert asyncio.run(main()) == ("second", True)
    db.dispose()


def test_a_thread_blocked_on_the_lock_goes_before_new_inline_calls():
    db = Database("sqlite://")
    assert db._serial is not None
    db._serial.acquire()  # the loop's inline call in progress
    waiting = threading.Event()
    got = threading.Event()

    def contend():
        waiting.set()
        with db._serialized():
            got.set()

    thread = threading.Thread(target=contend)
    thread.start()
    waiting.wait(5)
    while not db._contending:  # the thread is blocked on the lock
        threading.Event().wait(0.001)
    db._serial.release()
    assert db.run_inline(lambda: "inline") == (False, None)  # the thread goes first
    thread.join(5)
    assert got.is_set()
    assert db.run_inline(lambda: "inline") == (True, "inline")
    db.dispose()
