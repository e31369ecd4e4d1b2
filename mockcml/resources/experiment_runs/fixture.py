"""Runs of an experiment in fixture files, with their params, tags and metric histories."""

from __future__ import annotations

from mockcml.fixtures import kinds as k

EXPERIMENT_RUN_STATUSES = {
    "running": "EXPERIMENT_RUN_RUNNING", "scheduled": "EXPERIMENT_RUN_SCHEDULED",
    "finished": "EXPERIMENT_RUN_FINISHED", "failed": "EXPERIMENT_RUN_FAILED",
    "killed": "EXPERIMENT_RUN_KILLED",
}

METRIC_VALUE = k.Record("MetricValue", "One logged value of a metric.", (
    k.Field("value", k.Number(), "The value.", required=True),
    k.Field("step", k.Integer(), "Step.", default="its position in the list"),
    k.Field("timestamp", k.Time(), "When it was logged.",
            default="start_time plus its position in seconds"),
))

EXPERIMENT_RUN = k.Record("ExperimentRun", "A run of the experiment, with its data.", (
    k.record_id("Run id.", "the experiment id and the name"),
    k.Field("name", k.Text(nonempty=True), "Run name (run_name; tag mlflow.runName), unique in the "
            "experiment.", required=True),
    k.Field("status", k.statuses(EXPERIMENT_RUN_STATUSES),
            "finished, failed, killed, running or scheduled (or ExperimentRunStatus).",
            required=True),
    k.Field("start_time", k.Time(), "When the run started.",
            default="one second after the experiment, in order"),
    k.Field("end_time", k.Time(), "When a finished, failed or killed run ended.",
            default="a minute after start_time, or the moment of loading if sooner"),
    k.Field("user", k.Ref("user"), "Username of who ran it.", default="the experiment's user"),
    k.Field("metrics", k.Metrics(METRIC_VALUE), "Metric keys to a value or a list of values "
            "(the history: numbers, or {value, step, timestamp})."),
    k.Field("params", k.KeyMap("param", 6000, mlflow=True), "Parameters."),
    k.Field("tags", k.KeyMap("tag", 8000, mlflow=True), "Tags."),
), key=("name",))
