"""Experiments in fixture files; each one's runs nest inside."""

from __future__ import annotations

from mockcml.fixtures import kinds as k
from mockcml.resources.experiment_runs.fixture import EXPERIMENT_RUN

LIFECYCLE_STAGES = ("active", "deleted")

EXPERIMENT = k.Record("Experiment", "An experiment of the project: the fields of "
                      "CreateExperimentRequest, plus its runs.", (
    k.record_id("Experiment id.", "the project id and the name"),
    k.Field("name", k.Text(nonempty=True), "Experiment name, unique in the project.", required=True),
    k.Field("user", k.Ref("user"), "Username of the creator.", default="the project owner"),
    k.Field("created_at", k.Time(), "Creation time.", default="just after the project's"),
    k.Field("artifact_location", k.Text(), "Where artifacts go.",
            default="/home/cdsw/.experiments/<id>"),
    k.Field("engine_id", k.Text(), "As CreateExperimentRequest."),
    k.Field("tags", k.KeyMap("experiment tag", 5000, mlflow=True), "Tags."),
    k.Field("lifecycle_stage", k.Choice(LIFECYCLE_STAGES), "deleted: soft-deleted, as after "
            "DeleteExperiment.", default="active"),
    k.Field("runs", k.ListOf(EXPERIMENT_RUN), "Runs of the experiment."),
), key=("name",), extend=("runs",))
