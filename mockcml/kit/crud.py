"""Workspace configuration operations, declared once: list, get, create, update, delete.

Several admin resources (docker credentials, runtime repos, Copilot models) answer the same
way: a listing page of wire objects, the wire object of what was created or changed, an
empty object for a delete. ``admin_crud`` registers those operations from the resource's
rules, so the handlers are not written again per resource. Changes are site
administration (PERMISSION_DENIED, 403 code 7, before anything else is read); reads are
too unless ``open_reads``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.kit.listing import listed

Wire = Callable[..., dict[str, Any]]


def admin_message(what: str) -> str:
    """The PERMISSION_DENIED message of a site-administration operation."""
    return f"{what} is for site administrators"


def admin_crud(what: str, wire: Wire, *, open_reads: bool = False,
               listing: tuple[str, str, Callable[[Any, dict[str, Any]], Any]] | None = None,
               get: tuple[str, str, Callable[[Any, Any], Any]] | None = None,
               create: tuple[str, Callable[[Any, dict[str, Any], float], Any]] | None = None,
               update: tuple[str, Callable[[Any, dict[str, Any], float], Any]] | None = None,
               delete: tuple[str, str, Callable[[Any, Any], None]] | None = None) -> None:
    """Register the operations given, each as ``(operation id, ..., rule)``:

    - ``listing``: (id, answer field, rule(session, query) -> Page)
    - ``get``: (id, path parameter, rule(session, id) -> row)
    - ``create`` / ``update``: (id, rule(session, body, now) -> row)
    - ``delete``: (id, path parameter, rule(session, id))
    """
    admin = admin_message(what)
    reads = None if open_reads else admin
    if listing is not None:
        list_id, field, rows = listing
        operation(list_id, admin=reads)(
            lambda call: listed(rows(call.session, call.query), field, wire))
    if get is not None:
        get_id, param, fetch = get
        operation(get_id, admin=reads)(lambda call: wire(fetch(call.session, call.path[param])))
    for declared in (create, update):
        if declared is not None:
            op_id, change = declared
            operation(op_id, admin=admin)(_changed(change, wire))
    if delete is not None:
        delete_id, param, drop = delete

        def deleted(call: Call) -> dict[str, Any]:
            drop(call.session, call.path[param])
            return {}

        operation(delete_id, admin=admin)(deleted)


def _changed(change: Callable[[Any, dict[str, Any], float], Any], wire: Wire) -> Any:
    return lambda call: wire(change(call.session, call.body or {}, call.now))


def project_listings(field: str, wire: Wire, listing: tuple[str, Callable[..., Any]],
                     everywhere: tuple[str, Callable[..., Any]]) -> None:
    """ListX (one project, which the caller must be able to view) and ListAllX (every
    project the caller can see): ``(operation id, rule(session, project id or project
    clause, query) -> Page)`` each."""
    # Imported here: who sees which project is the projects resource's rule.
    from mockcml.resources.projects.service import viewable_projects

    one_id, in_project = listing
    all_id, in_all = everywhere
    operation(one_id, project="view")(
        lambda call: listed(in_project(call.session, call.project.id, call.query), field, wire))
    operation(all_id)(lambda call: listed(
        in_all(call.session, viewable_projects(call.user), call.query), field, wire))


def patched_in_project(call: Call, param: str, fetch: Callable[[Any, str, str], Any],
                       change: Callable[[Any, Any, dict[str, Any], float], None],
                       joined_row: Callable[[Any, str, str], tuple[Any, ...]]) -> tuple[Any, ...]:
    """PATCH of one row of the call's project: ``fetch(session, project id, path id)`` finds
    it (NOT_FOUND otherwise), ``change(session, row, body, now)`` applies the body, and the
    answer is ``joined_row(session, project id, row id)``, read back after a flush so that it
    carries the users it joins and the values the database filled in."""
    project_id = call.project.id
    row = fetch(call.session, project_id, call.path[param])
    change(call.session, row, call.body or {}, call.now)
    call.session.flush()
    return joined_row(call.session, project_id, row.id)
