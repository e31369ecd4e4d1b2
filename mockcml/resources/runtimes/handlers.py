"""HTTP side of runtimes."""

from __future__ import annotations

from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.resources.runtimes import service
from mockcml.resources.runtimes.schemas import runtime_wire


@operation("ListRuntimes")
def list_runtimes(call: Call) -> dict:
    # Any authenticated user may list the workspace's runtimes.
    result = service.list_runtimes(call.session, call.query)
    return {"runtimes": [runtime_wire(row[0]) for row in result.rows],
            "next_page_token": result.next_page_token}
