"""Route every contract operation: implemented ones to their handler, the rest to 501.

A request is authenticated, its path, query and body are decoded against the contract,
and the handler runs inside one transaction: any error rolls everything back and leaves
as CML's error envelope.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mockcml.core.auth import authenticate
from mockcml.core.contract import Operation
from mockcml.core.errors import ApiError, InvalidArgument, Unimplemented, error_response, render
from mockcml.core.registry import HANDLERS
from mockcml.core.state import Mock
from mockcml.kit.wire import camel, query_value
from mockcml.resources.users.tables import ApiKey, User

log = logging.getLogger("mockcml")
MAX_BODY = 16 * 1024 * 1024


@dataclass
class Call:
    """What a handler gets: the decoded request, the caller and an open transaction."""

    op: Operation
    mock: Mock
    session: Session
    user: User
    key: ApiKey
    path: dict[str, str]
    query: dict[str, Any]
    body: dict[str, Any] | None
    request: Request

    @property
    def now(self) -> float:
        return self.mock.clock.now()


def _decode_query(op: Operation, request: Request) -> dict[str, Any]:
    params = request.query_params
    out: dict[str, Any] = {}
    for name, spec in op.query.items():
        # grpc-gateway accepts the proto name and its lowerCamelCase JSON name.
        key = name if name in params else camel(name)
        if key not in params:
            continue
        if spec.repeated:
            values = [v for raw in params.getlist(key) for v in raw.split(",") if v != ""]
            out[name] = [query_value(spec.item_type or "string", None, v, name) for v in values]
        else:
            out[name] = query_value(spec.type, spec.format, params[key], name)
    return out


async def _decode_body(op: Operation, request: Request, mock: Mock) -> dict[str, Any] | None:
    if op.body_kind != "json":
        return None
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise InvalidArgument("request body is too large")
    # grpc-gateway tolerates an empty body (io.EOF): the request message stays empty.
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InvalidArgument(f"invalid JSON body: {exc}") from None
    try:
        return mock.decoder.decode(op.body_model, value) if op.body_model else {}
    except RecursionError:
        raise InvalidArgument("request body is nested too deeply") from None


def _to_response(op: Operation, result: Any) -> Response:
    if isinstance(result, Response):
        return result
    return JSONResponse({} if result is None else result, status_code=op.success_status)


def make_endpoint(op: Operation):
    handler = HANDLERS.get(op.operation_id)

    async def endpoint(request: Request) -> Response:
        mock: Mock = request.app.state.mock
        try:
            # Side effects already due (a dependent run, a cron tick) exist before we answer.
            mock.scheduler.catch_up()
            with mock.db.transaction() as session:
                user, key = authenticate(
                    session, request.headers.get("authorization"), mock.clock.now()
                )
                path = {name: request.path_params[name] for name in op.path_params.values()}
                call = Call(
                    op=op, mock=mock, session=session, user=user, key=key, path=path,
                    query=_decode_query(op, request),
                    body=await _decode_body(op, request, mock),
                    request=request,
                )
                # Like grpc-gateway, the request is decoded before the method is looked up:
                # a malformed call to an unimplemented operation is still a 400.
                if handler is None:
                    raise Unimplemented(f"{op.operation_id} is not implemented by mockcml")
                if call.body is not None:
                    # A dotted path parameter ({job.id}) fills that field of the body.
                    for name, body_field in op.bound_fields.items():
                        call.body[body_field] = path[name]
                result = handler(call)
                return _to_response(op, result)
        except ApiError as exc:
            return render(exc)
        except Exception:
            log.exception("unexpected error in %s", op.operation_id)
            return error_response(13, "internal error")

    endpoint.__name__ = op.operation_id
    return endpoint


def contract_routes(operations: tuple[Operation, ...]) -> list[Route]:
    return [
        Route(op.route, make_endpoint(op), methods=[op.method], name=op.operation_id)
        for op in operations
    ]
