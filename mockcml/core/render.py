"""The one place where answers of the CML API are turned into bytes, in either style.

The real API is a grpc-gateway, whose JSON encoder may leave out fields that hold their
zero value (proto3's default) or write them all (``EmitUnpopulated``); which one a workspace
uses is not verified, and one live 403 body was ``{"code":7,"message":"..."}``. So mockcml
offers both, and a client can be proven robust to either:

- ``full`` (the default): every field, zero values included; errors as the whole
  ``runtimeError`` envelope ``{"error","code","message","details"}``.
- ``sparse``: fields holding ``""``, ``0``, ``false``, ``null``, ``[]`` or ``{}`` are left out,
  at every depth (elements of a list are kept, their own fields pruned); errors as
  ``{"code","message"}``.

The style is a setting (``--response-style``, ``MOCKCML_RESPONSE_STYLE``) that can be changed
while running (``/_mock/response-style``); ``ResponseStyle`` holds the current one.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from starlette.responses import JSONResponse

FULL = "full"
SPARSE = "sparse"
STYLES = (FULL, SPARSE)


class ResponseStyle:
    """The style in force, and the configured one that ``/_mock/reset`` goes back to."""

    def __init__(self, default: str = FULL) -> None:
        self.default = default
        self.current = default

    def set(self, style: str) -> None:
        if style not in STYLES:
            raise ValueError(f"response style must be one of {list(STYLES)}")
        self.current = style

    def reset(self) -> None:
        self.current = self.default


def prune(value: Any) -> Any:
    """``value`` without zero, empty and null fields, at every depth.

    JSON values only: for them falsiness is exactly "zero, empty or null" (``None``, ``""``,
    ``0``, ``0.0``, ``False``, ``[]``, ``{}``), so one truth test decides.
    """
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                item = prune(item)
            if item:
                out[key] = item
        return out
    if isinstance(value, list):
        return [prune(item) if isinstance(item, (dict, list)) else item for item in value]
    return value


def body(value: Any, style: str) -> Any:
    return prune(value) if style == SPARSE else value


def error_body(code: int, message: str, style: str = FULL) -> dict[str, Any]:
    if style == SPARSE:
        return {"code": code, "message": message}
    return {"error": message, "code": code, "message": message, "details": []}


def encode(value: Any) -> bytes:
    """Compact UTF-8 JSON, as Starlette's JSONResponse writes it, several times faster.

    orjson refuses what it cannot write exactly (an integer past 64 bits, a key that is not
    text, a type it does not know); the standard encoder then writes it, or raises as it
    always did. The two differ only in how some floats are spelled (``1e16`` for
    ``1e+16``), which is the same JSON number.
    """
    try:
        return orjson.dumps(value)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(value, ensure_ascii=False, allow_nan=False, indent=None,
                          separators=(",", ":")).encode("utf-8")


class FastJSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return encode(content)


def json_response(value: Any, status: int, style: str = FULL,
                  headers: dict[str, str] | None = None) -> JSONResponse:
    return FastJSONResponse(body(value, style), status_code=status, headers=headers)
