"""Fixture records of experiments (with runs inside): the shape an item has in a fixture file.

Assembled into the scenario by ``mockcml/fixtures/schema.py``; field names follow the
API's create requests.
"""

from __future__ import annotations

from mockcml.fixtures.kinds import (
    Choice,
    Field,
    KeyMap,
    ListOf,
    Record,
    Ref,
    Text,
    Time,
)
from mockcml.resources.experiment_runs.fixture import EXPERIMENT_RUN

LIFECYCLE_STAGES = ("active", "deleted")

EXPERIMENT = Record("Experiment", "An experiment of the project: the fields of "
                    "CreateExperimentRequest, plus its runs.", (
    Field("id", Text(nonempty=True, no_spaces=True), "Experiment id.",
          default="derived from the project id and the name"),
    Field("name", Text(nonempty=True), "Experiment name, unique in the project.", required=True),
    Field("user", Ref("user"), "Username of the creator.", default="the project owner"),
    Field("created_at", Time(), "Creation time.", default="just after the project's"),
    Field("artifact_location", Text(), "Where artifacts go.",
          default="/home/cdsw/.experiments/<id>"),
    Field("engine_id", Text(), "As CreateExperimentRequest."),
    Field("tags", KeyMap("experiment tag", 5000, mlflow=True), "Tags."),
    Field("lifecycle_stage", Choice(LIFECYCLE_STAGES), "deleted: soft-deleted, as after "
          "DeleteExperiment.", default="active"),
    Field("runs", ListOf(EXPERIMENT_RUN), "Runs of the experiment."),
), key=("name",), extend=("runs",))
