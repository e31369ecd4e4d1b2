#!/usr/bin/env python3
"""Build ``openapi/swagger.json``, the Swagger 2.0 contract served by the mock.

Every fact (routes, operationIds, parameters, models, enums, list/filter/sort keys) comes from
the shared reference catalogue ``cml-api-v2.json``; the wording lives in ``contract_text.py``.

Usage::

    python scripts/build_contract.py [--reference PATH] [--out openapi/swagger.json] [--check]

Choices worth knowing:

* No ``basePath``, ``host`` or ``schemes``. Every path keeps its full ``/api/v2/...`` prefix, so
  a client whose host is ``http://127.0.0.1:PORT`` simply appends the path. (A basePath of
  ``"/"`` would lead naive joiners to request ``//api/v2/...``; ``"/api/v2"`` would double it.)
* Raw-byte answers (file and diagnostics downloads) use ``{type: string, format: binary}`` with
  ``produces: [application/octet-stream]``. Swagger 2.0 also allows ``{type: file}`` there, but
  openapi-spec-validator meta-checks response schemas as JSON Schema and rejects ``file``.
* ``UploadFile`` answers an empty object (``{type: object}``); the two runtime add-on uploads
  have no documented body, so their success response carries no schema.
* Every operation gets ``default -> runtimeError``, even the five the reference leaves without
  an error model, because the server's error envelope is the same everywhere.
* Wire types are the real contract's: each parameter's type, format and ``required`` come
  from the operation's ``param_types`` and each field's format from its model's
  ``field_formats`` (``integer/int32``, ``boolean/boolean``, ``number/float`` ...), so that a
  generated client converts exactly what a client generated from the real spec converts.
  ``tests/contract/test_contract_structure.py`` diffs the served document against the
  catalogue; the few additions it allows are listed in docs/fidelity.md.
* Output is deterministic: paths and definitions are sorted, everything else keeps the
  reference's order, and the file ends with a newline.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # also importable when loaded by file path (tests)
    sys.path.insert(0, str(HERE))
import contract_text as text  # noqa: E402

REPO_ROOT = HERE.parent
DEFAULT_REFERENCE = REPO_ROOT.parent / "shared" / "reference" / "cml-api-v2.json"
DEFAULT_OUT = REPO_ROOT / "openapi" / "swagger.json"
TAG = "CMLService"
METHOD_ORDER = ("get", "put", "post", "delete", "options", "head", "patch")
SCALARS: dict[str, dict[str, str]] = {
    "string": {"type": "string"},
    "boolean": {"type": "boolean"},
    "integer": {"type": "integer", "format": "int32"},
    "integer(int64)": {"type": "integer", "format": "int64"},
    "number": {"type": "number", "format": "double"},
    "string(int64)": {"type": "string", "format": "int64"},
    "string(uint64)": {"type": "string", "format": "uint64"},
    "string(date-time)": {"type": "string", "format": "date-time"},
    "string(byte)": {"type": "string", "format": "byte"},
}


def ref(name: str) -> dict[str, str]:
    return {"$ref": "#/definitions/" + name}


def schema_for(type_name: str, known: set[str]) -> dict[str, Any]:
    """Turn a reference type string (``integer(int64)``, ``array<Job>`` ...) into a schema."""
    if type_name in SCALARS:
        return dict(SCALARS[type_name])
    if type_name.startswith("array<") and type_name.endswith(">"):
        return {"type": "array", "items": schema_for(type_name[6:-1], known)}
    if type_name.startswith("map<string,") and type_name.endswith(">"):
        return {"type": "object", "additionalProperties": schema_for(type_name[11:-1], known)}
    if type_name in known:
        return ref(type_name)
    raise ValueError(f"unknown type in reference: {type_name!r}")


def typed(spec: str) -> dict[str, Any]:
    """A ``param_types`` / ``field_formats`` entry (``integer/int32``, ``string``,
    ``array<integer/int32>``) as a schema: the real contract's type and format, verbatim."""
    if spec.startswith("array<") and spec.endswith(">"):
        return {"type": "array", "items": typed(spec[6:-1])}
    kind, _, fmt = spec.partition("/")
    return {"type": kind, "format": fmt} if fmt else {"type": kind}


def field_schema(spec: dict, field: str, type_name: str, known: set[str]) -> dict[str, Any]:
    formats = spec.get("field_formats", {})
    if field in formats:
        return typed(formats[field])
    return schema_for(type_name, known)


def known_names(reference: dict) -> set[str]:
    return set(reference["models"]) | set(reference["enums"])


def build_definitions(reference: dict) -> dict[str, Any]:
    known = known_names(reference)
    defs: dict[str, Any] = {}
    for name, spec in reference["models"].items():
        model: dict[str, Any] = {"type": "object"}
        properties = {}
        for field, type_name in spec.get("fields", {}).items():
            prop = field_schema(spec, field, type_name, known)
            if field in spec.get("read_only", ()):
                prop["readOnly"] = True
            note = text.field(name, field, type_name)
            if note:
                prop["description"] = note
            properties[field] = prop
        if properties:
            model["properties"] = properties
        if name in text.MODELS:
            model["description"] = text.MODELS[name]
        defs[name] = model
    for name, spec in reference["enums"].items():
        defs[name] = {"type": spec.get("type", "string"), "enum": list(spec["values"])}
        if "default" in spec:
            defs[name]["default"] = spec["default"]
    return {name: defs[name] for name in sorted(defs)}


def build_parameters(op: dict, known: set[str]) -> list[dict[str, Any]]:
    """Path parameters in path order, then the body or form fields, then query parameters."""
    params = []
    types = op.get("param_types", {})
    for param in op.get("path_params", []):
        name = param["name"] if isinstance(param, dict) else param
        params.append(
            {"name": name, "description": text.path_param(op, name), "in": "path"}
            | {"required": True, **typed(types.get(name, {}).get("type", "string"))}
        )
    if op.get("body"):
        params.append(
            {"name": "body", "description": f"Request payload ({op['body']}).", "in": "body"}
            | {"required": True, "schema": ref(op["body"])}
        )
    for field in op.get("form_fields", []):
        params.append(
            {"name": field["name"], "description": f"File sent as '{field['name']}'."}
            | {"in": "formData", "required": bool(field.get("required")), "type": "file"}
        )
    for query in op.get("query_params", []):
        name, type_name = query["name"], query["type"]
        declared = types.get(name, {})
        schema = typed(declared["type"]) if "type" in declared else schema_for(type_name, known)
        param = {"name": name, "description": text.query_param(op, name, type_name)}
        param |= {"in": "query", "required": bool(declared.get("required")), **schema}
        if param["type"] == "array":
            param["collectionFormat"] = query.get("collection_format", "multi")
        params.append(param)
    return params


def success_response(op: dict) -> dict[str, Any]:
    kind = op.get("response_kind")
    if kind == "raw_bytes":
        return {
            "description": text.RESPONSES[kind],
            "schema": {"type": "string", "format": "binary"},
        }
    if kind == "empty":
        return {"description": text.RESPONSES[kind], "schema": {"type": "object"}}
    if kind == "unspecified" or not op.get("response"):
        return {"description": text.RESPONSES["unspecified"]}
    return {"description": text.RESPONSES["ok"], "schema": ref(op["response"])}


def build_operation(op: dict, known: set[str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "tags": [TAG],
        "summary": text.summary(op["operationId"]),
        "description": text.describe(op),
        "operationId": op["operationId"],
    }
    if op.get("body_content_type") == "multipart/form-data":
        out["consumes"] = ["multipart/form-data"]
    if op.get("response_kind") == "raw_bytes":
        out["produces"] = ["application/octet-stream"]
    params = build_parameters(op, known)
    if params:
        out["parameters"] = params
    out["responses"] = {
        str(op.get("success_status", 200)): success_response(op),
        "default": {"description": text.RESPONSES["error"], "schema": ref("runtimeError")},
    }
    return out


def build_paths(reference: dict) -> dict[str, Any]:
    known = known_names(reference)
    paths: dict[str, dict[str, Any]] = {}
    for op in reference["operations"]:
        method = op["method"].lower()
        item = paths.setdefault(op["path"], {})
        if method in item:
            raise ValueError(f"duplicate operation {op['method']} {op['path']}")
        item[method] = build_operation(op, known)
    return {
        path: {m: paths[path][m] for m in METHOD_ORDER if m in paths[path]}
        for path in sorted(paths)
    }


def build_document(reference: dict) -> dict[str, Any]:
    return {
        "swagger": "2.0",
        "info": {
            "title": reference.get("spec_title", "mlapiv2/api.proto"),
            "version": reference.get("spec_version", "26.06.13"),
            "description": text.INFO,
        },
        "tags": [{"name": TAG, "description": text.TAG}],
        "consumes": ["application/json"],
        "produces": ["application/json"],
        "paths": build_paths(reference),
        "definitions": build_definitions(reference),
        "securityDefinitions": {
            "BearerAuth": {
                "type": "apiKey",
                "in": "header",
                "name": "authorization",
                "description": text.AUTH,
            }
        },
        "security": [{"BearerAuth": []}],
    }


def render(document: dict) -> str:
    return json.dumps(document, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def load_reference(path: Path | str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def build_text(reference_path: Path | str = DEFAULT_REFERENCE) -> str:
    """The exact bytes (as text) that the script writes for a given reference."""
    return render(build_document(load_reference(reference_path)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="exit 1 if --out is out of date")
    args = parser.parse_args(argv)
    output = build_text(args.reference)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else None
        if current != output:
            print(f"{args.out} is out of date; rerun scripts/build_contract.py", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(output, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
