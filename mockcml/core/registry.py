"""Operation handlers, registered by operationId, with what each one needs around it.

A handler is declared with the cross-cutting steps it needs, and :func:`invoke` does them,
so no handler repeats them by hand::

    @operation("UpdateJob", project="write", pokes=True)
    def update_job(call): ...            # call.project is the checked project row

- ``project``: the capability (view, run, write, admin) the caller needs on the project
  named by the path parameter ``project_param``. A project the caller may not see
  answers NOT_FOUND, one it may see but not ``project`` answers PERMISSION_DENIED
  (resources/projects/access.py); the row is put on ``call.project``.
- ``admin``: site administrators only; the text is the PERMISSION_DENIED message.
- ``same_ids``: path parameters a JSON body may repeat (cmlapi sends them); a body value
  that is set and differs from the path is INVALID_ARGUMENT.
- ``pokes``: the call changes what the scheduler waits for (a schedule, a run); it is
  woken once the transaction has committed, so cron and dependent runs are not delayed.
- ``short``: a write as short as a read (a few plain-SQL statements, no upload, no
  cascade): like a GET it runs on the event loop when SQLite is free (core/routing.py).

``@operation("Id")`` with no declaration registers a handler that does its own checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mockcml.core.errors import InvalidArgument, PermissionDenied

Handler = Callable[..., Any]
CAPABILITIES = ("view", "run", "write", "admin")


@dataclass(frozen=True)
class Declared:
    """A handler and what :func:`invoke` does before it and :func:`after_commit` after it."""

    handler: Handler
    project: str | None = None
    project_param: str = "project_id"
    admin: str | None = None
    same_ids: tuple[str, ...] = ()
    pokes: bool = False
    short: bool = False


HANDLERS: dict[str, Handler] = {}
DECLARED: dict[str, Declared] = {}


def operation(operation_id: str, *, project: str | None = None,
              project_param: str = "project_id", admin: str | None = None,
              same_ids: tuple[str, ...] = (), pokes: bool = False,
              short: bool = False) -> Callable[[Handler], Handler]:
    if project is not None and project not in CAPABILITIES:
        raise ValueError(f"{operation_id}: project capability must be one of {CAPABILITIES}")

    def register(func: Handler) -> Handler:
        if operation_id in HANDLERS and HANDLERS[operation_id] is not func:
            raise RuntimeError(f"{operation_id} is registered twice")
        HANDLERS[operation_id] = func
        DECLARED[operation_id] = Declared(func, project, project_param, admin,
                                          tuple(same_ids), pokes, short)
        return func

    return register


def runs_inline(op: Any) -> bool:
    """Whether the call may run on the event loop when the database is free: reads, and
    writes declared ``short``."""
    if op.method == "GET":
        return True
    declared = DECLARED.get(op.operation_id)
    return declared is not None and declared.short


def implemented() -> set[str]:
    return set(HANDLERS)


def invoke(call: Any) -> Any:
    """Run the handler of ``call.op`` inside the request's transaction.

    The contract endpoint (core/routing.py) calls this and nothing else of the handler;
    what every operation needs done around its handler belongs here. Checks run in the
    order a client would see them from the real service: who the caller is allowed to
    be, then the project it names, then the consistency of the body.
    """
    declared = DECLARED[call.op.operation_id]
    if declared.admin is not None and not call.user.is_admin:
        raise PermissionDenied(declared.admin)
    if declared.project is not None:
        call.project = _project(call, declared, declared.project)
    if declared.same_ids and call.body:
        for name in declared.same_ids:
            value = call.body.get(name)
            # Path values are text; a body may carry the same id as a number (int32 ids).
            if value and str(value) != str(call.path[name]):
                raise InvalidArgument(f"{name} in the body does not match the path")
    return declared.handler(call)


def _project(call: Any, declared: Declared, capability: str) -> Any:
    # Imported here: the project rules are a resource's, and resources import this module.
    from mockcml.resources.projects.access import require

    # A read goes through the plain-SQL connection (no ORM session opened for it); a
    # change reads the project inside the transaction that will write: on an in-memory
    # SQLite that is the plain-SQL connection too (UnitOfWork.writer), so no session is
    # opened for it either.
    db = call.db if capability == "view" or call.db.plain_writes else call.session
    row, _ = require(db, call.user, call.path[declared.project_param], capability)
    return row


def after_commit(call: Any) -> None:
    """Called by the contract endpoint once the request's transaction has committed."""
    if DECLARED[call.op.operation_id].pokes:
        call.mock.scheduler.poke()
