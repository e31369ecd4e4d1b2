"""Tiny loopback middlemen for capture tests: an HTTP forwarding proxy and a TLS front.

Both forward every request to a target over plain HTTP and record what passed through,
so a test can prove that the capture went through them.
"""

from __future__ import annotations

import http.client
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authorization",
              "transfer-encoding", "te", "trailer", "upgrade"}


class Relay:
    """Forwards to ``target`` (host, port); ``proxy`` True expects absolute request URLs."""

    def __init__(self, target: tuple[str, int] | None = None, *, proxy: bool = False,
                 tls: tuple[str, str] | None = None) -> None:
        self.seen: list[str] = []
        relay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def _forward(self) -> None:
                relay.seen.append(f"{self.command} {self.path}")
                if proxy:
                    url = urlsplit(self.path)
                    host, port = url.hostname, url.port or 80
                    path = url.path + (f"?{url.query}" if url.query else "")
                else:
                    host, port = target
                    path = self.path
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                upstream = http.client.HTTPConnection(host, port, timeout=30)
                try:
                    upstream.request(self.command, path, body=body, headers=headers)
                    answer = upstream.getresponse()
                    data = answer.read()
                    self.send_response(answer.status)
                    for k, v in answer.getheaders():
                        if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                            self.send_header(k, v)
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                finally:
                    upstream.close()

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Relay:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
