"""The /_mock routes are built on the first request under /_mock (control/lazy.py): a server
that is never controlled does not pay for them, and every control answers as before."""

from __future__ import annotations

from fastapi.testclient import TestClient

from mockcml.app import create_app
from mockcml.control.lazy import LazyControl
from mockcml.settings import Settings
from tests.helpers import auth


def _documented(app) -> set[str]:  # noqa: ANN001
    app.openapi_schema = None
    return set(app.openapi()["paths"])


def test_the_api_answers_without_building_the_controls() -> None:
    app = create_app(Settings())
    with TestClient(app) as client:
        assert client.get("/api/v2/projects", headers=auth()).status_code == 200
        assert client.get("/_mockery").status_code == 404  # not under /_mock
        lazy = next(r for r in app.router.routes if isinstance(r, LazyControl))
        assert not lazy.loaded and _documented(app) == {"/_mock/fixture-schema.json"}


def test_the_first_control_request_builds_them_once() -> None:
    app = create_app(Settings())
    lazy = next(r for r in app.router.routes if isinstance(r, LazyControl))
    with TestClient(app) as client:
        doc = client.get("/_mock/openapi.json").json()  # the first request under /_mock
        assert "/_mock/reset" in doc["paths"] and "/_mock/clock" in doc["paths"]
        assert lazy.loaded and "/_mock/health" in _documented(app)
        count = len(app.router.routes)
        assert client.get("/_mock/health").json()["status"] == "ok"
        assert client.post("/_mock/clock/freeze").status_code == 200
        missing = client.get("/_mock/no-such-control")
        assert missing.status_code == 404 and missing.json()["code"] == 5
        assert len(app.router.routes) == count  # built once
