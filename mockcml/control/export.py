"""``GET /_mock/export``: the mock's current state as a scenario YAML.

The export reads the state the way ``mockcml capture`` reads a workspace (the same reader
and converter, ``mockcml/capture``), but in-process: each GET is decoded and answered by
the operation's own handler inside one unit of work, as a site administrator, so the
whole export is one consistent view, never reaches the journal, faults or coverage, and
answers exactly what a client would have been answered. What the API cannot say the
database can: users come with their ids and admin flags, and API keys keep their secrets
when the fixtures that seeded them wrote them (anything created through the API gets a
placeholder, since only digests are stored).
"""

from __future__ import annotations

import base64
import time
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request

from mockcml.capture import Result
from mockcml.capture import capture as run_capture
from mockcml.capture.client import SourceError, paged
from mockcml.capture.reader import Options
from mockcml.capture.scenario import shift_times
from mockcml.capture.writer import dump
from mockcml.core.auth import Caller, CallerKey, digest
from mockcml.core.errors import ApiError
from mockcml.core.registry import HANDLERS, invoke
from mockcml.core.routing import Call, ContractRouter, _decode_query
from mockcml.core.state import Mock
from mockcml.kit.sql import fetch_all

HEADER = """Exported by mockcml from its state at {now} (mock clock).
Serve it with `mockcml serve --fixtures FILE`; keys written by the fixtures are kept,
keys created through the API are placeholders (<username>-placeholder-key)."""

# The mock's own reads carry no bearer key; handlers see one good for the API.
_OWN_KEY = CallerKey(key_id="", audiences="API", expiry_date="")


class LocalSource:
    """The capture reader's source, answered by mockcml's handlers in one unit of work."""

    def __init__(self, mock: Mock, app: Any, work: Any) -> None:
        self.mock = mock
        self.app = app
        self.work = work
        self.router = next(r for r in app.router.routes if isinstance(r, ContractRouter))
        admin = fetch_all(work, "SELECT id, username, name, email FROM users WHERE is_admin "
                                "ORDER BY id LIMIT 1")
        row = admin[0] if admin else None
        # Reads as a site administrator: sees every project, model and key.
        self.caller = (Caller(row.id, row.username, row.name, row.email, True) if row
                       else Caller(0, "", "", "", True))

    def now(self) -> float:
        return self.mock.clock.now()

    def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        op = self.router.operation_for("GET", path)
        if op is None or op.operation_id not in HANDLERS:
            raise SourceError(404, "no such operation", path)
        found = self.router.resolve_for("GET", path)
        if found is None:  # operation_for found it, so the path matches a route
            raise SourceError(404, "no such operation", path)
        index, values = found
        path_params = self.router._params(op, values)
        scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(),
                 "query_string": urlencode(params or {}).encode(), "headers": [],
                 "path_params": path_params, "app": self.app, "scheme": "http",
                 "server": (self.mock.settings.host, self.mock.settings.port), "root_path": ""}
        request = Request(scope)
        call = Call(op=op, mock=self.mock, db=self.work, user=self.caller, key=_OWN_KEY,
                    path={name: path_params[name] for name in op.path_params.values()},
                    query=_decode_query(op, request), body=None, request=request)
        try:
            return invoke(call)
        except ApiError as exc:
            raise SourceError(exc.status, exc.message, path) from None

    def pages(self, path: str, items: str, params: dict[str, Any] | None = None):  # noqa: ANN201
        return paged(self.get, path, items, params)

    def post_json(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return {"username": self.caller.username}

    def download(self, project_id: str, path: str, limit: int) -> bytes | None:
        from mockcml.resources.files import paths, service

        try:
            data = service.read(self.work.session, project_id, paths.normalise(path))
        except ApiError as exc:
            raise SourceError(exc.status, exc.message, path) from None
        return None if len(data) > limit else data

    def users(self) -> list[dict[str, Any]]:
        """Users in id order with their admin flag, and their keys (secrets where known)."""
        known = _known_secrets(self.mock)
        keys: dict[int, list[dict[str, Any]]] = {}
        for k in fetch_all(self.work, "SELECT user_id, key_hash, audiences, expiry_date, comments "
                                      "FROM api_keys ORDER BY created_at, key_id"):
            keys.setdefault(k.user_id, []).append({
                "key": known.get(k.key_hash), "audiences": [a for a in k.audiences.split(",") if a],
                "expiry_date": k.expiry_date, "comments": k.comments})
        return [{"id": u.id, "username": u.username, "name": u.name, "email": u.email,
                 "admin": bool(u.is_admin), "keys": keys.get(u.id, [])}
                for u in fetch_all(self.work, "SELECT id, username, name, email, is_admin "
                                              "FROM users ORDER BY id")]


def _known_secrets(mock: Mock) -> dict[str, str]:
    """digest -> key, for every key whose secret the mock was given in plain text."""
    known = {digest(mock.settings.admin_api_key): mock.settings.admin_api_key}
    scenario = mock.scenario
    for user in getattr(scenario, "users", None) or ():
        for key in user.get("api_keys", ()):
            secret = key["key"] if isinstance(key, dict) else key
            known[digest(secret)] = secret
    return known


def export(mock: Mock, app: Any, files_dir: str = "files") -> Result:
    """The whole state, read in one unit of work (call through ``mock.db.run``).

    A mock clock moved ahead of real time would write times that a fresh server, whose
    clock starts at real time, refuses as "in the future": the export then moves every time
    back by the clock's lead, so ages (and what is in progress) stay as they were.
    """
    mock.scheduler.catch_up()
    with mock.db.unit_of_work() as work:
        source = LocalSource(mock, app, work)
        result = run_capture(source, Options(runs=1_000_000, files=True,
                                             max_file_bytes=1 << 62), files_dir=files_dir)
    lead = mock.clock.now() - time.time()
    if lead > 0:
        result.scenario = shift_times(result.scenario, -lead)
        result.skipped.append(f"times moved back {lead:.0f}s: the mock clock was ahead of "
                              "real time")
    return result


def render(result: Result, now: str, bundle: bool) -> tuple[str, dict[str, str] | None]:
    text = dump(result.scenario, HEADER.format(now=now))
    if not bundle:
        return text, None
    return text, {path: base64.b64encode(data).decode() for path, data in result.binaries.items()}
