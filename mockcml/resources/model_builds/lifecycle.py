"""The model-build lifecycle as data, in the style of ``mockcml.lifecycle.engine``.

A build stores facts, not a status: when it leaves ``pending`` (``queued_at``), when it
starts ``pushing`` (``pushing_at``, only for a build that succeeds), when it finishes
(``finished_at``) and how (``final_status``). Every fact is planned when the build is
created, so the status at any clock time is a pure function of the row and the clock;
``Steps.status_sql`` is the same function in SQL for filters and sorts.

Statuses are plain lower-case strings, as ``ModelBuild.status`` is a string in the
contract: pending -> queued -> pushing -> built, or pending -> queued -> build failed /
timedout. [inferred] The contract lists the values pending, succeeded, built, build failed,
timedout, pushing, queued and unknown (the ListModelBuilds status filter) and no
``building``; the build itself therefore runs in the ``queued`` phase. ``succeeded`` and
``unknown`` are accepted by the filter but never produced.

Scripting, with nothing but the real API: the build's ``comment`` may carry
``MOCKCML_<NAME>=<value>`` words (the comment is free text a real workspace only stores):
  MOCKCML_OUTCOME=built|succeeded|failed|timedout   how the build ends (default built)
  MOCKCML_DURATION=<seconds>            length of the build (queued) phase
  MOCKCML_PENDING_DURATION=<seconds>    length of the pending phase
  MOCKCML_PUSHING_DURATION=<seconds>    length of the pushing phase
Durations are mock seconds, multiplied by the server's time scale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, literal, null

from mockcml.core.errors import InvalidArgument

PENDING, QUEUED, PUSHING, BUILT = "pending", "queued", "pushing", "built"
BUILD_FAILED, TIMEDOUT = "build failed", "timedout"
# The ListModelBuilds status filter values of the contract, matched exactly.
FILTER_VALUES = ("pending", "succeeded", "built", "build failed", "timedout", "pushing",
                 "queued", "unknown")
OUTCOMES = {"built": BUILT, "succeeded": BUILT, "failed": BUILD_FAILED, "timedout": TIMEDOUT}
FINISHED = (BUILT, BUILD_FAILED, TIMEDOUT)

# Default phase lengths in mock seconds (scaled by settings.time_scale).
PENDING_SECONDS = 1.0
BUILDING_SECONDS = 8.0
PUSHING_SECONDS = 2.0

_WORD = re.compile(r"\bMOCKCML_([A-Z_]+)=(\S+)")


@dataclass(frozen=True)
class Steps:
    """A lifecycle read off timestamp columns: the first column reached names the status.

    ``steps`` are (column, status) from the latest phase to the earliest; a status of None
    means "the row's final_status". Before any step is reached the status is ``initial``.
    Columns must be non-decreasing along the phases, so the first one reached is also the
    time of the latest change.
    """

    initial: str
    steps: tuple[tuple[str, str | None], ...]

    def status_at(self, row: Any, now: float) -> str:
        for column, status in self.steps:
            at = getattr(row, column)
            if at is not None and now >= at:
                return status or row.final_status
        return self.initial

    def changed_at(self, row: Any, now: float) -> float:
        for column, _ in self.steps:
            at = getattr(row, column)
            if at is not None and now >= at:
                return at
        return row.created_at

    def status_sql(self, table: Any, now: float):
        return case(
            *[(getattr(table, column) <= now,
               literal(status) if status else table.final_status)
              for column, status in self.steps],
            else_=literal(self.initial),
        )

    def changed_sql(self, table: Any, now: float):
        return case(
            *[(getattr(table, column) <= now, getattr(table, column))
              for column, _ in self.steps],
            else_=table.created_at,
        )


BUILD = Steps(initial=PENDING, steps=(("finished_at", None), ("pushing_at", PUSHING),
                                      ("queued_at", QUEUED)))


def built_at(row: Any, now: float) -> float | None:
    if row.final_status == BUILT and row.finished_at is not None and now >= row.finished_at:
        return row.finished_at
    return None


def built_at_sql(table: Any, now: float):
    return case((and_(table.final_status == BUILT, table.finished_at <= now), table.finished_at),
                else_=null())


def words(text: str) -> dict[str, str]:
    """The ``MOCKCML_NAME=value`` words of a free-text field, by NAME."""
    return {name: value for name, value in _WORD.findall(text or "")}


def seconds(found: dict[str, str], name: str, default: float) -> float:
    if name not in found:
        return default
    try:
        value = float(found[name])
    except ValueError:
        raise InvalidArgument(f"MOCKCML_{name} must be a number of seconds") from None
    if not value >= 0 or value == float("inf"):
        raise InvalidArgument(f"MOCKCML_{name} must be a finite, non-negative number")
    return value


@dataclass(frozen=True)
class Plan:
    queued_at: float
    pushing_at: float | None
    finished_at: float
    final_status: str


def queued_words(script: dict[str, Any]) -> str:
    """A script queued through the control plane, as comment words (weaker than the
    comment's own, which come after it)."""
    names = {"outcome": "OUTCOME", "scheduling": "PENDING_DURATION", "running": "DURATION",
             "starting": "PUSHING_DURATION"}
    return " ".join(f"MOCKCML_{names[key]}={value}" for key, value in script.items()
                    if key in names)


def plan(created_at: float, comment: str, scale: float) -> Plan:
    """When each phase of a new build begins, from its comment's script and the time scale."""
    found = words(comment)
    outcome = found.get("OUTCOME", "built")
    if outcome not in OUTCOMES:
        raise InvalidArgument(f"MOCKCML_OUTCOME must be one of {sorted(OUTCOMES)}")
    final = OUTCOMES[outcome]
    queued_at = created_at + seconds(found, "PENDING_DURATION", PENDING_SECONDS) * scale
    built = queued_at + seconds(found, "DURATION", BUILDING_SECONDS) * scale
    if final != BUILT:
        return Plan(queued_at, None, built, final)
    finished = built + seconds(found, "PUSHING_DURATION", PUSHING_SECONDS) * scale
    return Plan(queued_at, built, finished, final)
