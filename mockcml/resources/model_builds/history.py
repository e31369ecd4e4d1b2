"""Model builds of fixture files: the lifecycle facts of one at load time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockcml.core.errors import InvalidArgument
from mockcml.fixtures.timeline import Defaults, Problems, replay, value_or
from mockcml.resources.model_builds import lifecycle as build_lifecycle
from mockcml.resources.model_builds.fixture import BUILD_STATUSES


def build_script(comment: str, defaults: Defaults) -> tuple[dict[str, float | str], Problems]:
    """The MOCKCML_ words of a build comment, as the build lifecycle reads them."""
    try:
        final, lengths = build_lifecycle.script_of(comment, defaults.settings)
    except InvalidArgument as exc:
        lengths = {phase: defaults.length(name)
                   for phase, name in build_lifecycle.BUILD.lengths.items()}
        return {**lengths, "outcome": "built"}, [("comment", exc.message)]
    # The lifecycle's final statuses, as fixture statuses.
    outcome = {"build failed": "failed"}.get(final, final)
    return {**lengths, "outcome": outcome}, []


def build(entry: dict[str, Any], created: float, now: float,
          defaults: Defaults) -> tuple[BuildFacts, Problems]:
    script, problems = build_script(entry.get("comment") or "", defaults)
    facts, more = build_facts(entry, created, script, now, defaults.scale)
    return facts, problems + more


@dataclass
class BuildFacts:
    """The lifecycle columns of a ModelBuild row."""

    queued_at: float
    pushing_at: float | None
    finished_at: float
    final_status: str


def build_facts(build: dict[str, Any], created: float, script: dict[str, float | str],
                now: float, scale: float) -> tuple[BuildFacts, Problems]:
    """``script`` holds the comment's words: pending, queued, pushing (seconds), outcome."""
    problems: Problems = []
    status = build.get("status") or "built"
    lengths = [value_or(build, name, float(script[name]))
               for name in ("pending", "queued", "pushing")]
    if status in ("built", "failed", "timedout"):
        final, current = BUILD_STATUSES[status], None
    else:
        final = "built" if status == "pushing" else BUILD_STATUSES[str(script["outcome"])]
        current = ("pending", "queued", "pushing").index(status)
    if final != "built":
        if build.get("pushing") is not None:
            problems.append(("pushing", f"a {status} build never pushes" if current is None else
                             f"this build will end {script['outcome']} (MOCKCML_OUTCOME in its "
                             "comment) and never push"))
        lengths = lengths[:2]
    b = replay(created, lengths, current, now, scale, status, "build", problems)
    return BuildFacts(b[1], b[2] if final == "built" else None, b[-1], final), problems
