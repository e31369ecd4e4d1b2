"""Every operation of the contract reaches its handler or the 501 answer; none falls through."""

from __future__ import annotations

import pytest

from mockcml.core.registry import implemented
from tests.core.contract_walk import ids, operations, url_for
from tests.helpers import auth


def test_contract_has_158_operations():
    assert len(operations()) == 158


@pytest.mark.parametrize("op", operations(), ids=ids)
def test_operation_routes_to_itself(op):
    """The router picks this operation for its own method and a concrete URL."""
    from mockcml.core.routing import ContractRouter

    router = _cache.setdefault("router", ContractRouter(tuple(operations())))
    found = router.operation_for(op.method, url_for(op))
    assert found is not None and found.operation_id == op.operation_id


_cache: dict = {}


def test_every_operation_answers_from_its_handler_or_501(api):
    """Over HTTP: no spec'd call ends as the router's own 404 or 405."""
    done = implemented()
    for op in operations():
        if op.body_kind == "multipart":
            body = {"files": {"file": ("note.txt", b"hello")}}
        else:
            body = {"json": {} if op.body_kind == "json" else None}
        response = api.request(op.method, url_for(op), headers=auth(), **body)
        body = response.json() if response.headers.get("content-type", "").startswith(
            "application/json") else {}
        message = body.get("message", "")
        assert "no route" not in message and "not allowed" not in message, (op.operation_id, body)
        if op.operation_id in done:
            assert response.status_code != 501, (op.operation_id, body)
        else:
            assert response.status_code == 501 and body["code"] == 12, (op.operation_id, body)
            assert op.operation_id in message


@pytest.mark.parametrize("op", operations(), ids=ids)
def test_dispatch_agrees_with_the_router(op):
    """The shortcut ahead of FastAPI's stack (MockApp) takes exactly the calls the router
    fully matches, with the same path parameters."""
    from starlette.routing import Match

    from mockcml.core.routing import ContractRouter

    router = _cache.setdefault("router", ContractRouter(tuple(operations())))
    scope = {"type": "http", "method": op.method, "path": url_for(op), "root_path": ""}
    match, child = router.matches(dict(scope))
    assert match is Match.FULL
    assert router.dispatch(scope) is not None
    assert scope["path_params"] == child["path_params"]
    # A method the route does not have is left to the stack (its 405).
    other = "PUT" if op.method != "PUT" else "HEAD"
    if other not in router.routes[router.resolve(url_for(op))[0]][1]:
        assert router.dispatch({**scope, "method": other}) is None


def test_middleware_added_later_sees_contract_calls():
    """The shortcut is off once the app has more middleware than its own."""
    from tests.conftest import make_asgi_client

    seen: list[str] = []

    class Spy:
        def __init__(self, app) -> None:  # noqa: ANN001
            self.app = app

        async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
            seen.append(scope.get("path", ""))
            await self.app(scope, receive, send)

    client = make_asgi_client()
    client.app.add_middleware(Spy)
    with client:
        assert client.get("/api/v2/projects", headers=auth()).status_code == 200
        after = client.get("/_mock/journal").json()["entries"]
    assert "/api/v2/projects" in seen
    assert [e["operation_id"] for e in after] == ["ListProjects"]
