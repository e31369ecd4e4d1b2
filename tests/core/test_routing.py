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


def test_dispatch_remembered_gives_each_call_its_own_path_params():
    """Dispatch is remembered per method and path: each call still gets a fresh dict, and
    path parameters already on the scope are kept."""
    from mockcml.core.routing import ContractRouter

    router = ContractRouter(tuple(operations()))
    path = "/api/v2/projects/p1/jobs/j1/runs"
    first = {"type": "http", "method": "GET", "path": path, "root_path": ""}
    endpoint = router.dispatch(first)
    first["path_params"]["project_id"] = "changed"
    second = {"type": "http", "method": "GET", "path": path, "root_path": "",
              "path_params": {"kept": "yes"}}
    assert router.dispatch(second) is endpoint
    assert second["path_params"] == {"kept": "yes", "project_id": "p1", "job_id": "j1"}
    third = {"type": "http", "method": "GET", "path": path, "root_path": ""}
    router.dispatch(third)
    assert third["path_params"] == {"project_id": "p1", "job_id": "j1"}
    assert router.dispatch({**third, "method": "PUT"}) is None  # a 405, left to the stack
    assert router.dispatch({**third, "method": "PUT"}) is None


def test_query_decoding_matches_starlette_query_params():
    """The query parser that replaced Starlette's QueryParams reads the same values: the
    last of a repeated single value, every one of a repeated list, blanks kept."""
    from starlette.requests import Request

    from mockcml.core.routing import _decode_query, _query_lists

    raw = b"page_size=5&page_size=7&searchFilter=%7B%22a%22%3A+1%7D&x=&x=2"
    assert _query_lists(raw) == {"page_size": ["5", "7"], "searchFilter": ['{"a": 1}'],
                                 "x": ["", "2"]}
    assert _query_lists(raw) is _query_lists(raw)  # parsed once per text
    op = next(op for op in operations() if op.operation_id == "ListProjects")
    request = Request({"type": "http", "method": "GET", "path": "/api/v2/projects",
                       "query_string": raw, "headers": [], "path_params": {}})
    decoded = _decode_query(op, request)
    params = request.query_params
    assert decoded["page_size"] == int(params["page_size"]) == 7
    assert decoded["search_filter"] == params["searchFilter"] == '{"a": 1}'
    empty = Request({"type": "http", "method": "GET", "path": "/api/v2/projects",
                     "query_string": b"", "headers": [], "path_params": {}})
    assert _decode_query(op, empty) == {}


def test_text_check_of_path_and_query_still_refuses_a_lone_surrogate():
    """The check runs in C first (orjson); what orjson refuses gets the full check and its
    message."""
    from mockcml.core.errors import InvalidArgument
    from mockcml.core.routing import _valid_text

    assert _valid_text({"project_id": "p\u00e9"}, "path") == {"project_id": "p\u00e9"}
    with pytest.raises(InvalidArgument, match="path.project_id: invalid text"):
        _valid_text({"project_id": "x\ud800"}, "path")
    assert _valid_text({1: "a"}, "query") == {1: "a"}  # a key orjson refuses: full check
