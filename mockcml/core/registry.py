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


def invoke(call: Any) -> Any:
    """Run the handler of ``call.op`` inside the request's transaction.

    The contract endpoint (core/routing.py) calls this and nothing else of the handler;
    what every operation needs done around its handler belongs here.
    """
    return HANDLERS[call.op.operation_id](call)


def after_commit(call: Any) -> None:
    """Called by the contract endpoint once the request's transaction has committed."""
