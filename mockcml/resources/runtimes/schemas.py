"""Runtime as it appears on the wire."""

from __future__ import annotations

from mockcml.resources.runtimes.tables import Runtime


def runtime_wire(runtime: Runtime) -> dict:
    return {
        "image_identifier": runtime.image_identifier,
        "editor": runtime.editor,
        "kernel": runtime.kernel,
        "edition": runtime.edition,
        "description": runtime.description,
        "full_version": runtime.full_version,
        "status": runtime.status,
        "register_user_id": runtime.register_user_id,
    }
