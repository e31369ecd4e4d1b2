"""Fixture records of model builds: the shape an item has in a fixture file.

Assembled into the scenario by ``mockcml/fixtures/schema.py``; field names follow the
API's create requests.
"""

from __future__ import annotations

from mockcml.fixtures.kinds import (
    Choice,
    Duration,
    Field,
    Integer,
    ListOf,
    Record,
    Ref,
    Text,
    Time,
    counts,
    statuses,
)
from mockcml.resources.model_deployments.fixture import DEPLOYMENT
from mockcml.resources.projects.fixture import KERNELS, LEGACY_KERNEL_DOC

BUILD_STATUSES = {
    "built": "built", "failed": "build failed", "timedout": "timedout", "pending": "pending",
    "queued": "queued", "pushing": "pushing",
}

BUILD = Record("ModelBuild", "A build of the model: the fields of CreateModelBuildRequest, "
               "plus its status at load time and its deployments.", (
    Field("id", Text(nonempty=True, no_spaces=True), "Build id.",
          default="derived from the model id and the build's position"),
    Field("status", statuses(BUILD_STATUSES),
          "Status at load time: built, failed, timedout (history), or pending, queued, pushing "
          "(in progress); 'build failed' is accepted for failed.", default="built"),
    Field("created_at", Time(), "Creation time.", default="one second after the model, in order"),
    Field("creator", Ref("user"), "Username of the creator.", default="the model's creator"),
    Field("comment", Text(), "Free text; MOCKCML_OUTCOME=..., MOCKCML_DURATION=... words script "
          "a build in progress as for API-created builds."),
    Field("file_path", Text(), "Script with the model function; required unless "
          "registered_model_version."),
    Field("function_name", Text(), "Function serving predictions; required unless "
          "registered_model_version."),
    Field("kernel", Choice(KERNELS), "Kernel for legacy-engine projects.",
          default=LEGACY_KERNEL_DOC),
    Field("runtime_identifier", Ref("runtime"),
          "image_identifier of a runtime of the scenario; required in ml_runtime projects."),
    Field("runtime_addon_identifiers", ListOf(Text()), "Runtime add-ons."),
    Field("registered_model_version", Integer(minimum=1),
          "Build from this version number of the model's registered_model "
          "(registered_model_version_id on the wire)."),
    Field("model_root_dir", Text(), "As CreateModelBuildRequest."),
    Field("build_script_path", Text(), "As CreateModelBuildRequest."),
    *counts("As CreateModelBuildRequest."),
    Field("pending", Duration(), "Time spent pending.",
          default="MOCKCML_PENDING_DURATION in the comment, else 1s"),
    Field("queued", Duration(), "Time spent queued (building).",
          default="MOCKCML_DURATION in the comment, else 8s"),
    Field("pushing", Duration(), "Time spent pushing (built builds only).",
          default="MOCKCML_PUSHING_DURATION in the comment, else 2s"),
    Field("deployments", ListOf(DEPLOYMENT), "Deployments of this build (built builds only)."),
))
