"""Runtime as it appears on the wire."""

from __future__ import annotations

from mockcml.kit.wire import attrs
from mockcml.resources.runtimes.tables import Runtime


def runtime_wire(runtime: Runtime) -> dict:
    return attrs(runtime, "image_identifier editor kernel edition description full_version "
                          "status register_user_id")
