"""Fixture records of experiment runs and their metrics: the shape an item has in a fixture file.

Assembled into the scenario by ``mockcml/fixtures/schema.py``; field names follow the
API's create requests.
"""

from __future__ import annotations

from mockcml.fixtures.kinds import (
    Field,
    Integer,
    KeyMap,
    Metrics,
    Number,
    Record,
    Ref,
    Text,
    Time,
    statuses,
)

EXPERIMENT_RUN_STATUSES = {
    "running": "EXPERIMENT_RUN_RUNNING", "scheduled": "EXPERIMENT_RUN_SCHEDULED",
    "finished": "EXPERIMENT_RUN_FINISHED", "failed": "EXPERIMENT_RUN_FAILED",
    "killed": "EXPERIMENT_RUN_KILLED",
}

METRIC_VALUE = Record("MetricValue", "One logged value of a metric.", (
    Field("value", Number(), "The value.", required=True),
    Field("step", Integer(), "Step.", default="its position in the list"),
    Field("timestamp", Time(), "When it was logged.",
          default="start_time plus its position in seconds"),
))

EXPERIMENT_RUN = Record("ExperimentRun", "A run of the experiment, with its data.", (
    Field("id", Text(nonempty=True, no_spaces=True), "Run id.",
          default="derived from the experiment id and the name"),
    Field("name", Text(nonempty=True), "Run name (run_name; tag mlflow.runName), unique in the "
          "experiment.", required=True),
    Field("status", statuses(EXPERIMENT_RUN_STATUSES),
          "finished, failed, killed, running or scheduled (or ExperimentRunStatus).",
          required=True),
    Field("start_time", Time(), "When the run started.",
          default="one second after the experiment, in order"),
    Field("end_time", Time(), "When a finished, failed or killed run ended.",
          default="a minute after start_time, or the moment of loading if sooner"),
    Field("user", Ref("user"), "Username of who ran it.", default="the experiment's user"),
    Field("metrics", Metrics(METRIC_VALUE), "Metric keys to a value or a list of values "
          "(the history: numbers, or {value, step, timestamp})."),
    Field("params", KeyMap("param", 6000, mlflow=True), "Parameters."),
    Field("tags", KeyMap("tag", 8000, mlflow=True), "Tags."),
), key=("name",))
