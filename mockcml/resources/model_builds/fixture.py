"""A model's builds in fixture files; the deployments of each build nest inside."""

from __future__ import annotations

from mockcml.fixtures import kinds as k
from mockcml.resources.model_builds.lifecycle import BUILD as LIFECYCLE
from mockcml.resources.model_builds.lifecycle import WORDS
from mockcml.resources.model_deployments.fixture import DEPLOYMENT
from mockcml.resources.projects.fixture import KERNELS, LEGACY_KERNEL_DOC


def _scripted(phase: str) -> str:
    return LIFECYCLE.scripted_default(phase, f"MOCKCML_{WORDS[phase]} in the comment")


BUILD_STATUSES = {
    "built": "built", "failed": "build failed", "timedout": "timedout", "pending": "pending",
    "queued": "queued", "pushing": "pushing",
}

BUILD = k.Record("ModelBuild", "A build of the model: the fields of CreateModelBuildRequest, "
                 "plus its status at load time and its deployments.", (
    k.record_id("Build id.", "the model id and the build's position"),
    k.status_at_load(k.statuses(BUILD_STATUSES), "built, failed, timedout", "pending, queued, pushing",
                     "built", note="; 'build failed' is accepted for failed"),
    k.Field("created_at", k.Time(), "Creation time.", default="one second after the model, in order"),
    k.Field("creator", k.Ref("user"), "Username of the creator.", default="the model's creator"),
    k.Field("comment", k.Text(), "Free text; MOCKCML_OUTCOME=..., MOCKCML_DURATION=... words script "
            "a build in progress as for API-created builds."),
    k.Field("file_path", k.Text(), "Script with the model function; required unless "
            "registered_model_version."),
    k.Field("function_name", k.Text(), "Function serving predictions; required unless "
            "registered_model_version."),
    k.Field("kernel", k.Choice(KERNELS), "Kernel for legacy-engine projects.",
            default=LEGACY_KERNEL_DOC),
    k.Field("runtime_identifier", k.Ref("runtime"),
            "image_identifier of a runtime of the scenario; required in ml_runtime projects."),
    k.Field("runtime_addon_identifiers", k.ListOf(k.Text()), "Runtime add-ons."),
    k.Field("registered_model_version", k.Integer(minimum=1),
            "Build from this version number of the model's registered_model "
            "(registered_model_version_id on the wire)."),
    k.Field("model_root_dir", k.Text(), "As CreateModelBuildRequest."),
    k.Field("build_script_path", k.Text(), "As CreateModelBuildRequest."),
    *k.counts("As CreateModelBuildRequest."),
    k.Field("pending", k.Duration(), "Time spent pending.", default=_scripted("pending")),
    k.Field("queued", k.Duration(), "Time spent queued (building).", default=_scripted("queued")),
    k.Field("pushing", k.Duration(), "Time spent pushing (built builds only).",
            default=_scripted("pushing")),
    k.Field("deployments", k.ListOf(DEPLOYMENT), "Deployments of this build (built builds only)."),
))
