"""The lifecycle engine: every declared lifecycle's Python status and its SQL twin agree.

For each declaration, every path it allows is planned (each outcome of its final phase,
with and without each optional phase, stopped at each moment a stop is allowed), stored
in an in-memory SQLite table with the declaration's columns, and read back on a grid of
clock times both ways: ``status_at(row, now)`` and ``status_sql(table, now)``, and the
same for ``changed_at``. The grid includes every boundary exactly, where an off-by-one
between ``>=`` and ``<=`` would show.
"""

from __future__ import annotations

import copy
import itertools
from types import SimpleNamespace

import pytest
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, create_engine, insert, select

from mockcml.lifecycle import engine
from mockcml.lifecycle.engine import Lifecycle, Phase, Stop
from mockcml.resources.applications.lifecycle import APPLICATION
from mockcml.resources.job_runs.lifecycle import JOB_RUN
from mockcml.resources.model_builds.lifecycle import BUILD
from mockcml.resources.model_deployments.lifecycle import DEPLOYMENT
from mockcml.resources.registry.service import VERSION
from mockcml.settings import Settings

DECLARED = {"job run": JOB_RUN, "application": APPLICATION, "model build": BUILD,
            "model deployment": DEPLOYMENT, "registered model version": VERSION}
START = 100.0
STOPPING = 1.5


def _columns(lc: Lifecycle) -> list[str]:
    return sorted({column for column, _ in lc.checks})


def _paths(lc: Lifecycle) -> list[SimpleNamespace]:
    """Every planned path: each final outcome, each choice of skipped optional phases."""
    rows = []
    optional = [i for i, p in enumerate(lc.phases) if p.optional]
    finals = [p for p in lc.phases if p.status is None]
    outcomes = finals[0].outcomes if finals else ()
    for skipped in itertools.chain.from_iterable(
            itertools.combinations(optional, n) for n in range(len(optional) + 1)):
        kept = [p for i, p in enumerate(lc.phases) if i not in skipped]
        at = engine.plan(START, [1.0 + k for k in range(len(kept))], 1.0)[1:]
        for outcome in outcomes or (None,):
            row = SimpleNamespace(created_at=START, **{c: None for c in _columns(lc)})
            for phase, when in zip(kept, at, strict=True):
                setattr(row, phase.at, when)
            setattr(row, lc.final, outcome)
            rows.append(row)
        if lc.final_default is not None:  # a final column never written: its default shows
            row = copy.copy(rows[-1])
            setattr(row, lc.final, None)
            rows.append(row)
    return rows


def _grid(rows: list[SimpleNamespace], lc: Lifecycle) -> list[float]:
    times = {START - 1, START}
    for row in rows:
        for column in _columns(lc):
            value = getattr(row, column)
            if value is not None:
                times.update((value - 0.25, value, value + 0.25))
    return sorted(times)


def _with_stops(lc: Lifecycle, rows: list[SimpleNamespace]) -> list[SimpleNamespace]:
    """The planned paths, and each stopped at every grid time where a stop is allowed."""
    out = list(rows)
    if lc.stop is None:
        return out
    for row in rows:
        for now in _grid([row], lc):
            if lc.status_at(row, now) in lc.stop.stoppable:
                stopped = copy.copy(row)
                lc.stop_row(stopped, now, STOPPING)
                out.append(stopped)
    return out


def _sql_statuses(lc: Lifecycle, rows: list[SimpleNamespace], times: list[float]):
    db = create_engine("sqlite://")
    meta = MetaData()
    table = Table("facts", meta, Column("id", Integer, primary_key=True),
                  Column("created_at", Float), Column(lc.final, String),
                  *[Column(c, Float) for c in _columns(lc)])
    meta.create_all(db)
    with db.begin() as conn:
        conn.execute(insert(table), [
            {"id": i, "created_at": r.created_at, lc.final: getattr(r, lc.final),
             **{c: getattr(r, c) for c in _columns(lc)}} for i, r in enumerate(rows)])
        for now in times:
            query = select(table.c.id, lc.status_sql(table.c, now), lc.changed_sql(table.c, now))
            yield now, {i: (status, changed) for i, status, changed in conn.execute(query)}


@pytest.mark.parametrize("name", sorted(DECLARED))
def test_status_at_and_status_sql_agree_on_every_path(name):
    lc = DECLARED[name]
    rows = _with_stops(lc, _paths(lc))
    times = _grid(rows, lc)
    seen = set()
    for now, sql in _sql_statuses(lc, rows, times):
        for i, row in enumerate(rows):
            python = (lc.status_at(row, now), lc.changed_at(row, now))
            assert sql[i] == python, (name, now, vars(row))
            seen.add(python[0])
    assert seen <= set(lc.statuses)
    # Every path ends in a terminal status or one that lasts (running, deployed).
    assert seen & set(lc.terminal)


@pytest.mark.parametrize("name", sorted(DECLARED))
def test_stop_path_goes_through_stopping(name):
    lc = DECLARED[name]
    if lc.stop is None:
        pytest.skip("no stop path declared")
    row = _paths(lc)[0]
    first = lc.phases[0]
    lc.stop_row(row, getattr(row, first.at) + 0.5, STOPPING)
    stop_at = getattr(row, lc.stop.at)
    assert lc.status_at(row, stop_at) == lc.stop.stopping
    # Phases the object never reached are forgotten.
    assert all(getattr(row, c) is None or getattr(row, c) <= stop_at for c in lc.stop.forget)
    ended = lc.status_at(row, stop_at + STOPPING)
    assert ended == (lc.stop.stopped or lc.stop.stopped_status)
    assert ended in lc.terminal
    assert lc.transitions()[lc.stop.stopping]


@pytest.mark.parametrize("name", sorted(DECLARED))
def test_failure_outcomes_are_reachable_and_terminal(name):
    lc = DECLARED[name]
    final = next((p for p in lc.phases if p.status is None), None)
    if final is None:
        pytest.skip("no final phase: it cannot fail")
    moves = lc.transitions()
    reached = {target for targets in moves.values() for target in targets.values()}
    for outcome in final.outcomes:
        assert outcome in reached
    failures = [o for o in final.outcomes if "FAIL" in o.upper()]
    assert failures and all(f in lc.terminal for f in failures)


def test_checks_are_latest_first_and_cover_every_column():
    assert [c for c, _ in JOB_RUN.checks] == ["finished_at", "stop_at", "running_at",
                                              "starting_at"]
    assert [c for c, _ in DEPLOYMENT.checks] == ["stopped_at", "stop_at", "finished_at",
                                                 "deploying_at"]
    assert [c for c, _ in BUILD.checks] == ["finished_at", "pushing_at", "queued_at"]


def test_allows_follows_the_declaration():
    assert APPLICATION.allows("APPLICATION_RUNNING", ":stop")
    assert not APPLICATION.allows("APPLICATION_STOPPED", ":stop")
    assert not BUILD.allows("pending", ":stop") and not BUILD.allows("built", ":restart")
    assert DEPLOYMENT.allows("failed", ":restart") and not DEPLOYMENT.allows("stopping", ":restart")


def test_a_small_declaration_derives_everything():
    lc = Lifecycle(
        name="toy", initial="WAITING",
        phases=(Phase("WORKING", "working_at"), Phase(None, "done_at", outcomes=("OK", "BAD"))),
        terminal=("OK", "BAD", "HALTED"),
        stop=Stop(at="halt_at", ends="done_at", stopping="HALTING", stoppable=("WAITING",
                  "WORKING"), seconds="stopping_seconds", forget=("working_at",),
                  stopped="HALTED"),
        restartable=("OK", "BAD", "HALTED"))
    row = SimpleNamespace(created_at=0.0, working_at=2.0, done_at=5.0, halt_at=None,
                          final_status="BAD")
    assert [lc.status_at(row, t) for t in (0, 2, 5)] == ["WAITING", "WORKING", "BAD"]
    assert lc.changed_at(row, 3) == 2.0 and lc.changed_at(row, 1) == 0.0
    lc.stop_row(row, 1.0, 0.5)
    assert (row.working_at, row.halt_at, row.done_at, row.final_status) == (None, 1.0, 1.5,
                                                                            "HALTED")
    assert [lc.status_at(row, t) for t in (0.5, 1, 1.5)] == ["WAITING", "HALTING", "HALTED"]
    assert lc.transitions()["WORKING"] == {"OK": "OK", "BAD": "BAD", ":stop": "HALTING"}
    assert lc.transitions()["HALTED"] == {":restart": "WORKING"}


def test_every_declared_length_is_a_described_setting():
    fields = Settings.model_fields
    for lc in DECLARED.values():
        names = [*lc.lengths.values(), *([lc.stop.seconds] if lc.stop else [])]
        for name in names:
            assert name in fields and fields[name].description, (lc.name, name)
            assert engine.length(None, name) == fields[name].default
            assert engine.length(Settings(**{name: 42}), name) == 42


def test_plan_adds_scaled_lengths_in_order():
    assert engine.plan(10.0, (1, 2, 3), 0.5) == [10.0, 10.5, 11.5, 13.0]
    assert engine.plan(10.0, (), 1) == [10.0]


def test_replay_history_and_phase_in_progress():
    # Finished: boundaries as written, unscaled.
    bounds, clamps = engine.replay(0.0, (1, 2, 3), None, 100.0, 0.01)
    assert bounds == [0, 1, 3, 6] and clamps == []
    # In phase 1 at now=2: one second of it left, scaled; the next phase scaled too.
    bounds, clamps = engine.replay(0.0, (1, 2, 3), 1, 2.0, 0.5)
    assert bounds == [0, 1, 2.5, 4.0] and clamps == []
    # A new object (start == now, phase 0) is planned exactly like engine.plan.
    assert engine.replay(7.0, (1, 2), 0, 7.0, 0.1)[0] == engine.plan(7.0, (1, 2), 0.1)


def test_replay_clamps_what_cannot_be_as_written():
    bounds, clamps = engine.replay(0.0, (5, 5), None, 4.0, 1)
    assert clamps == [engine.Clamp("late_end", 6.0)] and bounds[-1] == 4.0
    bounds, clamps = engine.replay(0.0, (5, 5), 1, 2.0, 1)
    assert clamps == [engine.Clamp("late_start", 3.0)] and bounds[1] == 2.0
    bounds, clamps = engine.replay(0.0, (1, 1), 0, 10.0, 1)
    assert clamps == [engine.Clamp("left", 9.0, 0)] and bounds[1] == 10.0
    bounds, clamps = engine.replay(0.0, (1, 1), None, 10.0, 1, explicit=(None, None, -5.0))
    assert engine.Clamp("before", index=2) in clamps and bounds == [0, 1, 1]
