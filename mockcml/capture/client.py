"""Reading a workspace over HTTP: bearer key, proxy, CA bundle, paging and polite retries.

Real workspaces answer 429 (rate limit) and 503 (a pod restarting) now and then; a capture
of a few thousand calls should ride those out instead of failing half-way. A retried call
waits what the server's ``Retry-After`` asks (seconds or an HTTP date), else an exponential
backoff, and gives up after ``retries`` attempts with the server's own error message.
"""

from __future__ import annotations

import email.utils
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

RETRY_STATUSES = (429, 502, 503, 504)
PAGE_SIZE = 100


class SourceError(Exception):
    """A call the workspace refused (after any retries): status and CML's message."""

    def __init__(self, status: int, message: str, path: str) -> None:
        super().__init__(f"{path}: HTTP {status}: {message}")
        self.status = status
        self.message = message
        self.path = path


def retry_after(header: str | None, now: float) -> float | None:
    """Seconds a ``Retry-After`` header asks for: a number, or an HTTP date."""
    if not header:
        return None
    header = header.strip()
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


@dataclass
class Stats:
    """What the client did, for the summary."""

    calls: int = 0
    retries: int = 0
    by_status: dict[int, int] = field(default_factory=dict)


class HttpSource:
    """GETs (and file downloads) against ``url`` with an API key.

    ``proxy`` is an http(s) proxy URL for every call (``--proxy``; without it httpx honours
    HTTP(S)_PROXY and NO_PROXY from the environment); ``ca_bundle`` a PEM file that
    replaces the default trust store (``--ca-bundle``), for workspaces behind a private CA.
    """

    def __init__(self, url: str, key: str, *, proxy: str | None = None,
                 ca_bundle: str | None = None, retries: int = 5, backoff: float = 0.5,
                 max_wait: float = 60.0, timeout: float = 30.0,
                 sleep: Callable[[float], None] = time.sleep,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.base = url.rstrip("/")
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.sleep = sleep
        self.stats = Stats()
        options: dict[str, Any] = {
            "base_url": self.base, "timeout": timeout, "follow_redirects": True,
            "headers": {"authorization": f"Bearer {key}", "accept": "application/json",
                        "user-agent": "mockcml-capture"},
            "verify": trust(ca_bundle),
        }
        if proxy:
            options["proxy"] = proxy
        if transport is not None:
            options["transport"] = transport
        self.client = httpx.Client(**options)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> HttpSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- calls ---------------------------------------------------------------------------

    def _send(self, method: str, path: str, params: dict[str, Any] | None = None,
              json: Any = None) -> httpx.Response:
        attempt = 0
        while True:
            self.stats.calls += 1
            try:
                response = self.client.request(method, path, params=params, json=json)
            except httpx.TransportError as exc:
                if attempt >= self.retries:
                    raise SourceError(0, f"{type(exc).__name__}: {exc}", path) from None
                response = None
            if response is not None:
                self.stats.by_status[response.status_code] = (
                    self.stats.by_status.get(response.status_code, 0) + 1)
                if response.status_code not in RETRY_STATUSES or attempt >= self.retries:
                    return response
                wait = retry_after(response.headers.get("retry-after"), time.time())
            else:
                wait = None
            if wait is None:
                wait = self.backoff * (2 ** attempt)
            self.stats.retries += 1
            attempt += 1
            self.sleep(min(wait, self.max_wait))

    def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self._send("GET", path, params)
        if response.status_code != 200:
            raise SourceError(response.status_code, _message(response), path)
        return _json(response, path)

    def post_json(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """A read-only POST (ValidateAPIKey: who the key belongs to)."""
        response = self._send("POST", path, json=body)
        if response.status_code != 200:
            raise SourceError(response.status_code, _message(response), path)
        return _json(response, path)

    def pages(self, path: str, items: str, params: dict[str, Any] | None = None
              ) -> Iterator[dict[str, Any]]:
        return paged(self.get, path, items, params)

    def download(self, project_id: str, path: str, limit: int) -> bytes | None:
        """A project file's bytes, or None when it is larger than ``limit``."""
        url = f"/api/v2/projects/{project_id}/files/{quote(path, safe='/')}:download"
        response = self._send("POST", url)
        if response.status_code != 200:
            raise SourceError(response.status_code, _message(response), url)
        data = response.content
        return None if len(data) > limit else data

    def now(self) -> float:
        return time.time()


def trust(ca_bundle: str | None) -> ssl.SSLContext | bool:
    """What httpx verifies servers with: the system's store, or only the given bundle."""
    if not ca_bundle:
        return True
    return ssl.create_default_context(cafile=ca_bundle)


def paged(get: Callable[[str, dict[str, Any]], dict[str, Any]], path: str, items: str,
          params: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    """Every item of a paged list, following ``next_page_token`` to the end."""
    query = {**(params or {}), "page_size": PAGE_SIZE}
    seen: set[str] = set()
    while True:
        page = get(path, query)
        yield from page.get(items) or []
        token = page.get("next_page_token") or ""
        if not token or token in seen:  # a server that repeats a token would loop forever
            return
        seen.add(token)
        query["page_token"] = token


def _json(response: httpx.Response, path: str) -> dict[str, Any]:
    """The answer's JSON object; anything else (a login page after a redirect, a proxy's
    error page) is an error that says what came back."""
    try:
        body = response.json()
    except ValueError:
        kind = response.headers.get("content-type", "no content type")
        raise SourceError(response.status_code, f"expected JSON, got {kind} from "
                          f"{response.url}", path) from None
    if not isinstance(body, dict):
        raise SourceError(response.status_code, "expected a JSON object", path)
    return body


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or response.reason_phrase
    if isinstance(body, dict):
        return str(body.get("message") or body.get("error") or body)[:200]
    return str(body)[:200]
