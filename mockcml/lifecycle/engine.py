"""The lifecycle engine: a lifecycle declared as data, and everything derived from it.

A simulated object (a job run, an application, a model build or deployment) stores facts,
not a status: the time each phase begins, when a stop was asked for, how it ends. A
``Lifecycle`` declares which column begins which phase; from that one declaration come

- ``status_at(row, now)``, the status in Python (answers, verbs), and
- ``status_sql(table, now)``, the same function as a SQL CASE (filters and sorts),

so the two cannot disagree, two reads at one clock time agree, nothing depends on a
client polling, and moving the clock moves every object. ``changed_at`` and its SQL twin
give the time of the latest change (``updated_at`` of some resources), ``stop`` carries
out the declared stop path, and ``plan``/``replay`` turn phase lengths into the begin
columns: ``plan`` for a new object, ``replay`` for a fixture object that is already some
way through its life when the scenario is loaded.

Columns must not decrease along the declared phases, so the latest phase reached is the
current one; a phase the object will never reach has a NULL column.

Adding a lifecycle: give the table one nullable float column per phase (plus
``final_status`` if it ends in a planned outcome), declare a ``Lifecycle`` next to the
resource (see ``resources/job_runs/lifecycle.py``), add each default length to Settings
with a description, and plan new rows with ``plan``; ``tests/lifecycle/
test_declarations.py`` checks a declaration listed there on every path it allows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func, literal

from mockcml.core.errors import FailedPrecondition


@dataclass(frozen=True)
class Phase:
    """A phase begins when its column's time is reached. ``status`` None: the status is
    the row's final column, one of ``outcomes`` (how it ended, planned in advance). An
    ``optional`` phase may be skipped (its column stays NULL)."""

    status: str | None
    at: str
    outcomes: tuple[str, ...] = ()
    optional: bool = False


@dataclass(frozen=True)
class Stop:
    """The stop path: from a ``stoppable`` status, ``at`` is set to now and the status is
    ``stopping`` until ``ends`` (now plus the stopping length). With ``stopped`` set, it is
    written to the final column and read back from it; otherwise ``ends`` shows
    ``stopped_status``. Phases not reached yet (``forget``) are cleared."""

    at: str
    ends: str
    stopping: str
    stoppable: tuple[str, ...]
    seconds: str  # the Settings field with the default stopping length
    forget: tuple[str, ...] = ()
    stopped: str | None = None
    stopped_status: str | None = None


@dataclass(frozen=True)
class Lifecycle:
    """One resource's lifecycle: its phases in time order and what may happen to it."""

    name: str
    initial: str  # before the first phase column is reached
    phases: tuple[Phase, ...]
    terminal: tuple[str, ...]
    # Phase length -> the Settings field with its default (mock seconds, before scaling).
    lengths: Mapping[str, str] = field(default_factory=dict)
    stop: Stop | None = None
    restartable: tuple[str, ...] = ()
    final: str = "final_status"
    final_default: str | None = None  # shown when the final column is NULL
    # (column, status or None for the final column), latest first: the evaluation order.
    checks: tuple[tuple[str, str | None], ...] = field(init=False)

    def __post_init__(self) -> None:
        order = [(p.at, p.status) for p in self.phases]
        if self.stop is not None:
            ends = (self.stop.ends, None if self.stop.stopped else self.stop.stopped_status)
            order = [c for c in order if c[0] != self.stop.ends] + [(self.stop.at,
                                                                      self.stop.stopping), ends]
        object.__setattr__(self, "checks", tuple(reversed(order)))

    def scripted_default(self, phase: str, script: str) -> str:
        """A phase length's default as docs state it ("MOCKCML_DURATION, else 5s"): what
        scripts it, else the setting's default, read off Settings so that the text follows it."""
        return f"{script}, else {length(None, self.lengths[phase]):g}s"

    @property
    def statuses(self) -> tuple[str, ...]:
        named = [self.initial, *(s for _, s in self.checks if s)]
        outcomes = [o for p in self.phases for o in p.outcomes]
        return tuple(dict.fromkeys([*named, *outcomes, *self.terminal]))

    def transitions(self) -> dict[str, dict[str, str]]:
        """Every move the simulation makes, derived from the declaration: each phase
        follows the one before it (or the one before a skipped optional phase), a final
        phase ends in one of its outcomes, and the verbs ``:stop`` and ``:restart`` move
        from the statuses that allow them."""
        moves: dict[str, dict[str, str]] = {status: {} for status in self.statuses}
        sources = [self.initial]
        for phase in self.phases:
            targets = phase.outcomes if phase.status is None else (phase.status,)
            for source in sources:
                for target in targets:
                    moves[source][target] = target
            sources = [*sources, *targets] if phase.optional else list(targets)
        if self.stop is not None:
            for status in self.stop.stoppable:
                moves[status][":stop"] = self.stop.stopping
            moves[self.stop.stopping][self.stop.stopped or self.stop.stopped_status or ""] = (
                self.stop.stopped or self.stop.stopped_status or "")
        for status in self.restartable:
            moves[status][":restart"] = self.phases[0].status or self.initial
        return moves

    def allows(self, status: str, verb: str) -> bool:
        """Whether ``verb`` (``:stop``, ``:restart``) may be asked of an object in ``status``."""
        if verb == ":stop":
            return self.stop is not None and status in self.stop.stoppable
        return verb == ":restart" and status in self.restartable

    # --- the status, in Python and in SQL -------------------------------------------------

    def _final(self, row: Any) -> str:
        value = getattr(row, self.final)
        return value or self.final_default or value

    def status_at(self, row: Any, now: float) -> str:
        for column, status in self.checks:
            at = getattr(row, column)
            if at is not None and now >= at:
                return status or self._final(row)
        return self.initial

    def status_sql(self, table: Any, now: float) -> Any:
        final = None  # only a lifecycle with a final phase has the final column
        if any(status is None for _, status in self.checks):
            final = getattr(table, self.final)
            if self.final_default is not None:
                final = func.coalesce(final, self.final_default)
        return case(
            *[(getattr(table, column) <= now, literal(status) if status else final)
              for column, status in self.checks],
            else_=literal(self.initial),
        )

    def changed_at(self, row: Any, now: float) -> float:
        """When the current status began (the creation time before any phase)."""
        for column, _ in self.checks:
            at = getattr(row, column)
            if at is not None and now >= at:
                return at
        return row.created_at

    def changed_sql(self, table: Any, now: float) -> Any:
        return case(*[(getattr(table, column) <= now, getattr(table, column))
                      for column, _ in self.checks], else_=table.created_at)

    # --- verbs ------------------------------------------------------------------------------

    def is_terminal(self, status: str) -> bool:
        return status in self.terminal

    def can_restart(self, status: str) -> bool:
        return status in self.restartable

    def request_stop(self, row: Any, now: float, seconds: float, refused: str) -> bool:
        """The ``:stop`` verb: True if ``row`` stops now; False if it is stopping already
        (asking twice changes nothing); FAILED_PRECONDITION from any other status that
        does not allow a stop, with ``refused`` (formatted with ``status``) as message."""
        status = self.status_at(row, now)
        assert self.stop is not None, f"{self.name} has no stop path"
        if status == self.stop.stopping:
            return False
        if status not in self.stop.stoppable:
            raise FailedPrecondition(refused.format(status=status))
        self.stop_row(row, now, seconds)
        return True

    def stop_length(self, settings: Any) -> float:
        """The default stopping length (a Settings field), scaled by the time scale."""
        assert self.stop is not None, f"{self.name} has no stop path"
        return length(settings, self.stop.seconds) * settings.time_scale

    def stop_row(self, row: Any, now: float, seconds: float) -> None:
        """Carry out the stop path at ``now``; ``seconds`` is the scaled stopping length.
        The caller has checked the status is ``stoppable``."""
        stop = self.stop
        assert stop is not None, f"{self.name} has no stop path"
        for column in stop.forget:
            at = getattr(row, column)
            if at is not None and at > now:
                setattr(row, column, None)
        setattr(row, stop.at, now)
        setattr(row, stop.ends, now + seconds)
        if stop.stopped is not None:
            setattr(row, self.final, stop.stopped)


# --- planning ---------------------------------------------------------------------------------


def plan(start: float, lengths: Sequence[float], scale: float) -> list[float]:
    """Begin times of consecutive phases of a new object: ``out[k]`` begins phase k,
    ``out[-1]`` ends the last one. Lengths are mock seconds, multiplied by ``scale``."""
    out = [start]
    for length in lengths:
        out.append(out[-1] + length * scale)
    return out


@dataclass(frozen=True)
class Clamp:
    """Something about a replayed history that could not be as written, and was adjusted:

    ``before``: explicit boundary ``index`` was earlier than the one before it;
    ``late_end``: a finished history would end ``seconds`` after now (shifted back);
    ``late_start``: the current phase would begin ``seconds`` after now (shifted back);
    ``left``: the current phase would have ended ``seconds`` before now (ends now).
    """

    kind: str
    seconds: float = 0.0
    index: int = 0


def history(start: float, lengths: Sequence[float], upto: int, now: float,
            explicit: Sequence[float | None] = (), clamps: list[Clamp] | None = None,
            ) -> list[float]:
    """Boundaries 0..upto as lived, unscaled: an explicit time where one is given
    (``explicit[k]`` for boundary k), else the previous boundary plus the phase length."""
    out = [start]
    for k in range(1, upto + 1):
        given = explicit[k] if k < len(explicit) else None
        if given is None:
            out.append(out[-1] + lengths[k - 1])
        elif given < out[-1]:
            if clamps is not None:
                clamps.append(Clamp("before", index=k))
            out.append(out[-1])
        else:
            out.append(given)
    return out


def _shift(bounds: list[float], index: int, now: float, kind: str,
           clamps: list[Clamp]) -> list[float]:
    late = bounds[index] - now
    if late <= 0:
        return bounds
    clamps.append(Clamp(kind, late))
    shifted = [b - late for b in bounds]
    shifted[index] = now  # exactly, whatever the rounding of the subtraction
    return shifted


def replay(start: float, lengths: Sequence[float], current: int | None, now: float,
           scale: float, explicit: Sequence[float | None] = (),
           ) -> tuple[list[float], list[Clamp]]:
    """The boundaries of an object that is some way through its life at ``now``.

    The part before ``now`` is history, as written (unscaled). ``current`` None: every phase
    is over and must have ended by ``now`` (unless its end is explicit). ``current`` k: the
    object is in phase k; the rest of phase k and the phases after it are planned from
    ``now`` like a new object's, scaled. What could not be as written is clamped and
    reported (``Clamp``); the boundaries are usable either way.
    """
    clamps: list[Clamp] = []
    upto = len(lengths) if current is None else current
    bounds = history(start, lengths, upto, now, explicit, clamps)
    if current is None:
        if len(explicit) <= upto or explicit[upto] is None:
            bounds = _shift(bounds, upto, now, "late_end", clamps)
        return bounds, clamps
    bounds = _shift(bounds, current, now, "late_start", clamps)
    left = lengths[current] - (now - bounds[current])
    if left <= 0:
        clamps.append(Clamp("left", -left, current))
        left = 0.0
    bounds.append(now + left * scale if not math.isinf(left) else math.inf)
    for length in lengths[current + 1:]:
        bounds.append(bounds[-1] + length * scale)
    return bounds, clamps


def length(settings: Any, name: str) -> float:
    """The default phase length ``name`` (a Settings field): the server's, or the Settings
    default when no server is at hand (a fixture check without one)."""
    if settings is not None:
        return float(getattr(settings, name))
    from mockcml.settings import Settings

    return float(Settings.model_fields[name].default)
