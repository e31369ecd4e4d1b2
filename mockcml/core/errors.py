"""One error hierarchy and one renderer.

Every failure leaves the server as CML's ``runtimeError`` envelope:
``{"error": msg, "code": grpc_code, "message": msg, "details": []}`` with the HTTP
status that grpc-gateway maps the gRPC code to; in the sparse response style
(core/render.py) as ``{"code": grpc_code, "message": msg}``.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from mockcml.core.render import FULL, error_body

# grpc-gateway's runtime.HTTPStatusFromCode table.
GRPC_TO_HTTP: dict[int, int] = {
    0: 200, 1: 499, 2: 500, 3: 400, 4: 504, 5: 404, 6: 409, 7: 403, 8: 429,
    9: 400, 10: 409, 11: 400, 12: 501, 13: 500, 14: 503, 15: 500, 16: 401,
}
HTTP_TO_GRPC: dict[int, int] = {
    400: 3, 401: 16, 403: 7, 404: 5, 405: 12, 408: 4, 409: 6, 413: 3, 415: 3, 422: 3,
    429: 8, 499: 1, 500: 13, 501: 12, 503: 14, 504: 4,
}


class ApiError(Exception):
    """A failure that knows its gRPC code; the HTTP status follows from it."""

    code = 2
    default_message = "unknown error"
    http_status: int | None = None  # only where the status is not the gateway's mapping

    def __init__(self, message: str | None = None, *, headers: dict[str, str] | None = None):
        self.message = message or self.default_message
        self.headers = headers or {}
        super().__init__(self.message)

    @property
    def status(self) -> int:
        return self.http_status or GRPC_TO_HTTP.get(self.code, 500)


class InvalidArgument(ApiError):
    code = 3
    default_message = "invalid argument"


class BodyTimeout(ApiError):
    """A client too slow to send its body. The gRPC code is DEADLINE_EXCEEDED; the status is
    408, what the HTTP front of a workspace answers, since the call never reached the gateway
    (inferred: see docs/fidelity.md)."""

    code = 4
    default_message = "request body timed out"
    http_status = 408


class NotFound(ApiError):
    code = 5
    default_message = "not found"


class AlreadyExists(ApiError):
    code = 6
    default_message = "already exists"


class PermissionDenied(ApiError):
    code = 7
    default_message = "permission denied"


class ResourceExhausted(ApiError):
    code = 8
    default_message = "resource exhausted"


class FailedPrecondition(ApiError):
    code = 9
    default_message = "failed precondition"


class Unimplemented(ApiError):
    code = 12
    default_message = "not implemented"


class Internal(ApiError):
    code = 13
    default_message = "internal error"


class Unavailable(ApiError):
    code = 14
    default_message = "unavailable"


class Unauthenticated(ApiError):
    code = 16
    default_message = "unauthenticated"


def envelope(code: int, message: str) -> dict[str, Any]:
    return error_body(code, message, FULL)


def error_response(
    code: int, message: str, status: int | None = None, headers: dict[str, str] | None = None,
    style: str = FULL,
) -> JSONResponse:
    return JSONResponse(error_body(code, message, style),
                        status_code=status or GRPC_TO_HTTP.get(code, 500), headers=headers)


def render(exc: ApiError, style: str = FULL) -> JSONResponse:
    return error_response(exc.code, exc.message, exc.status, exc.headers, style)
