"""A run's data: metrics (every value kept), params (write-once) and tags (upserted).

MLflow's rules: a batch holds at most 1000 metrics, 100 params and 100 tags; keys are
validated the same way everywhere; logging a param again with the same value is fine,
with another value it is INVALID_ARGUMENT. The value a run shows for a metric is the one
with the latest timestamp, the largest of those on a tie (as GetExperimentRun documents).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlmodel import Session, col

from mockcml.core.errors import InvalidArgument
from mockcml.kit.wire import parse_timestamp, timestamp
from mockcml.resources.experiment_runs.tables import (
    ExperimentRun,
    LatestMetric,
    RunMetric,
    RunParam,
    RunTag,
)
from mockcml.resources.experiments.validation import (
    MAX_ENTITIES_PER_BATCH,
    MAX_METRICS_PER_BATCH,
    MAX_PARAM_VALUE_LENGTH,
    MAX_PARAMS_TAGS_PER_BATCH,
    MAX_TAG_VALUE_LENGTH,
    check_key,
    key_values,
)

RUN_NAME_TAG = "mlflow.runName"
MODEL_HISTORY_TAG = "mlflow.log-model.history"
_CHUNK = 500  # ids per IN (...) when loading a page of runs


@dataclass
class RunData:
    metrics: list[dict] = field(default_factory=list)
    params: list[dict] = field(default_factory=list)
    tags: list[dict] = field(default_factory=list)


def metric_wire(key: str, value: float, at: float, step: int) -> dict:
    # step is an int64: a JSON string on the wire.
    return {"key": key, "value": value, "timestamp": timestamp(at), "step": str(step)}


def load(session: Session, run_ids: list[str]) -> dict[str, RunData]:
    """Latest metrics, params and tags of many runs in a few queries, each in key order."""
    out = {run_id: RunData() for run_id in run_ids}
    for i in range(0, len(run_ids), _CHUNK):
        chunk = run_ids[i : i + _CHUNK]
        for m in session.execute(select(LatestMetric).where(col(LatestMetric.run_id).in_(chunk))
                                 .order_by(LatestMetric.key)).scalars():
            out[m.run_id].metrics.append(metric_wire(m.key, m.value, m.timestamp, m.step))
        for table, bucket in ((RunParam, "params"), (RunTag, "tags")):
            rows = session.execute(select(table).where(col(table.run_id).in_(chunk))
                                   .order_by(table.key)).scalars()
            for row in rows:
                getattr(out[row.run_id], bucket).append({"key": row.key, "value": row.value})
    return out


def history(session: Session, run: ExperimentRun, key: str) -> list[dict]:
    """Every value logged for ``key`` by step, then time, then logging order."""
    rows = session.execute(
        select(RunMetric).where(col(RunMetric.run_id) == run.id, col(RunMetric.key) == key)
        .order_by(col(RunMetric.step), col(RunMetric.timestamp), col(RunMetric.seq))
    ).scalars()
    return [metric_wire(m.key, m.value, m.timestamp, m.step) for m in rows]


def _metrics(items: list[dict] | None, now: float) -> list[tuple[str, float, float, int]]:
    out = []
    for i, item in enumerate(items or []):
        item = item or {}
        key = check_key(item.get("key"), "metric")
        if item.get("value") is None:
            raise InvalidArgument(f"metrics[{i}] ({key!r}): value is required")
        at = item.get("timestamp")
        at = parse_timestamp(at, f"metrics[{i}].timestamp") if at else now
        out.append((key, float(item["value"]), at, int(item.get("step") or 0)))
    return out


def _check_params(session: Session, run: ExperimentRun, pairs: list[tuple[str, str]]
                  ) -> dict[str, str]:
    """New params to write; a key sent twice, or already logged, must keep its value."""
    wanted: dict[str, str] = {}
    for key, value in pairs:
        if key in wanted and wanted[key] != value:
            raise InvalidArgument(
                f"duplicate param key {key!r} in one batch with different values")
        wanted[key] = value
    logged = dict(session.execute(
        select(col(RunParam.key), col(RunParam.value))
        .where(col(RunParam.run_id) == run.id, col(RunParam.key).in_(list(wanted)))
    ).all()) if wanted else {}
    for key, value in wanted.items():
        if key in logged and logged[key] != value:
            raise InvalidArgument(
                f"changing param values is not allowed: param {key!r} was already logged "
                f"with value {logged[key]!r} for run {run.id!r}, attempted {value!r}")
    return {k: v for k, v in wanted.items() if k not in logged}


def _model_history(session: Session, run: ExperimentRun, model_json: str) -> str:
    """``model_json`` (an MLmodel as JSON) is appended to the run's model history tag."""
    try:
        model = json.loads(model_json)
    except (ValueError, RecursionError):
        raise InvalidArgument("model_json is not valid JSON") from None
    if not isinstance(model, dict):
        raise InvalidArgument("model_json must be a JSON object")
    tag = session.get(RunTag, (run.id, MODEL_HISTORY_TAG))
    models = json.loads(tag.value) if tag is not None else []
    models.append(model)
    return json.dumps(models, separators=(",", ":"))


def log_batch(session: Session, run: ExperimentRun, body: dict[str, Any], now: float) -> None:
    """Validate the whole batch first, then write it (the transaction makes it atomic)."""
    metrics = _metrics(body.get("metrics"), now)
    params = key_values(body.get("params"), MAX_PARAM_VALUE_LENGTH, "param")
    tags = key_values(body.get("tags"), MAX_TAG_VALUE_LENGTH, "tag")
    if len(metrics) > MAX_METRICS_PER_BATCH:
        raise InvalidArgument(f"a batch may log at most {MAX_METRICS_PER_BATCH} metrics")
    if len(params) > MAX_PARAMS_TAGS_PER_BATCH or len(tags) > MAX_PARAMS_TAGS_PER_BATCH:
        raise InvalidArgument(f"a batch may log at most {MAX_PARAMS_TAGS_PER_BATCH} params "
                              f"and {MAX_PARAMS_TAGS_PER_BATCH} tags")
    if len(metrics) + len(params) + len(tags) > MAX_ENTITIES_PER_BATCH:
        raise InvalidArgument(f"a batch may log at most {MAX_ENTITIES_PER_BATCH} entities")
    new_params = _check_params(session, run, params)
    tag_values = dict(tags)
    if body.get("model_json"):
        tag_values[MODEL_HISTORY_TAG] = _model_history(session, run, body["model_json"])

    best: dict[str, tuple[float, float, int]] = {}
    for key, value, at, step in metrics:
        session.add(RunMetric(run_id=run.id, key=key, value=value, timestamp=at, step=step))
        if key not in best or (at, value) > best[key][:2]:
            best[key] = (at, value, step)
    for key, (at, value, step) in best.items():
        latest = session.get(LatestMetric, (run.id, key))
        if latest is None:
            latest = LatestMetric(run_id=run.id, key=key, value=value, timestamp=at, step=step)
        elif (at, value) > (latest.timestamp, latest.value):
            latest.value, latest.timestamp, latest.step = value, at, step
        session.add(latest)
    for key, text in new_params.items():
        session.add(RunParam(run_id=run.id, key=key, value=text))
    set_tags(session, run, tag_values)
    run.updated_at = now
    session.add(run)


def set_tags(session: Session, run: ExperimentRun, tags: dict[str, str]) -> None:
    for key, value in tags.items():
        tag = session.get(RunTag, (run.id, key)) or RunTag(run_id=run.id, key=key)
        tag.value = value
        session.add(tag)
    # The run name and its tag are one thing, as in MLflow.
    if tags.get(RUN_NAME_TAG):
        run.name = tags[RUN_NAME_TAG]


def delete_batch(session: Session, run: ExperimentRun, body: dict[str, Any],
                 now: float) -> None:
    """Remove whole metrics (every logged value), params and tags by key.

    [inferred] Keys the run does not have are ignored, so a retried call succeeds.
    """
    metrics = [check_key(k, "metric") for k in body.get("metrics") or []]
    params = [check_key(k, "param") for k in body.get("params") or []]
    tags = [check_key(k, "tag") for k in body.get("tags") or []]
    for table, keys in ((RunMetric, metrics), (LatestMetric, metrics), (RunParam, params),
                        (RunTag, tags)):
        if keys:
            session.execute(delete(table).where(col(table.run_id) == run.id, col(table.key).in_(keys)))
    run.updated_at = now
    session.add(run)
