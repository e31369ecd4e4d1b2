"""Application as it appears on the wire: the status and timestamps as of the mock's clock."""

from __future__ import annotations

import json

from mockcml.core.actors import Actor
from mockcml.kit.users import short_user
from mockcml.kit.wire import reached, timestamp
from mockcml.resources.applications.lifecycle import status_of
from mockcml.resources.applications.tables import Application


def app_wire(app: Application, creator: Actor, now: float) -> dict:
    out = {
        "id": app.id,
        "name": app.name,
        "description": app.description,
        "creator": short_user(creator),
        "script": app.script,
        "subdomain": app.subdomain,
        "status": status_of(app, now),
        "created_at": timestamp(app.created_at),
        "stopped_at": reached(app.stopped_at, now),
        "updated_at": timestamp(app.updated_at),
        "starting_at": reached(app.starting_at, now),
        "running_at": reached(app.running_at, now),
        "kernel": app.kernel,
        "cpu": app.cpu,
        "memory": app.memory,
        "nvidia_gpu": app.nvidia_gpu,
        "bypass_authentication": app.bypass_authentication,
        # A map on create, a JSON-encoded string here: CML's quirk, copied.
        "environment": app.environment,
        "runtime_identifier": app.runtime_identifier,
        "runtime_addon_identifiers": json.loads(app.runtime_addon_identifiers),
        "run_as": app.run_as,
        "cdv_app": app.cdv_app,
        # int64 travels as a JSON string (proto3 JSON mapping).
        "accelerator_label_id": str(app.accelerator_label_id),
        "resource_group_id": app.resource_group_id,
        "resource_profile_id": app.resource_profile_id,
    }
    # Timestamps not reached yet are left out, as proto3 JSON leaves out unset ones.
    return {k: v for k, v in out.items() if v is not None}
