"""Experiments of fixture files, with their runs: what is wrong with them, and the rows
they become (runs, metrics, params and tags), and how tags, params and metrics are read."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockcml.core.errors import InvalidArgument
from mockcml.fixtures.facts import when
from mockcml.fixtures.kinds import KeyMap, Metrics, Number
from mockcml.fixtures.parse import BAD, Map, Node, Scalar, Seq, describe
from mockcml.kit.rows import column_defaults
from mockcml.kit.sql import table_of
from mockcml.resources.experiment_runs import history
from mockcml.resources.experiment_runs.fixture import EXPERIMENT_RUN_STATUSES
from mockcml.resources.experiment_runs.tables import (
    ExperimentRun,
    LatestMetric,
    RunMetric,
    RunParam,
    RunTag,
    artifact_uri,
)
from mockcml.resources.experiments.tables import Experiment, experiment_row
from mockcml.resources.experiments.validation import check_key

if TYPE_CHECKING:
    from mockcml.fixtures.load import Rows
    from mockcml.fixtures.validate import Checker as C
    from mockcml.fixtures.validate import Entry, Shaper

RUN_NAME_TAG = "mlflow.runName"
_EXPERIMENT_BASE = column_defaults(table_of(Experiment))
_RUN_ROW_BASE = column_defaults(table_of(ExperimentRun))
_METRIC_BASE = column_defaults(table_of(RunMetric))
_LATEST_BASE = column_defaults(table_of(LatestMetric))
_PARAM_BASE = column_defaults(table_of(RunParam))
_TAG_BASE = column_defaults(table_of(RunTag))


def check(c: C, project: Entry, experiment: Entry, default: float) -> None:
    c.ref_user(experiment, "user", c.usernames)
    experiment_id = c.assign_id(experiment, "experiment", project["_id"], experiment["name"])
    created = when(experiment, "created_at", default, c.now)
    for index, run in enumerate(experiment.get("runs", ())):
        c.ref_user(run, "user", c.usernames)
        c.assign_id(run, "experiment run", experiment_id, run["name"])
        tagged = (run.get("tags") or {}).get(RUN_NAME_TAG)
        if tagged is not None and tagged != run["name"]:
            c.problem(run, "tags", f"tag {RUN_NAME_TAG} {tagged!r} disagrees with the "
                                      f"name {run['name']!r}")
        if "status" in run:
            _, _, found = history.experiment_run(run, created + index + 1, c.now)
            c.report(run, found)


def add_rows(rows: Rows, project_id: str, experiment: dict[str, Any], ids: dict[str, int],
                owner_id: int, created: float, now: float) -> None:
    experiment_id = experiment["_id"]
    user = ids[experiment["user"]] if experiment.get("user") else owner_id
    row = experiment_row(experiment_id, project_id, user, experiment["name"], experiment,
                         list((experiment.get("tags") or {}).items()), created)
    rows.add(table_of(Experiment), {**_EXPERIMENT_BASE, **row})
    location = row["artifact_location"]
    for index, run in enumerate(experiment.get("runs", ())):
        start, end, _ = history.experiment_run(run, created + index + 1, now)
        run_id = run["_id"]
        rows.add(table_of(ExperimentRun), {
            **_RUN_ROW_BASE, "id": run_id, "project_id": project_id,
            "experiment_id": experiment_id, "name": run["name"],
            "user_id": ids[run["user"]] if run.get("user") else user,
            "status": EXPERIMENT_RUN_STATUSES[run["status"]], "start_time": start,
            "end_time": end, "artifact_uri": artifact_uri(location, run_id),
            "inputs": "[]", "created_at": start, "updated_at": end if end is not None else start,
        })
        latest: dict[str, tuple[float, float, int]] = {}
        for key, value, stamp, step in history.metric_rows(run, start, end, now):
            rows.add(table_of(RunMetric), {**_METRIC_BASE, "seq": None, "run_id": run_id,
                                           "key": key, "value": value, "timestamp": stamp,
                                           "step": step})
            # The value a run shows: the latest timestamp, then the largest value.
            if key not in latest or (stamp, value) > latest[key][:2]:
                latest[key] = (stamp, value, step)
        for key, (stamp, value, step) in latest.items():
            rows.add(table_of(LatestMetric), {**_LATEST_BASE, "run_id": run_id, "key": key,
                                              "value": value, "timestamp": stamp, "step": step})
        for key, value in (run.get("params") or {}).items():
            rows.add(table_of(RunParam), {**_PARAM_BASE, "run_id": run_id, "key": key,
                                          "value": value})
        for key, value in {**(run.get("tags") or {}), RUN_NAME_TAG: run["name"]}.items():
            rows.add(table_of(RunTag), {**_TAG_BASE, "run_id": run_id, "key": key,
                                        "value": value})


def key_map(shaper: Shaper, kind: KeyMap, node: Node, at: Node, path: Any) -> Any:
    """Tags and params: keys checked as MLflow checks them, values kept as text."""
    if not isinstance(node, Map):
        return shaper.wrong(kind, node, at, path)
    out: dict[str, str] = {}
    for name, (key, value) in node.pairs.items():
        where = (path, name)
        if kind.mlflow:
            try:
                check_key(name, kind.what)
            except InvalidArgument as exc:
                shaper.problem(key, where, exc.message)
                continue
        elif not name.strip():
            shaper.problem(key, where, f"{kind.what} key must not be empty")
            continue
        if not isinstance(value, Scalar) or value.kind == "null":
            shaper.problem(key, where, f"expected a string, got {describe(value)}")
            continue
        text = value.value if value.kind == "str" else value.text
        if kind.limit and len(text) > kind.limit:
            shaper.problem(key, where, f"value is longer than {kind.limit} characters")
            continue
        out[name] = text
    return out


def metrics(shaper: Shaper, kind: Metrics, node: Node, at: Node, path: Any) -> Any:
    """Metric key -> [(value, step or None, time or None)], in the order written."""
    if not isinstance(node, Map):
        return shaper.wrong(kind, node, at, path)
    out: dict[str, list[tuple[float, int | None, Any]]] = {}
    number = Number()
    for name, (key, value) in node.pairs.items():
        where = (path, name)
        try:
            check_key(name, "metric")
        except InvalidArgument as exc:
            shaper.problem(key, where, exc.message)
            continue
        items = value.items if isinstance(value, Seq) else [value]
        history = []
        for index, item in enumerate(items):
            item_path = (where, index) if isinstance(value, Seq) else where
            item_at = item if isinstance(value, Seq) else key
            if isinstance(item, Map):
                entry = shaper.record(kind.item, item, item_at, item_path)
                if entry is not BAD and "value" in entry:
                    history.append((entry["value"], entry.get("step"),
                                    entry.get("timestamp")))
                continue
            if isinstance(item, Scalar) and item.kind in ("int", "float"):
                converted = shaper.number(number, item, item_at, item_path)
                if converted is not BAD:
                    history.append((converted, None, None))
                continue
            shaper.problem(item_at, item_path, f"expected a number, a list of numbers or "
                                             f"{{value, step, timestamp}}, got "
                                             f"{describe(item)}")
        out[name] = history
    return out
