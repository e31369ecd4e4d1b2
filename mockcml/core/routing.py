"""Route every contract operation: implemented ones to their handler, the rest to 501.

A request's body is read whole first (core/intake.py); then, on a database thread, the
caller is authenticated, its path, query and body are decoded against the contract, and
the handler runs inside one transaction: any error rolls everything back and leaves as
CML's error envelope.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import orjson
from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, NoMatchFound, get_route_path, request_response
from starlette.types import ASGIApp, Receive, Scope, Send

from mockcml.control.faults import Fault
from mockcml.core.actors import ProjectRef
from mockcml.core.auth import Caller, CallerKey, authenticate
from mockcml.core.contract import METHOD_ALIASES, Operation, decode_path
from mockcml.core.db import UnitOfWork
from mockcml.core.errors import ApiError, InvalidArgument, Unimplemented, error_response, render
from mockcml.core.intake import Body
from mockcml.core.registry import HANDLERS, after_commit, invoke, runs_inline
from mockcml.core.render import json_response
from mockcml.core.state import Mock
from mockcml.kit.wire import camel, check_text, loads, query_value

log = logging.getLogger("mockcml")
Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass
class Call:
    """What a handler gets: the decoded request, the caller and an open transaction."""

    op: Operation
    mock: Mock
    db: UnitOfWork  # plain-SQL reads (kit.sql) without an ORM session
    user: Caller
    key: CallerKey
    path: dict[str, Any]  # in the contract's types (core.contract.decode_path)
    query: dict[str, Any]
    body: dict[str, Any] | None
    request: Request
    # The path's project, checked by registry.invoke when the operation declares one.
    checked_project: ProjectRef | None = None

    @property
    def project(self) -> ProjectRef:
        """The path's project; only for operations that declare ``project=``."""
        if self.checked_project is None:
            raise RuntimeError(f"{self.op.operation_id} declares no project")
        return self.checked_project

    @project.setter
    def project(self, row: ProjectRef) -> None:
        self.checked_project = row

    @property
    def session(self) -> Session:
        """The ORM session of this call's transaction, opened on first use."""
        return self.db.session

    @property
    def now(self) -> float:
        return self.mock.clock.now()


# Query strings as parsed, by their bytes: a client polling a list sends the same one again
# and again, and parsing it (percent-decoding a search_filter's JSON) costs more than the
# dictionary lookup. Parsing is a pure function of the bytes; the lists are never changed.
_QUERIES: dict[bytes, dict[str, list[str]]] = {}
_QUERIES_MAX = 1024
_KEPT_TEXT = 4096  # the longest query string or path kept (what is kept stays small)


def _query_lists(query_string: bytes) -> dict[str, list[str]]:
    """Every value of each name, in order: what Starlette's ``QueryParams`` holds
    (``params[key]`` is the last value, ``getlist(key)`` all of them), built without it."""
    found = _QUERIES.get(query_string)
    if found is None:
        found = {}
        for key, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
            found.setdefault(key, []).append(value)
        if len(query_string) <= _KEPT_TEXT:  # a huge query is not worth keeping
            if len(_QUERIES) >= _QUERIES_MAX:
                _QUERIES.clear()  # many different queries: start again rather than track ages
            _QUERIES[query_string] = found
    return found


def _valid_text(value: dict[str, Any], where: str) -> dict[str, Any]:
    """``check_text(value, where)``, with orjson's walk in C first: orjson refuses a lone
    surrogate, so when it encodes ``value`` every string in it is valid; anything it
    refuses (a surrogate, a type it does not know) gets the full check and its message."""
    try:
        orjson.dumps(value)
    except TypeError:
        return check_text(value, where)
    return value


def _decode_query(op: Operation, request: Request) -> dict[str, Any]:
    query_string = request.scope.get("query_string", b"")
    # GetProject and most reads have none: nothing to look for.
    params = _query_lists(query_string) if query_string else {}
    out: dict[str, Any] = {}
    for name, spec in op.query.items() if params else ():
        # grpc-gateway accepts the proto name and its lowerCamelCase JSON name.
        key = name if name in params else camel(name)
        if key not in params:
            continue
        if spec.repeated:
            values = [v for raw in params[key] for v in raw.split(",") if v != ""]
            out[name] = [query_value(spec.item_type or "string", None, v, name) for v in values]
        else:
            out[name] = query_value(spec.type, spec.format, params[key][-1], name)
    _valid_text(request.path_params, "path")  # invalid text is a 400 wherever it comes in
    return _valid_text(out, "query") if out else out


def _decode_json(op: Operation, body: Body, mock: Mock, request: Request) -> dict[str, Any] | None:
    if op.body_kind == "multipart":
        return {"files": body.files}
    if op.body_kind != "json":
        return None
    # grpc-gateway tolerates an empty body (io.EOF): the request message stays empty.
    if not body.raw.strip():
        return {}
    try:
        value = loads(body.raw, "request body")  # also refuses invalid text
    # ValueError covers JSONDecodeError, bad UTF-8 and an integer of over 4300 digits.
    except (ValueError, RecursionError) as exc:
        raise InvalidArgument(f"invalid JSON body: {exc}") from None
    if not op.body_model:
        return {}
    try:
        decoded, unknown = mock.decoder.decode(op.body_model, value)
    except RecursionError:
        raise InvalidArgument("request body is nested too deeply") from None
    if unknown:
        # grpc-gateway drops unknown fields silently; the mock writes each one down so that a
        # test can see what its client sent in vain (control/unknown_fields.py).
        mock.unknown_fields.record(
            op.operation_id, request.method, request.scope["path"], unknown,
            request.state.caller, mock.clock.now())
        if mock.settings.strict:
            raise InvalidArgument(f"{op.body_model}: unknown field {unknown[0]!r}")
    return decoded


def _to_response(op: Operation, result: Any, style: str) -> Response:
    """Every answer of a handler leaves through here, in the response style in force."""
    if isinstance(result, Response):
        return result  # raw bytes (downloads): no style applies
    return json_response({} if result is None else result, op.success_status, style)


def _serve(op: Operation, mock: Mock, request: Request, body: Body) -> Response:
    """Everything a call does with the database, on a database thread (``Database.run``).

    It starts only once the whole body has arrived, so no connection ever waits on a
    client; and the response is encoded here too, off the event loop.
    """
    # Side effects already due (a dependent run, a cron tick) exist before we answer.
    # Database mode: the counters the shared state read with its row, after this request
    # arrived (control/shared/state.py), spare the request reading them again.
    shared = mock.shared
    mock.scheduler.catch_up(shared.generation)
    with mock.db.unit_of_work() as work:
        user, key = authenticate(work, request.headers.get("authorization"), mock.clock.now(),
                                 op.operation_id, mock.key_cache, shared.auth_token)
        request.state.caller = user.username
        if body.error is not None:
            raise body.error
        path = decode_path(op, {name: request.path_params[name]
                                for name in op.path_params.values()})
        call = Call(
            op=op, mock=mock, db=work, user=user, key=key, path=path,
            query=_decode_query(op, request), body=_decode_json(op, body, mock, request),
            request=request,
        )
        # Like grpc-gateway, the request is decoded before the method is looked up:
        # a malformed call to an unimplemented operation is still a 400.
        if op.operation_id not in HANDLERS:
            raise Unimplemented(f"{op.operation_id} is not implemented by mockcml")
        if call.body is not None:
            # A dotted path parameter ({job.id}) fills that field of the body.
            for name, body_field in op.bound_fields.items():
                call.body[body_field] = path[name]
        result = invoke(call)
    after_commit(call)
    return _to_response(op, result, mock.response_style.current)


async def _enter_shared(mock: Mock, request: Request, op: Operation) -> Fault | None:
    """Database mode (several workers): bring this worker in step with the others (clock,
    faults, settings: control/shared/state.py), then take the call's fault, its count
    spent in SQL. Memory mode never comes here."""
    return await mock.shared.enter(request.method, request.scope["path"], op.operation_id)


def make_endpoint(op: Operation) -> Endpoint:
    inline: bool | None = None  # runs_inline(op), once handlers are registered

    async def endpoint(request: Request) -> Response:
        nonlocal inline
        mock: Mock = request.app.state.mock
        request.state.operation_id = op.operation_id
        fault = (mock.faults.take(request.method, request.scope["path"], op.operation_id)
                 if not mock.shared.database else await _enter_shared(mock, request, op))
        if fault is not None:
            request.state.fault = fault.id
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.status is not None:
                # A faulted call never reaches its handler: no state changes.
                headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else None
                return error_response(fault.grpc_code, fault.message, fault.status, headers,
                                      mock.response_style.current)
        try:
            # The only await that waits on the client, and no connection is held during it.
            body = await mock.intake.read(request, op.body_kind)
            if inline is None:
                inline = runs_inline(op)
            if inline:
                # Reads and short writes: on the loop, in turn (Database.run_short).
                return await mock.db.run_short(_serve, op, mock, request, body)
            return await mock.db.run(_serve, op, mock, request, body)
        except ApiError as exc:
            return render(exc, mock.response_style.current)
        except Exception:
            log.exception("unexpected error in %s", op.operation_id)
            return error_response(13, "internal error",
                                  style=mock.response_style.current)

    endpoint.__name__ = op.operation_id
    return endpoint


def _direct(endpoint: Endpoint) -> ASGIApp:
    """``endpoint`` as an ASGI app without Starlette's per-request exception wrapping:
    the endpoint answers every error itself (as the envelope), so none is left to map."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive, send)
        try:
            response = await endpoint(request)
        except Exception:  # only a bug outside the endpoint's own handling gets here
            log.exception("unexpected error")
            response = error_response(13, "internal error",
                                      style=request.app.state.mock.response_style.current)
        await response(scope, receive, send)

    return app


_DISPATCHED_MAX = 4096
_SHAPE = re.compile(r"\{(\w+)(:path)?\}")
_ROUTE_PARAM = re.compile(r"\{(\w+)(?::path)?\}")


def _pattern(route: str, prefix: str) -> tuple[str, int]:
    """A regex for ``route``: ``{name}`` matches one segment, ``{name:path}`` anything; the
    groups are named <prefix>0, <prefix>1, ... Built by hand: compiling one regex per route
    at start-up costs more than this whole function."""
    parts = re.split(r"\{\w+(:path)?\}", route)
    # re.split keeps the optional group: static, flag, static, flag, ..., static.
    out, count = [re.escape(parts[0])], 0
    for i in range(1, len(parts), 2):
        body = ".*" if parts[i] else "[^/]+"
        out.append(f"(?P<{prefix}{count}>{body}){re.escape(parts[i + 1])}")
        count += 1
    return "".join(out), count


class ContractRouter(BaseRoute):
    """Every contract operation behind one compiled regular expression.

    Starlette tries routes one by one; with 158 operations that scan cost more than the
    handlers. Here the route patterns, in contract order (static segments before
    parameters, verbs before bare ids), are alternatives of one regex; the alternative that
    matches names the route, and the method picks its operation (or a 405).
    """

    def __init__(self, operations: tuple[Operation, ...]) -> None:
        # Routes of the same shape share one alternative, even when their parameters are
        # named differently ({runtime_repo_id} for DELETE, {runtimerepo.id} for PATCH).
        shapes: dict[str, dict[str, Operation]] = {}
        for op in operations:
            methods = shapes.setdefault(_SHAPE.sub(r"{\2}", op.route), {})
            methods[op.method] = op
            for alias in METHOD_ALIASES.get(op.operation_id, ()):
                methods.setdefault(alias, op)  # a contract operation of that method wins
        self.routes: list[tuple[int, dict[str, Operation], dict[str, ASGIApp]]] = []
        self.alone: list[str] = []  # each shape's own pattern, for method fallbacks
        # Per route and method: the endpoint as a plain ASGI app, and the names of its path
        # parameters in order (for dispatch).
        self.direct: list[dict[str, tuple[ASGIApp, tuple[str, ...]]]] = []
        alternatives = []
        for index, methods in enumerate(shapes.values()):
            route = next(iter(methods.values())).route
            pattern, count = _pattern(route, f"r{index}_")
            alternatives.append(f"(?P<r{index}>{pattern})")
            endpoints = {method: make_endpoint(op) for method, op in methods.items()}
            apps = {method: request_response(endpoint) for method, endpoint in endpoints.items()}
            self.routes.append((count, methods, apps))
            self.direct.append({method: (_direct(endpoints[method]),
                                         tuple(_ROUTE_PARAM.findall(op.route)))
                                for method, op in methods.items()})
            self.alone.append(pattern)
        self.regex = re.compile("^(?:" + "|".join(alternatives) + ")$")
        # dispatch's answers by method and path: a client reads the same paths over and
        # over (polling a run, a project), and a dictionary lookup is cheaper than matching
        # the regex of every route. The routes never change, so neither do the answers.
        self._dispatched: dict[tuple[str, str], tuple[ASGIApp, dict[str, str]] | None] = {}

    def resolve(self, path: str) -> tuple[int, list[str]] | None:
        match = self.regex.match(path)
        if match is None or match.lastgroup is None:
            return None
        index = int(match.lastgroup[1:])  # the alternative's own group closes last
        count = self.routes[index][0]
        return index, [match.group(f"r{index}_{i}") for i in range(count)]

    def resolve_for(self, method: str, path: str) -> tuple[int, list[str]] | None:
        """The first route of this path's shape that has ``method``; else the first match."""
        found = self.resolve(path)
        if found is None or method in self.routes[found[0]][1]:
            return found
        # A later shape may match too (a file named "x:download" read with GET).
        for index in range(found[0] + 1, len(self.routes)):
            if method in self.routes[index][1]:
                match = re.fullmatch(self.alone[index], path)
                if match is not None:
                    return index, list(match.groups())
        return found

    def operation_for(self, method: str, path: str) -> Operation | None:
        found = self.resolve_for(method, path)
        return None if found is None else self.routes[found[0]][1].get(method)

    @staticmethod
    def _params(op: Operation, values: list[str]) -> dict[str, str]:
        return dict(zip(_ROUTE_PARAM.findall(op.route), values, strict=True))

    def dispatch(self, scope: Scope) -> ASGIApp | None:
        """The endpoint of an HTTP call this router fully matches (path and method), as an
        ASGI app, with its path parameters put on ``scope`` as ``matches`` would; else None
        (no route, or a 405), and the call goes through the app's whole stack instead."""
        where = (scope["method"], get_route_path(scope))
        try:
            known = self._dispatched[where]
        except KeyError:
            known = self._dispatch(*where)
            if len(where[1]) <= _KEPT_TEXT:
                if len(self._dispatched) >= _DISPATCHED_MAX:
                    self._dispatched.clear()  # many different paths: start again
                self._dispatched[where] = known
        if known is None:
            return None
        endpoint, params = known
        scope["path_params"] = ({**scope["path_params"], **params} if "path_params" in scope
                                else dict(params))
        return endpoint

    def _dispatch(self, method: str, path: str) -> tuple[ASGIApp, dict[str, str]] | None:
        found = self.resolve_for(method, path)
        if found is None:
            return None
        index, values = found
        target = self.direct[index].get(method)
        if target is None:
            return None
        endpoint, names = target
        return endpoint, dict(zip(names, values, strict=True))

    def matches(self, scope):  # noqa: ANN001, ANN201
        if scope["type"] != "http":
            return Match.NONE, {}
        found = self.resolve_for(scope["method"], get_route_path(scope))
        if found is None:
            return Match.NONE, {}
        index, values = found
        op = self.routes[index][1].get(scope["method"])
        if op is None:
            return Match.PARTIAL, {"mockcml_route": index}
        params = self._params(op, values)
        return Match.FULL, {"path_params": {**scope.get("path_params", {}), **params},
                            "mockcml_route": index}

    async def handle(self, scope, receive, send) -> None:  # noqa: ANN001
        apps = self.routes[scope["mockcml_route"]][2]
        app = apps.get(scope["method"])
        if app is None:
            raise HTTPException(status_code=405, headers={"Allow": ", ".join(apps)})
        await app(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params):  # noqa: ANN003, ANN201
        raise NoMatchFound(name, path_params)
