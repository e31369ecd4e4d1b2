"""Checks on the committed Swagger 2.0 contract, ``openapi/swagger.json``.

The drift tests need the shared reference catalogue next to the repository
(``../shared/reference/cml-api-v2.json``); they are skipped where it is absent.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

REPO_ROOT = Path(__file__).resolve().parents[2]
CONTRACT = REPO_ROOT / "openapi" / "swagger.json"
BUILDER = REPO_ROOT / "scripts" / "build_contract.py"
REFERENCE = REPO_ROOT.parent / "shared" / "reference" / "cml-api-v2.json"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")

needs_reference = pytest.mark.skipif(
    not REFERENCE.is_file(), reason="shared reference catalogue is not available"
)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return json.loads(CONTRACT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def builder():
    spec = importlib.util.spec_from_file_location("mockcml_build_contract", BUILDER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


def test_document_is_valid_swagger_2(document):
    validate(document)


def test_header(document):
    assert document["swagger"] == "2.0"
    assert document["info"]["title"] == "mlapiv2/api.proto"
    assert document["info"]["version"] == "26.06.13"
    assert document["info"]["description"]
    assert document["consumes"] == ["application/json"]
    assert document["produces"] == ["application/json"]
    assert [tag["name"] for tag in document["tags"]] == ["CMLService"]
    # Paths carry the full /api/v2 prefix, so there must be no basePath adding another one.
    assert document.get("basePath", "/") == "/"
    assert all(path.startswith("/api/v2/") for path in document["paths"])


def test_counts(document):
    assert len(document["paths"]) == 118
    assert sum(1 for _ in operations(document)) == 158
    assert len(document["definitions"]) == 231


def test_operations_are_tagged_and_uniquely_named(document):
    ids = []
    for path, method, op in operations(document):
        assert op["tags"] == ["CMLService"], (method, path)
        assert op["summary"] and op["description"], (method, path)
        ids.append(op["operationId"])
    assert len(ids) == len(set(ids))


def test_every_operation_has_the_error_envelope(document):
    for path, method, op in operations(document):
        default = op["responses"].get("default")
        assert default == {
            "description": default and default["description"],
            "schema": {"$ref": "#/definitions/runtimeError"},
        }, (method, path)
    error = document["definitions"]["runtimeError"]["properties"]
    assert error["code"] == {"type": "integer", "format": "int32"}
    assert error["details"]["items"] == {"$ref": "#/definitions/protobufAny"}
    assert document["definitions"]["protobufAny"]["properties"]["value"]["format"] == "byte"


def test_bearer_auth(document):
    scheme = document["securityDefinitions"]["BearerAuth"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "authorization")
    assert document["security"] == [{"BearerAuth": []}]


def test_every_ref_resolves(document):
    refs = re.findall(r'"\$ref": "#/definitions/([^"]+)"', json.dumps(document))
    assert refs
    assert set(refs) <= set(document["definitions"])


def test_special_operations(document):
    by_id = {op["operationId"]: (path, method, op) for path, method, op in operations(document)}

    _, method, upload = by_id["UploadFile"]
    assert method == "post" and upload["consumes"] == ["multipart/form-data"]
    form = [p for p in upload["parameters"] if p["in"] == "formData"]
    assert [(p["name"], p["type"]) for p in form] == [("file", "file")]

    _, _, download = by_id["DownloadProjectFile"]
    assert download["responses"]["200"]["schema"] == {"type": "string", "format": "binary"}

    assert "202" in by_id["LoadRuntimeAddonsUpload"][2]["responses"]

    (batch,) = by_id["BatchListProjects"][2]["parameters"]
    assert batch["type"] == "array" and batch["collectionFormat"] == "multi"

    path, method, update = by_id["UpdateProject"]
    assert (path, method) == ("/api/v2/projects/{project.id}", "patch")
    body = next(p for p in update["parameters"] if p["in"] == "body")
    assert body["schema"] == {"$ref": "#/definitions/Project"}


@needs_reference
def test_committed_contract_matches_the_builder(builder):
    expected = builder.build_text(REFERENCE)
    assert CONTRACT.read_text(encoding="utf-8") == expected, (
        "openapi/swagger.json is stale: run python scripts/build_contract.py"
    )


# The exact comparison of every wire type with the reference catalogue (parameters,
# fields, formats, responses) is tests/contract/test_contract_structure.py.
