"""Experiment-run rules: creation (MLflow's defaults), partial update, deletion, listing.

A run is created EXPERIMENT_RUN_RUNNING with ``start_time`` now (or as sent); setting a
terminal status (FINISHED, FAILED, KILLED) sets ``end_time`` to now unless the client sends
one, and setting RUNNING or SCHEDULED again clears it. Timestamps travel as RFC 3339: the
fields are google.protobuf.Timestamp (``format: date-time``), whatever their description
says about epoch milliseconds (a comment inherited from MLflow's proto). Runs have no
environment, so there is nothing to script and no phase durations.

Deleting a run removes it and its data for good: unlike Experiment, ExperimentRun has no
``lifecycle_stage`` through which a soft-deleted run could be seen.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from mockcml.core.actors import Actor
from mockcml.core.errors import InvalidArgument, NotFound
from mockcml.kit.ids import new_id
from mockcml.kit.listing import Page, page
from mockcml.kit.users import Creator
from mockcml.kit.wire import parse_timestamp
from mockcml.resources.experiment_runs import data
from mockcml.resources.experiment_runs.listing import RUN_LISTING
from mockcml.resources.experiment_runs.tables import ExperimentRun, artifact_uri
from mockcml.resources.experiments.tables import Experiment
from mockcml.resources.experiments.validation import MAX_TAG_VALUE_LENGTH, key_values
from mockcml.resources.users.tables import User

RUNNING, SCHEDULED = "EXPERIMENT_RUN_RUNNING", "EXPERIMENT_RUN_SCHEDULED"
TERMINAL = ("EXPERIMENT_RUN_FINISHED", "EXPERIMENT_RUN_FAILED", "EXPERIMENT_RUN_KILLED")
_ADJECTIVES = ("amber", "brisk", "calm", "dapper", "eager", "fleet", "gentle", "hardy",
               "ideal", "jolly", "keen", "lucid", "mellow", "nimble", "orderly", "placid",
               "quiet", "rustic", "sturdy", "tidy", "upbeat", "vivid", "witty", "zesty")
_NOUNS = ("badger", "crane", "dolphin", "eel", "finch", "gecko", "heron", "ibis", "jay",
          "koala", "lynx", "marten", "newt", "otter", "puffin", "quail", "raven", "seal",
          "tapir", "urchin", "vole", "wren", "yak", "zebra")


def random_name() -> str:
    """A name in MLflow's adjective-animal-number style, for runs created without one."""
    return (f"{secrets.choice(_ADJECTIVES)}-{secrets.choice(_NOUNS)}-"
            f"{secrets.randbelow(1000)}")


def joined():
    return select(ExperimentRun, Creator).join(Creator, Creator.id == ExperimentRun.user_id)


def list_runs(session: Session, experiment: Experiment, params: dict[str, Any]) -> Page:
    query = joined().where(ExperimentRun.experiment_id == experiment.id)
    return page(session, query, RUN_LISTING, params)


def get_run_row(session: Session, experiment: Experiment, run_id: str
                ) -> tuple[ExperimentRun, User]:
    row = session.execute(joined().where(ExperimentRun.id == run_id,
                                         ExperimentRun.experiment_id == experiment.id)).first()
    if row is None:
        raise NotFound(f"run {run_id!r} not found in experiment {experiment.id!r}")
    return row[0], row[1]


def get_run(session: Session, experiment: Experiment, run_id: str) -> ExperimentRun:
    run = session.get(ExperimentRun, run_id)
    if run is None or run.experiment_id != experiment.id:
        raise NotFound(f"run {run_id!r} not found in experiment {experiment.id!r}")
    return run


def create_run(
    session: Session, experiment: Experiment, user: Actor, body: dict[str, Any], now: float,
    *, run_id: str | None = None,
) -> ExperimentRun:
    tags = dict(key_values(body.get("tags"), MAX_TAG_VALUE_LENGTH, "tag"))
    run_name = body.get("run_name") or ""
    tagged = tags.get(data.RUN_NAME_TAG)
    if run_name and tagged and tagged != run_name:
        raise InvalidArgument(f"run_name {run_name!r} and tag {data.RUN_NAME_TAG} "
                              f"{tagged!r} disagree")
    tags[data.RUN_NAME_TAG] = run_name or tagged or random_name()
    run_id = run_id or new_id()
    start = body.get("start_time")
    run = ExperimentRun(
        id=run_id, project_id=experiment.project_id, experiment_id=experiment.id,
        user_id=user.id, status=RUNNING,
        start_time=parse_timestamp(start, "start_time") if start else now,
        artifact_uri=artifact_uri(experiment.artifact_location, run_id),
        created_at=now, updated_at=now,
    )
    session.add(run)
    session.flush()
    data.set_tags(session, run, tags)
    session.add(run)
    return run


def _inputs(value: dict | None) -> str:
    """ExperimentRunInputs -> the stored list of dataset inputs, every field filled in."""
    out = []
    for i, item in enumerate((value or {}).get("dataset_inputs") or []):
        dataset = (item or {}).get("dataset") or {}
        if not dataset.get("name") or not dataset.get("digest"):
            raise InvalidArgument(f"inputs.dataset_inputs[{i}].dataset needs a name and a digest")
        tags = key_values((item or {}).get("tags"), MAX_TAG_VALUE_LENGTH, "input tag")
        out.append({
            "tags": [{"key": k, "value": v} for k, v in tags],
            "dataset": {f: dataset.get(f) or "" for f in
                        ("name", "digest", "source_type", "source", "schema", "profile")},
        })
    return json.dumps(out, separators=(",", ":"))


def update_run(session: Session, run: ExperimentRun, body: dict[str, Any], now: float) -> None:
    """PATCH: name, status, start_time, end_time and inputs change when sent. ``data`` is
    logged through :logbatch; id, experiment_id, user and artifact_uri are output only."""
    if body.get("experiment_id") and body["experiment_id"] != run.experiment_id:
        raise InvalidArgument("experiment_id in the body does not match the path")
    if body.get("name"):
        data.set_tags(session, run, {data.RUN_NAME_TAG: body["name"]})
    if body.get("start_time"):
        run.start_time = parse_timestamp(body["start_time"], "start_time")
    status = body.get("status")
    end = body.get("end_time")
    if status in TERMINAL and not end and (run.status not in TERMINAL or run.end_time is None):
        run.end_time = now
    elif status is not None and status not in TERMINAL and not end:
        run.end_time = None
    if end:
        run.end_time = parse_timestamp(end, "end_time")
    if status is not None:
        run.status = status
    if body.get("inputs") is not None:
        run.inputs = _inputs(body["inputs"])
    run.updated_at = now
    session.add(run)


def delete_run(session: Session, run: ExperimentRun) -> None:
    # Metrics, params and tags go with it (ON DELETE CASCADE).
    session.delete(run)
