"""The request journal: a bounded record of the calls clients made to the CML API.

Each entry holds the method, path, query, operationId, caller, status and duration, and
the request and response bodies when body recording is on. ``wait()`` returns as soon as
a matching entry arrives, so a test can block on "the client has called CreateJobRun".

Recorded bodies never hold a secret: API keys (CreateV2Key, RotateV1Key answers), passwords
(docker credentials) and secret maps (deployment secrets) are replaced by ``REDACTED``
before an entry is kept, whatever the settings, since ``GET /_mock/journal`` needs no token.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any

BODY_LIMIT = 64 * 1024
REDACTED = "REDACTED"


def _secret(name: str) -> bool:
    """Whether a field of this name (snake_case or lowerCamelCase) carries a secret."""
    flat = name.replace("_", "").lower()
    return flat == "apikey" or flat.endswith("password") or "secret" in flat


def redact(value: Any) -> Any:
    """``value`` with every secret field's value replaced (a copy; nested too)."""
    if isinstance(value, dict):
        return {k: REDACTED if isinstance(k, str) and _secret(k) and v not in (None, "")
                else redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


# Text that is not JSON as a whole (a body cut at BODY_LIMIT): "name": "value" pairs.
_SECRET_PAIR = re.compile(r'("([A-Za-z_]*)"\s*:\s*)("(?:[^"\\]|\\.)*"?|[^,}\]\s]+)')


def _redact_text(text: str) -> str:
    return _SECRET_PAIR.sub(
        lambda m: m.group(1) + f'"{REDACTED}"' if _secret(m.group(2)) else m.group(0), text)


@dataclass
class Entry:
    id: int
    time: float
    method: str
    path: str
    query: str
    operation_id: str | None
    caller: str | None
    status: int
    duration_ms: float
    request_body: Any = None
    response_body: Any = None
    fault: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def _body(raw: bytes) -> Any:
    if not raw:
        return None
    raw = raw[:BODY_LIMIT]
    try:
        return redact(json.loads(raw))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return _redact_text(raw.decode("utf-8", "replace"))


@dataclass
class Filter:
    operation_id: str | None = None
    method: str | None = None
    path: str | None = None  # substring
    status: int | None = None
    caller: str | None = None
    after: int = 0

    def __call__(self, entry: Entry) -> bool:
        return (
            entry.id > self.after
            and (self.operation_id is None or entry.operation_id == self.operation_id)
            and (self.method is None or entry.method == self.method.upper())
            and (self.path is None or self.path in entry.path)
            and (self.status is None or entry.status == self.status)
            and (self.caller is None or entry.caller == self.caller)
        )


@dataclass
class Journal:
    size: int = 1000
    record_bodies: bool = False
    entries: deque = field(default_factory=deque)

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)
        self._arrived: asyncio.Condition | None = None

    def record(self, **fields: Any) -> Entry:
        entry = Entry(id=next(self._ids), **fields)
        self.entries.append(entry)
        while len(self.entries) > self.size:
            self.entries.popleft()
        if self._arrived is not None:
            asyncio.get_running_loop().create_task(self._notify())
        return entry

    async def _notify(self) -> None:
        assert self._arrived is not None
        async with self._arrived:
            self._arrived.notify_all()

    def find(self, flt: Filter, limit: int | None = None) -> list[Entry]:
        found = [e for e in self.entries if flt(e)]
        return found[-limit:] if limit else found

    async def wait(self, flt: Filter, timeout: float) -> Entry | None:
        if self._arrived is None:
            self._arrived = asyncio.Condition()
        deadline = time.monotonic() + timeout
        async with self._arrived:
            while True:
                found = self.find(flt)
                if found:
                    return found[0]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                try:
                    await asyncio.wait_for(self._arrived.wait(), remaining)
                except TimeoutError:
                    return None

    async def lookup(self, flt: Filter, limit: int | None = None) -> list[Entry]:
        """``find`` for the control route (a shared journal reads the database)."""
        return self.find(flt, limit)

    @property
    def capturing(self) -> bool:
        """Whether the middleware keeps a call's bodies until it is recorded."""
        return self.record_bodies

    async def close(self) -> None:
        """Write out what is still buffered (only a shared journal buffers)."""

    def clear(self) -> None:
        self.entries.clear()


async def recorded(journal: Journal, app, scope, receive, send) -> None:  # noqa: ANN001
    """Run ``app`` on one /api/v2 call and write the call down once it has answered.

    The JournalMiddleware does this for every /api/v2 call that goes through the FastAPI
    stack (unknown routes, 405s); the contract's own operations enter here directly
    (``mockcml.app.MockApp``). The endpoint fills in operationId, caller and fault
    through ``scope["state"]``.
    """
    started = time.perf_counter()
    # A shared journal's record_bodies may be switched on by another worker while this call
    # runs: it keeps the chunks either way and decides when it records.
    keep = journal.capturing
    request_chunks: list[bytes] = []
    response_chunks: list[bytes] = []
    status = 500

    async def receive_wrapper():  # noqa: ANN202
        message = await receive()
        if keep and message["type"] == "http.request":
            request_chunks.append(message.get("body", b""))
        return message

    async def send_wrapper(message) -> None:  # noqa: ANN001
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif keep and message["type"] == "http.response.body":
            response_chunks.append(message.get("body", b""))
        await send(message)

    state = scope.setdefault("state", {})
    try:
        await app(scope, receive_wrapper if keep else receive, send_wrapper)
    finally:
        keep = keep and journal.record_bodies
        journal.record(
            time=time.time(), method=scope["method"], path=scope["path"],
            query=scope.get("query_string", b"").decode("latin-1"),
            operation_id=state.get("operation_id"), caller=state.get("caller"),
            status=status, duration_ms=round((time.perf_counter() - started) * 1000, 3),
            request_body=_body(b"".join(request_chunks)) if keep else None,
            response_body=_body(b"".join(response_chunks)) if keep else None,
            fault=state.get("fault"),
        )


class JournalMiddleware:
    """Records every /api/v2 call; the endpoint fills in operationId and caller."""

    def __init__(self, app, journal: Journal) -> None:  # noqa: ANN001
        self.app = app
        self.journal = journal

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        if scope["type"] != "http" or not scope["path"].startswith("/api/v2/"):
            await self.app(scope, receive, send)
            return
        await recorded(self.journal, self.app, scope, receive, send)
