"""ModelBuild as it appears on the wire: the status and times as of the mock's clock."""

from __future__ import annotations

import json

from mockcml.core.actors import Actor
from mockcml.kit.users import short_user
from mockcml.kit.wire import timestamp
from mockcml.resources.model_builds.lifecycle import BUILD, built_at
from mockcml.resources.model_builds.tables import ModelBuild


def build_wire(build: ModelBuild, creator: Actor, now: float) -> dict:
    out = {
        "id": build.id,
        "model_id": build.model_id,
        "creator": short_user(creator),
        "comment": build.comment,
        "file_path": build.file_path,
        "function_name": build.function_name,
        "engine_image": build.engine_image,
        "kernel": build.kernel,
        "created_at": timestamp(build.created_at),
        # The time of the latest change of status.
        "updated_at": timestamp(BUILD.changed_at(build, now)),
        "status": BUILD.status_at(build, now),
        "deletion_status": "",
        "crn": build.crn,
        # Only a build that has succeeded has been built.
        "built_at": timestamp(built_at(build, now)),
        "runtime_identifier": build.runtime_identifier,
        "runtime_addon_identifiers": json.loads(build.runtime_addon_identifiers),
        "registered_model_version_id": build.registered_model_version_id,
        "model_root_dir": build.model_root_dir,
        "build_script_path": build.build_script_path,
    }
    return {k: v for k, v in out.items() if v is not None}
