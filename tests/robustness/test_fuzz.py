"""Spec fuzzing: schemathesis generates requests from the served contract for every operation.

A live server (time scale 0) answers requests generated from its own /api/v2/swagger.json,
each with a valid admin key. For each implemented operation (the list comes from
GET /_mock/coverage): no 5xx, every answer conforms to the document's response schema and
status codes, and every failure is CML's error envelope. Examples are drawn positive and
negative, with random path ids (mostly 404s) and with the real ids of a freshly created
world of one of every resource (so the handlers' own validation is reached). Operations
the server does not implement must answer 501 with gRPC code 12.

Bounded for CI: ``MOCKCML_FUZZ_EXAMPLES`` (default 15) examples per operation, derandomized;
set it higher for a longer run on demand.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from mockcml.core.contract import load_contract
from tests.helpers import ADMIN_KEY, LiveServer, auth
from tests.robustness import World, build_world, check_envelope, multipart

pytestmark = pytest.mark.live

EXAMPLES = int(os.environ.get("MOCKCML_FUZZ_EXAMPLES", "15"))
HEADERS = auth(ADMIN_KEY)
# The admin fuzzes; "target" is the user whose name and keys fill {username} and {key_id},
# so a generated DeleteV2Keys can never take the fuzzing key away.
FIXTURE = f"""
users:
  - {{username: admin, admin: true, api_keys: [{ADMIN_KEY}]}}
  - {{username: target, api_keys: [target-key]}}
"""
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
_TEMPLATE = re.compile(r"\{([^}]+)\}")


def _undotted(name: str) -> str:
    return name.replace(".", "__")


def _loadable(document: dict) -> dict:
    """The served document with dotted path parameters ({job.id}) renamed ({job__id}).

    schemathesis fills path templates with ``str.format``, which reads ``{job.id}`` as an
    attribute lookup; the renamed template expands to the very same URL.
    """
    document = copy.deepcopy(document)
    paths = {}
    for path, item in document["paths"].items():
        for spec in item.values():
            for param in spec.get("parameters", []) if isinstance(spec, dict) else []:
                if param.get("in") == "path":
                    param["name"] = _undotted(param["name"])
        paths[_TEMPLATE.sub(lambda m: "{" + _undotted(m.group(1)) + "}", path)] = item
    document["paths"] = paths
    return document


class Target:
    def __init__(self, server: LiveServer, schema, implemented: set[str]) -> None:  # noqa: ANN001
        self.server = server
        self.schema = schema
        self.implemented = implemented
        self.client = httpx.Client(base_url=server.url, timeout=30)


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    fixture = Path(tmp_path_factory.mktemp("fuzz")) / "users.yaml"
    fixture.write_text(FIXTURE)
    server = LiveServer("--fixtures", str(fixture), env={"MOCKCML_TIME_SCALE": "0"})
    with server:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            document = client.get("/api/v2/swagger.json").json()
            coverage = client.get("/_mock/coverage").json()
        schema = schemathesis.openapi.from_dict(_loadable(document))
        found = Target(server, schema, set(coverage["implemented"]))
        try:
            yield found
        finally:
            found.client.close()
        assert server.proc is not None and server.proc.poll() is None, "the server died"
    assert b"Traceback" not in server.log, server.log[-3000:]


def _ids(op) -> str:  # noqa: ANN001
    return op.operation_id


@pytest.mark.parametrize("op", load_contract().operations, ids=_ids)
def test_operation(target: Target, op) -> None:  # noqa: ANN001
    if op.operation_id not in target.implemented:
        _unimplemented(target, op)
        return
    world = build_world(target.client, ADMIN_KEY, "target")
    world.ids["user_id"] = "1"  # the admin, seeded first
    real = {_undotted(name): world.value(name, op.path) for name in op.path_params}
    operation = target.schema.find_operation_by_id(op.operation_id)
    strategies = [operation.as_strategy(GenerationMode.POSITIVE, headers=HEADERS),
                  operation.as_strategy(GenerationMode.NEGATIVE, headers=HEADERS)]
    if real:
        strategies.append(operation.as_strategy(GenerationMode.POSITIVE, headers=HEADERS,
                                                path_parameters=real))
        if op.query or op.body_kind != "none":
            strategies.append(operation.as_strategy(GenerationMode.NEGATIVE, headers=HEADERS,
                                                    path_parameters=real))
    seen: dict[int, int] = {}

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), print_blob=False,
              phases=[Phase.explicit, Phase.generate, Phase.shrink])
    @given(case=st.one_of(strategies))
    def fuzz(case) -> None:  # noqa: ANN001
        response = case.call(base_url=target.server.url, timeout=30)
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        case.validate_response(response, checks=CHECKS)
        if response.status_code >= 400:
            check_envelope(response)

    fuzz()
    assert seen, "no request was sent"
    # The server must still be up and still know the admin key.
    assert target.client.get("/api/v2/projects", headers=HEADERS).status_code == 200


def _unimplemented(target: Target, op) -> None:  # noqa: ANN001
    world = World(username="target", marker="none")
    kwargs: dict = {"headers": HEADERS}
    if op.body_kind == "json":
        kwargs["json"] = {}
    elif op.body_kind == "multipart":
        kwargs["content"], headers = multipart(("file.txt", "file.txt", b"x"))
        kwargs["headers"] = {**HEADERS, **headers}
    response = target.client.request(op.method, world.url(op), **kwargs)
    assert response.status_code == 501, (op.operation_id, response.text)
    assert check_envelope(response)["code"] == 12
