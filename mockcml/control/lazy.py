"""The /_mock routes, built on the first request under /_mock instead of at start-up.

Building them (the control plane's pydantic models and FastAPI's analysis of some thirty
endpoints' parameters and dependencies) is half or more of importing ``mockcml.app``, some
5% of the time ``mockcml serve`` takes to its first answer, and many runs of a mock (a test
suite against the API) never call a control. :class:`LazyControl` stands first among the
app's routes for paths under /_mock until then: the first such request builds the routes
into the app and is dispatched again, now to them. ``/_mock/openapi.json`` is such a
request, so the document always lists them.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import Receive, Scope, Send

PREFIX = "/_mock"


class LazyControl(BaseRoute):
    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.loaded = False

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if (not self.loaded and scope["type"] == "http"
                and (scope["path"] == PREFIX or scope["path"].startswith(PREFIX + "/"))):
            return Match.FULL, {}
        return Match.NONE, {}

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        raise NoMatchFound(name, path_params)

    def load(self) -> None:
        if self.loaded:
            return
        from mockcml.control.router import guarded, router

        self.app.include_router(router)
        self.app.include_router(guarded)
        self.app.openapi_schema = None  # a document made before would miss them
        self.loaded = True

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.load()
        await self.app.router.app(scope, receive, send)
