"""Read a request's body whole, within limits, before any database work starts.

A client that sends its headers and then stalls (or trickles its body a byte at a time)
must cost the server a coroutine and a few bytes of buffer, never a database connection:
the contract endpoint only hands a request to the database once its body is here. Three
limits bound what slow clients can hold (all settings, see docs/configuration.md):

- ``max_body_bytes`` / ``max_upload_bytes``: the size of a JSON and of a multipart body;
- ``body_timeout``: the time a client has to send the whole body once its headers arrived;
- ``max_body_readers``: how many requests may be receiving a body at the same time. Over it,
  the request is refused at once with 503 UNAVAILABLE and ``Retry-After``: a crowd of stalled
  clients makes new uploads retry, it never makes the server wait.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field

from starlette.datastructures import Headers, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from mockcml.core.errors import ApiError, BodyTimeout, InvalidArgument, Unavailable


@dataclass
class Body:
    """A request body as read off the wire: raw JSON bytes, or multipart parts.

    ``error`` holds a malformed body's error; the endpoint raises it after authentication,
    so that an anonymous caller learns it is unauthenticated, not how its body was wrong.
    """

    raw: bytes = b""
    files: list[tuple[str, str | None, bytes]] = field(default_factory=list)
    error: ApiError | None = None


@dataclass
class Limits:
    max_body_bytes: int
    max_upload_bytes: int
    body_timeout: float
    max_body_readers: int


class Intake:
    """Reads bodies for one app; counts the readers in flight (all on the event loop)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.reading = 0

    async def read(self, request: Request, kind: str | None) -> Body:
        """The body of a request whose operation takes ``kind`` ("json", "multipart" or None)."""
        if kind not in ("json", "multipart"):
            return Body()
        limit = self.limits.max_upload_bytes if kind == "multipart" else self.limits.max_body_bytes
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            # Refused before a byte of it is read.
            raise InvalidArgument(f"request body is larger than {limit} bytes")
        if length == "0":
            return Body()
        if self.reading >= self.limits.max_body_readers:
            raise Unavailable(
                f"{self.reading} requests are already sending their bodies; retry shortly",
                headers={"Retry-After": "1"})
        self.reading += 1
        try:
            raw = await self._receive(request, limit)
        finally:
            self.reading -= 1
        if kind == "json":
            return Body(raw=raw)
        try:
            # Parsing tens of megabytes takes a while: on a thread of its own, off the loop.
            return Body(files=await asyncio.to_thread(_parse_multipart, request.headers, raw))
        except InvalidArgument as exc:
            return Body(error=exc)

    async def _receive(self, request: Request, limit: int) -> bytes:
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.limits.body_timeout):
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > limit:
                        raise InvalidArgument(f"request body is larger than {limit} bytes")
                    chunks.append(chunk)
        except TimeoutError:
            raise BodyTimeout(
                f"the request body did not arrive within {self.limits.body_timeout:g} s",
                headers={"Connection": "close"}) from None
        return b"".join(chunks)


async def _once(data: bytes) -> AsyncGenerator[bytes, None]:
    yield data


def _parse_multipart(headers: Headers, raw: bytes) -> list[tuple[str, str | None, bytes]]:
    """Every part in order as (field name, filename, data); filename is None for a plain
    field, whose text is handed over UTF-8 encoded. Handlers stay synchronous."""
    content_type = headers.get("content-type", "")
    if content_type.split(";", 1)[0].strip().lower() != "multipart/form-data":
        raise InvalidArgument("the request body must be multipart/form-data")
    # Starlette's parser is a coroutine; here it runs on a private loop in this thread.
    return asyncio.run(_multipart(headers, raw))


async def _multipart(headers: Headers, raw: bytes) -> list[tuple[str, str | None, bytes]]:
    parser = MultiPartParser(headers, _once(raw))
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise InvalidArgument(f"invalid multipart body: {exc.message}") from None
    files: list[tuple[str, str | None, bytes]] = []
    try:
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                files.append((name, value.filename, await value.read()))
            else:
                files.append((name, None, value.encode()))
    finally:
        await form.close()
    return files
