"""The served contract keeps every structural fact of the real one.

The reference catalogue records the real 26.06.13 swagger's wire types (``param_types`` per
operation, ``field_formats`` per model). Both are turned into one normal form here, written
out independently of scripts/build_contract.py, and compared whole: paths, methods,
operationIds, parameters (name, location, type, format, required, item type), body and form
parameters, response codes and models, definitions (field names, types, formats, enum refs,
read-only fields), enum values and the security definition. The only differences allowed are
``ALLOWED``, each listed in docs/fidelity.md. The document is fetched from a running server
(in-process and live), so what clients download is what is checked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import assert_envelope, auth

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "cml-api-v2.json"
pytestmark = pytest.mark.skipif(not REFERENCE.is_file(),
                                reason="shared reference catalogue is not available")

# Additions to the real contract, each documented in docs/fidelity.md ("Contract additions").
ALLOWED: dict[tuple[str, ...], Any] = {
    # Raw-byte answers get a schema (the real spec gives the 200 none).
    ("DownloadProjectFile", "200"): ("schema", {"type": "string", "format": "binary"}),
    ("DownloadDiagnosticsBundle", "200"): ("schema", {"type": "string", "format": "binary"}),
    # UploadFile answers {}; the real spec gives the 200 no schema.
    ("UploadFile", "200"): ("schema", {"type": "object"}),
    # The error envelope documented on the operations whose real spec leaves it out.
    ("UploadFile", "default"): "runtimeError",
    ("DownloadProjectFile", "default"): "runtimeError",
    ("DownloadDiagnosticsBundle", "default"): "runtimeError",
    ("LoadRuntimeAddonsUpload", "default"): "runtimeError",
    ("HandleCustomRuntimeUpload", "default"): "runtimeError",
}


def _typed(spec: str) -> tuple:
    """``integer/int32``, ``string``, ``array<integer/int32>`` in normal form."""
    if spec.startswith("array<"):
        return ("array", _typed(spec[6:-1]))
    kind, _, fmt = spec.partition("/")
    return (kind, fmt or None)


def _field_type(spec: str, known: set[str]) -> tuple:
    """A catalogue field type (``string(int64)``, ``map<string,X>``, a model) in normal form."""
    if spec.startswith("array<"):
        return ("array", _field_type(spec[6:-1], known))
    if spec.startswith("map<string,"):
        return ("map", _field_type(spec[11:-1], known))
    if spec in known:
        return ("ref", spec)
    kind, _, fmt = spec.partition("(")
    return (kind, fmt.rstrip(")") or None)


def _schema(schema: dict) -> tuple:
    if "$ref" in schema:
        return ("ref", schema["$ref"].rsplit("/", 1)[-1])
    if schema.get("type") == "array":
        return ("array", _schema(schema["items"]))
    if schema.get("type") == "object" and "additionalProperties" in schema:
        return ("map", _schema(schema["additionalProperties"]))
    return (schema.get("type"), schema.get("format"))


def expected_structure(reference: dict) -> dict:
    known = set(reference["models"]) | set(reference["enums"])
    ops = {}
    for op in reference["operations"]:
        types = op["param_types"]
        params = {}
        for name in op["path_params"]:
            declared = types.get(name, {"type": "string", "required": True})
            params[(name, "path")] = (_typed(declared["type"]), bool(declared.get("required")))
        for query in op["query_params"]:
            declared = types[query["name"]]
            params[(query["name"], "query")] = (_typed(declared["type"]),
                                                bool(declared.get("required")))
        if op["body"]:
            params[("body", "body")] = (("ref", op["body"]), True)
        for form in op.get("form_fields", []):
            params[(form["name"], "formData")] = ((form["type"], None), bool(form.get("required")))
        responses = {str(op["success_status"]): op["response"]}
        if op["error_model"]:
            responses["default"] = op["error_model"]
        ops[(op["path"], op["method"].lower())] = {
            "operationId": op["operationId"], "params": params, "responses": responses}
    definitions = {}
    for name, model in reference["models"].items():
        formats = model.get("field_formats", {})
        fields = {f: _typed(formats[f]) if f in formats else _field_type(t, known)
                  for f, t in model.get("fields", {}).items()}
        for field, enum in model.get("enum_types", {}).items():
            assert fields[field] == ("ref", enum), (name, field)
        definitions[name] = {"fields": fields, "read_only": set(model.get("read_only", []))}
    for name, enum in reference["enums"].items():
        definitions[name] = {"enum": (enum["type"], list(enum["values"]), enum.get("default"))}
    header = reference["conventions"]["auth"]["header"]
    return {"operations": ops, "definitions": definitions,
            "security": ("BearerAuth", "apiKey", "header", header)}


def served_structure(document: dict) -> dict:
    ops = {}
    for path, item in document["paths"].items():
        for method, op in item.items():
            params = {}
            for p in op.get("parameters", []):
                if p["in"] == "body":
                    params[(p["name"], "body")] = (_schema(p["schema"]), p.get("required", False))
                else:
                    params[(p["name"], p["in"])] = (_schema(p), p.get("required", False))
            responses = {}
            for code, response in op["responses"].items():
                schema = response.get("schema")
                if schema is None:
                    responses[code] = None
                elif "$ref" in schema:
                    responses[code] = schema["$ref"].rsplit("/", 1)[-1]
                else:
                    responses[code] = ("schema", schema)
            ops[(path, method)] = {"operationId": op["operationId"], "params": params,
                                   "responses": responses}
    definitions = {}
    for name, spec in document["definitions"].items():
        if "enum" in spec:
            definitions[name] = {"enum": (spec["type"], spec["enum"], spec.get("default"))}
            continue
        props = spec.get("properties", {})
        definitions[name] = {
            "fields": {f: _schema(s) for f, s in props.items()},
            "read_only": {f for f, s in props.items() if s.get("readOnly")},
        }
    scheme = document["securityDefinitions"]["BearerAuth"]
    return {"operations": ops, "definitions": definitions,
            "security": ("BearerAuth", scheme["type"], scheme["in"], scheme["name"])}


def differences(expected: dict, served: dict) -> list[str]:
    """Every structural difference, with the allowed additions taken out."""
    out = []
    if expected["security"] != served["security"]:
        out.append(f"security: {served['security']} != {expected['security']}")
    e_ops, s_ops = expected["operations"], served["operations"]
    for key in sorted(set(e_ops) ^ set(s_ops)):
        out.append(f"operation {key} only in {'served' if key in s_ops else 'reference'}")
    for key in sorted(set(e_ops) & set(s_ops)):
        e, s = e_ops[key], s_ops[key]
        if e["operationId"] != s["operationId"]:
            out.append(f"{key}: operationId {s['operationId']} != {e['operationId']}")
        if e["params"] != s["params"]:
            out.append(f"{e['operationId']}: parameters {s['params']} != {e['params']}")
        responses = dict(e["responses"])
        for code, value in s["responses"].items():
            if (e["operationId"], code) in ALLOWED:
                if value == ALLOWED[(e["operationId"], code)]:
                    responses[code] = value
        if responses != s["responses"]:
            out.append(f"{e['operationId']}: responses {s['responses']} != {e['responses']}")
    e_defs, s_defs = expected["definitions"], served["definitions"]
    for name in sorted(set(e_defs) ^ set(s_defs)):
        out.append(f"definition {name} only in {'served' if name in s_defs else 'reference'}")
    for name in sorted(set(e_defs) & set(s_defs)):
        if e_defs[name] != s_defs[name]:
            out.append(f"definition {name}: {s_defs[name]} != {e_defs[name]}")
    return out


@pytest.fixture(scope="module")
def reference() -> dict:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


def test_served_contract_has_the_real_structure(api, reference):
    response = api.get("/api/v2/swagger.json")
    assert response.status_code == 200
    assert differences(expected_structure(reference), served_structure(response.json())) == []


def test_the_diff_catches_a_changed_type(reference):
    """The comparison itself can fail: one format dropped, one path type changed, one
    extra field are each reported."""
    from mockcml.core.contract import load_contract

    document = json.loads(load_contract().raw)
    document["definitions"]["Job"]["properties"]["paused"].pop("format")
    param = document["paths"]["/api/v2/users/{user_id}"]["get"]["parameters"][0]
    param.update(type="string", format=None)
    document["definitions"]["Job"]["properties"]["extra"] = {"type": "string"}
    document["securityDefinitions"]["BearerAuth"]["name"] = "Authorization"
    found = differences(expected_structure(reference), served_structure(document))
    assert len(found) == 3, found  # Job (two changes in one model), user_id, security


@pytest.mark.parametrize("path, method", [
    ("/api/v2/users/abc", "GET"),  # GetShortUserByID.user_id is int32
    ("/api/v2/users/4294967296", "GET"),  # out of int32's range
    ("/api/v2/cpuprofiles/x", "DELETE"),  # decoded before the method is looked up
    ("/api/v2/dashboardsarchive/1.5", "POST"),
    ("/api/v2/nodelabels/abc", "POST"),  # string/int64 must still be a number
])
def test_integer_path_parameter_that_is_not_a_number_is_400(api, path, method):
    body = assert_envelope(api.request(method, path, headers=auth(), json={}), 400, 3)
    assert "type mismatch, parameter:" in body["message"]


def test_integer_path_parameters_that_are_numbers_pass(api):
    assert api.get("/api/v2/users/1", headers=auth()).json()["username"] == "admin"
    assert_envelope(api.get("/api/v2/users/999999", headers=auth()), 404, 5)
    # A number passes decoding, whatever the operation then answers (501, 404, ...).
    number = api.delete("/api/v2/cpuprofiles/987654", headers=auth())
    assert "type mismatch" not in number.json().get("message", ""), number.text
    # Unauthenticated callers learn that first, not how their path was wrong.
    assert_envelope(api.get("/api/v2/users/abc"), 401, 16)
