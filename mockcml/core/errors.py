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

    def __init_subclass__(cls, *, code: int | None = None, message: str | None = None,
                          **kwargs: Any) -> None:
        # Each kind of error states its gRPC code and default message in its class line.
        super().__init_subclass__(**kwargs)
        if code is not None:
            cls.code = code
        if message is not None:
            cls.default_message = message

    def __init__(self, message: str | None = None, *, headers: dict[str, str] | None = None):
        self.message = message or self.default_message
        self.headers = headers or {}
        super().__init__(self.message)

    @property
    def status(self) -> int:
        return self.http_status or GRPC_TO_HTTP.get(self.code, 500)


class InvalidArgument(ApiError, code=3, message="invalid argument"):
    """A request the contract or the rules refuse as written (400)."""


class BodyTimeout(ApiError, code=4, message="request body timed out"):
    """A client too slow to send its body. The gRPC code is DEADLINE_EXCEEDED; the status is
    408, what the HTTP front of a workspace answers, since the call never reached the gateway
    (inferred: see docs/fidelity.md)."""

    http_status = 408


class NotFound(ApiError, code=5, message="not found"):
    """What the request names does not exist, or is hidden from the caller (404)."""


class AlreadyExists(ApiError, code=6, message="already exists"):
    """A name or id that must be unique is taken (409)."""


class PermissionDenied(ApiError, code=7, message="permission denied"):
    """The caller is known but may not do this (403)."""


class ResourceExhausted(ApiError, code=8, message="resource exhausted"):
    """A limit or quota is used up (429)."""


class FailedPrecondition(ApiError, code=9, message="failed precondition"):
    """Right request, wrong moment: the object's state refuses it (400)."""


class Unimplemented(ApiError, code=12, message="not implemented"):
    """An operation of the contract the mock does not serve (501)."""


class Internal(ApiError, code=13, message="internal error"):
    """A fault of the mock itself, or one injected to test clients (500)."""


class Unavailable(ApiError, code=14, message="unavailable"):
    """The service cannot answer now; a client may retry (503)."""


class Unauthenticated(ApiError, code=16, message="unauthenticated"):
    """No bearer key, or one that authenticates nobody (401)."""


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
