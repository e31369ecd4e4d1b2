"""How ``mockcml serve`` runs uvicorn: limits set on purpose, errors in CML's envelope.

uvicorn answers a request it cannot parse (a request line or header over its limits, bytes
that are not HTTP) itself, before the app sees it, with a plain-text 400. The protocol
classes here answer the same 400 as CML's error envelope instead, so a client's error
handling meets one shape. Two answers stay uvicorn's own plain text, as documented in
docs/configuration.md: the 503 past ``max_connections`` (uvicorn's --limit-concurrency),
and anything at the TCP level (a connection closed after ``keep_alive_timeout``).
"""

from __future__ import annotations

import json
import socket

import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.h11_impl import H11Protocol

from mockcml.core.errors import envelope
from mockcml.settings import Settings

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # pragma: no cover - httptools is part of uvicorn[standard]
    HttpToolsProtocol = None  # type: ignore[assignment,misc]


def _envelope_400(transport, default_headers, msg: str) -> None:  # noqa: ANN001
    body = json.dumps(envelope(3, f"malformed HTTP request: {msg}")).encode()
    head = [b"HTTP/1.1 400 Bad Request\r\n"]
    for name, value in default_headers:
        head.append(name + b": " + value + b"\r\n")
    head += [b"content-type: application/json\r\n",
             b"content-length: " + str(len(body)).encode() + b"\r\n",
             b"connection: close\r\n\r\n"]
    transport.write(b"".join(head) + body)
    transport.close()


class EnvelopeH11Protocol(H11Protocol):
    def send_400_response(self, msg: str) -> None:
        _envelope_400(self.transport, self.server_state.default_headers, msg)


if HttpToolsProtocol is not None:
    class EnvelopeHttpToolsProtocol(HttpToolsProtocol):
        def send_400_response(self, msg: str) -> None:
            _envelope_400(self.transport, self.server_state.default_headers, msg)

    PROTOCOL: type = EnvelopeHttpToolsProtocol
else:  # pragma: no cover
    PROTOCOL = EnvelopeH11Protocol


def uvicorn_config(app: ASGIApp | str, settings: Settings) -> uvicorn.Config:
    """``app``: the app, or (``--workers N``) the import string of a factory each worker
    process calls; the protocol classes above are then imported by every worker too."""
    return uvicorn.Config(
        app, host=settings.host, port=settings.port, log_level=settings.log_level,
        http=PROTOCOL, workers=settings.workers, factory=isinstance(app, str),
        # Bounded on purpose: past max_connections uvicorn answers 503 at once instead of
        # queueing; an idle keep-alive connection is closed after keep_alive_timeout.
        limit_concurrency=settings.max_connections,
        timeout_keep_alive=max(1, round(settings.keep_alive_timeout)),
    )


def bind(config: uvicorn.Config, count: int = 1) -> list[socket.socket]:
    """The listening sockets, bound before anything is printed (OSError if the port is taken).

    Several workers get one socket each on the same port (SO_REUSEPORT, where the system has
    it): the kernel then spreads new connections over the workers. With one shared socket
    the worker that wakes first accepts a whole burst of new connections (asyncio accepts
    up to a hundred at once) and, with keep-alive, serves them all while the others idle:
    measured with 2 workers and 32 wrk connections, one worker did 85% of the work.
    """
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    spread = count > 1 and hasattr(socket, "SO_REUSEPORT")
    sockets = [_socket(family)]
    try:
        sockets[0].bind((config.host, config.port))  # a plain bind: is the port free?
        if spread:
            port = sockets[0].getsockname()[1]  # the one chosen, for port 0
            sockets.pop().close()
            for _ in range(count):
                sockets.append(_socket(family, reuse_port=True))
                sockets[-1].bind((config.host, port))
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def _socket(family: socket.AddressFamily, reuse_port: bool = False) -> socket.socket:
    sock = socket.socket(family=family)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.set_inheritable(True)
    return sock
