"""Operation handlers, registered by operationId from each resource's ``handlers`` module."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Handler = Callable[..., Any]
HANDLERS: dict[str, Handler] = {}


def operation(operation_id: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        if operation_id in HANDLERS and HANDLERS[operation_id] is not func:
            raise RuntimeError(f"{operation_id} is registered twice")
        HANDLERS[operation_id] = func
        return func

    return register


def implemented() -> set[str]:
    return set(HANDLERS)
