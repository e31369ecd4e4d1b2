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
