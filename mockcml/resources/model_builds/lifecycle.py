"""The model-build lifecycle, declared for the engine (``mockcml.lifecycle.engine``).

A build stores facts, not a status: when it leaves ``pending`` (``queued_at``), when it
starts ``pushing`` (``pushing_at``, only for a build that succeeds), when it finishes
(``finished_at``) and how (``final_status``). Every fact is planned when the build is
created, so the status at any clock time is a pure function of the row and the clock.

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
Durations are mock seconds, multiplied by the server's time scale; the defaults are
the ``build_*_seconds`` settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, null

from mockcml.core.errors import InvalidArgument
from mockcml.lifecycle import durations, engine
from mockcml.lifecycle.engine import Lifecycle, Phase

PENDING, QUEUED, PUSHING, BUILT = "pending", "queued", "pushing", "built"
BUILD_FAILED, TIMEDOUT = "build failed", "timedout"
# The ListModelBuilds status filter values of the contract, matched exactly.
FILTER_VALUES = ("pending", "succeeded", "built", "build failed", "timedout", "pushing",
                 "queued", "unknown")
OUTCOMES = {"built": BUILT, "succeeded": BUILT, "failed": BUILD_FAILED, "timedout": TIMEDOUT}
FINISHED = (BUILT, BUILD_FAILED, TIMEDOUT)

BUILD = Lifecycle(
    name="model build",
    initial=PENDING,
    phases=(Phase(QUEUED, "queued_at"), Phase(PUSHING, "pushing_at", optional=True),
            Phase(None, "finished_at", outcomes=FINISHED)),  # a failed build never pushes
    terminal=FINISHED,
    lengths={"pending": "build_pending_seconds", "queued": "build_building_seconds",
             "pushing": "build_pushing_seconds"},
)
# Comment words naming each phase length.
WORDS = {"pending": "PENDING_DURATION", "queued": "DURATION", "pushing": "PUSHING_DURATION"}

_WORD = re.compile(r"\bMOCKCML_([A-Z_]+)=(\S+)")


def built_at(row: Any, now: float) -> float | None:
    if row.final_status == BUILT and row.finished_at is not None and now >= row.finished_at:
        return row.finished_at
    return None


def built_at_sql(table: Any, now: float):  # noqa: ANN201 - a SQL expression
    return case((and_(table.final_status == BUILT, table.finished_at <= now), table.finished_at),
                else_=null())


def words(text: str) -> dict[str, str]:
    """The ``MOCKCML_NAME=value`` words of a free-text field, by NAME."""
    return {name: value for name, value in _WORD.findall(text or "")}


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


def script_of(comment: str, settings: Any = None) -> tuple[str, dict[str, float]]:
    """(final status, phase lengths by name) scripted by a build's comment words."""
    found = words(comment)
    outcome = found.get("OUTCOME", "built")
    if outcome not in OUTCOMES:
        raise InvalidArgument(f"MOCKCML_OUTCOME must be one of {sorted(OUTCOMES)}")
    lengths = {}
    for phase, field in BUILD.lengths.items():
        value = durations.scripted(found, WORDS[phase], f"MOCKCML_{WORDS[phase]}")
        lengths[phase] = engine.length(settings, field) if value is None else value
    return OUTCOMES[outcome], lengths


def plan(created_at: float, comment: str, scale: float, settings: Any = None) -> Plan:
    """When each phase of a new build begins, from its comment's script and the time scale."""
    final, lengths = script_of(comment, settings)
    if final != BUILT:
        _, queued_at, finished = engine.plan(created_at, (lengths["pending"], lengths["queued"]),
                                             scale)
        return Plan(queued_at, None, finished, final)
    _, queued_at, pushing_at, finished = engine.plan(created_at, tuple(lengths.values()), scale)
    return Plan(queued_at, pushing_at, finished, final)
