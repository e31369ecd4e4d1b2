"""The served contract: ``openapi/swagger.json`` loaded once, as operations to route.

The document is the single source of truth for routes, parameter names and types,
and the request and response models.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from mockcml.kit.wire import query_value

_HERE = Path(__file__).resolve().parent.parent
# Installed wheels carry the contract inside the package; a source checkout has it at
# the repository root.
_CANDIDATES = (_HERE / "openapi" / "swagger.json", _HERE.parent / "openapi" / "swagger.json")
_PARAM = re.compile(r"\{([^}]+)\}")

# Methods a route answers besides the contract's own, as the same operation. Cloudera's own
# workbench MCP server uploads with PUT to the UploadFile route; the gateway evidently maps
# it to UploadFile too (inferred: see docs/fidelity.md). Not part of the served contract.
METHOD_ALIASES: dict[str, tuple[str, ...]] = {"UploadFile": ("PUT",)}


def contract_path() -> Path:
    for candidate in _CANDIDATES:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("openapi/swagger.json is missing from the installation")


@dataclass(frozen=True)
class QueryParam:
    name: str
    type: str
    format: str | None = None
    repeated: bool = False
    item_type: str | None = None


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str  # as written in the contract, e.g. /api/v2/projects/{project.id}
    route: str  # Starlette form, e.g. /api/v2/projects/{project_id}
    path_params: dict[str, str]  # contract name -> python name (dots become underscores)
    query: dict[str, QueryParam]
    body_model: str | None
    body_kind: str  # "json", "multipart" or "none"
    response_model: str | None
    success_status: int
    bound_fields: dict[str, str] = field(default_factory=dict)  # python name -> body field
    # python name -> (type, format) of every path parameter that is not a plain string
    path_types: dict[str, tuple[str, str | None]] = field(default_factory=dict)

    @property
    def route_key(self) -> tuple:
        """Sort key: static segments before parameters, verbs before bare ids, greedy last."""
        key: list[float] = []
        for segment in self.route.split("/"):
            if "{" not in segment:
                key.append(0)
            elif ":path}" in segment:
                key.append(3 if segment.endswith("}") else 2)
            else:
                key.append(1 if segment.endswith("}") and "}:" not in segment else 0.5)
        return tuple(key)


def _python_name(name: str) -> str:
    return name.replace(".", "_")


def _route(path: str) -> str:
    def repl(match: re.Match[str]) -> str:
        name = match.group(1)
        # File paths carry slashes (raw or percent-encoded), so they match greedily.
        suffix = ":path" if name == "path" else ""
        return "{" + _python_name(name) + suffix + "}"

    return _PARAM.sub(repl, path)


def _operation(path: str, method: str, spec: dict[str, Any]) -> Operation:
    query: dict[str, QueryParam] = {}
    path_params: dict[str, str] = {}
    path_types: dict[str, tuple[str, str | None]] = {}
    body_model = None
    body_kind = "none"
    for param in spec.get("parameters", []):
        where = param["in"]
        if where == "path":
            path_params[param["name"]] = _python_name(param["name"])
            if param.get("type", "string") != "string" or param.get("format"):
                path_types[_python_name(param["name"])] = (param["type"], param.get("format"))
        elif where == "query":
            items = param.get("items", {})
            query[param["name"]] = QueryParam(
                name=param["name"],
                type=param.get("type", "string"),
                format=param.get("format"),
                repeated=param.get("type") == "array",
                item_type=items.get("type"),
            )
        elif where == "body":
            body_kind = "json"
            ref = param.get("schema", {}).get("$ref", "")
            body_model = ref.rsplit("/", 1)[-1] or None
        elif where == "formData":
            body_kind = "multipart"
    success = next((int(code) for code in spec.get("responses", {}) if code.isdigit()), 200)
    ref = spec.get("responses", {}).get(str(success), {}).get("schema", {}).get("$ref", "")
    bound = {
        _python_name(name): name.split(".", 1)[1]
        for name in path_params
        if "." in name
    }
    return Operation(
        operation_id=spec["operationId"],
        method=method.upper(),
        path=path,
        route=_route(path),
        path_params=path_params,
        query=query,
        body_model=body_model,
        body_kind=body_kind,
        response_model=ref.rsplit("/", 1)[-1] or None,
        success_status=success,
        bound_fields=bound,
        path_types=path_types,
    )


def decode_path(op: Operation, values: dict[str, str]) -> dict[str, Any]:
    """Path values in their declared types, as grpc-gateway converts them before the call:
    an integer parameter becomes an int, a ``string``/``int64`` one stays text but must be a
    number. Anything else is 400 INVALID_ARGUMENT, whether or not the operation exists."""
    if not op.path_types:
        return values
    out: dict[str, Any] = dict(values)
    for name, (kind, fmt) in op.path_types.items():
        if kind == "integer" or fmt in ("int32", "int64", "uint64"):
            number = query_value("integer", fmt, values[name], name)
            out[name] = number if kind == "integer" else values[name]
        else:  # boolean or number path parameters: none in the contract today, but typed
            out[name] = query_value(kind, fmt, values[name], name)
    return out


@dataclass(frozen=True)
class Contract:
    document: dict[str, Any]
    raw: bytes
    operations: tuple[Operation, ...]

    @property
    def definitions(self) -> dict[str, Any]:
        return self.document["definitions"]

    def operation(self, operation_id: str) -> Operation:
        for op in self.operations:
            if op.operation_id == operation_id:
                return op
        raise KeyError(operation_id)


@cache
def load_contract() -> Contract:
    raw = contract_path().read_bytes()
    document = json.loads(raw)
    operations = [
        _operation(path, method, spec)
        for path, item in document["paths"].items()
        for method, spec in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]
    operations.sort(key=lambda op: op.route_key)
    return Contract(document=document, raw=raw, operations=tuple(operations))
