"""Prose for ``build_contract.py``: every human-readable string in ``openapi/swagger.json``.

The wording is ours; the facts it mentions (filter and sort keys, list fields, custom verbs,
status values, upload rules) are read from the reference catalogue at build time.
"""

from __future__ import annotations

import re

INFO = (
    "Contract of mockcml, a local stand-in for the Cloudera Machine Learning (Cloudera AI) "
    "workspace REST API v2. Routes, operation IDs and models follow the workspace API; every "
    "call needs 'authorization: Bearer <API key>'. 64-bit integers travel as JSON strings, "
    "list routes page with page_size, page_token and next_page_token, and errors share the "
    "runtimeError envelope."
)
TAG = "All API v2 operations of the workspace."
AUTH = "Put 'Bearer <API key>' in the authorization header."
RESPONSES = {
    "ok": "The call succeeded.",
    "raw_bytes": "The requested bytes.",
    "empty": "Stored; the body is empty.",
    "unspecified": "Accepted; the body is not described.",
    "error": "Error envelope with a gRPC status code and a message.",
}
ACRONYMS = {"ml": "ML", "amp": "AMP", "amps": "AMPs", "gpu": "GPU"}
ENV_STRING = (
    "Environment variables, returned as a single string that holds a JSON-encoded object; "
    "decode it to get the name -> value pairs."
)
ENV_MAP = "Environment variables to set, as a plain name -> value object."
QUERY = {
    "search_filter": (
        'A JSON object passed as a string, e.g. {"name":"demo"}. Keys may be dotted paths '
        "into nested objects; values match as case-sensitive substrings. The keys this route "
        "accepts are listed in the operation description."
    ),
    "sort": (
        "Comma-separated sort keys. Prefix a key with '-' for descending order, '+' or nothing "
        "for ascending, e.g. -updated_at,+name. Accepted keys are listed in the operation "
        "description."
    ),
    "page_size": (
        "Maximum number of items on one page (10 when left out). When you follow "
        "next_page_token, send the same page_size again."
    ),
    "page_token": "The next_page_token of the previous page. Leave it out to get the first page.",
    "multi_column_search_filter": (
        "A JSON object whose value is looked up in several columns at once; the accepted "
        "keys are listed in the operation description."
    ),
    "time_range_search_filter": (
        "A JSON object that restricts results to a time window on the time fields listed "
        "in the operation description."
    ),
    "include_public_projects": "Also list public projects (false when left out).",
    "include_all_projects": "Widen the listing to all projects (false when left out).",
    "project_ids": "Projects to return; repeat the parameter once for every project ID.",
}
MODELS = {
    "runtimeError": (
        "Body of every failed call. 'code' holds the gRPC status code (for example 5 for not "
        "found, 7 for permission denied) and 'message' a readable explanation."
    ),
    "protobufAny": "A packed protobuf message: its type URL plus the encoded bytes.",
}
OPERATIONS = {
    "ValidateAPIKey": "The audience in the body is either API or Application.",
    "ListProjectFiles": (
        "Lists one directory in a single, unpaged answer; entries are named relative to the "
        "requested directory. The project root is addressed as an empty path, '.' or %2F."
    ),
    "UploadFile": (
        "The name of the multipart field is taken as the destination path below the project "
        "root (the cmlapi SDK names it 'file'). Existing files are never replaced: a clashing "
        "upload is stored as name(1).ext."
    ),
    "ListWorkloadExecutions": "Ordinary user keys are refused here with 403 (code 7).",
}
# Optional per-operation lists from the reference, worded as "<label>: a, b, c."
EXTRA_LISTS = (
    ("search_filter_status_values", "Status filter values (lower case)"),
    ("search_filter_dynamic_fields", "Dynamic filter groups"),
    ("search_filter_value_operators", "Filter values may start with an operator"),
    ("multi_column_search_filter_keys", "Accepted multi_column_search_filter keys"),
    ("time_range_search_filter_keys", "Accepted time_range_search_filter keys"),
    ("sort_keys_extra_examples", "Further sort examples"),
)


def summary(operation_id: str) -> str:
    """``GetShortUserByID`` -> ``Get short user by ID``; acronyms and digits stay upper-case."""
    words = re.findall(r"[A-Z0-9]+(?![a-z])|[A-Z][a-z0-9]*", operation_id)
    out = [w if i == 0 or w.isupper() else w.lower() for i, w in enumerate(words)]
    return " ".join(ACRONYMS.get(w, w) for w in out)


def int64(type_name: str) -> str:
    kind = "An unsigned 64-bit" if "uint" in type_name else "A 64-bit"
    return f"{kind} integer, carried as a JSON string so that no precision is lost."


def field(model: str, name: str, type_name: str) -> str | None:
    """Description for a model property, or None when the name and type say enough."""
    if type_name in ("string(int64)", "string(uint64)"):
        return int64(type_name)
    if name == "environment":
        return ENV_STRING if type_name == "string" else ENV_MAP
    if model == "ExperimentRun" and name in ("start_time", "end_time"):
        return "Typed as date-time, though the value is meant as epoch milliseconds."
    return None


def path_param(op: dict, name: str) -> str:
    bound = op.get("path_params_bound_to_body_fields", {})
    if name in bound:
        owner = name.split(".", 1)[0].replace("_", " ")
        return f"Identifies the {owner}; the value is written into the body field '{bound[name]}'."
    if name == "path":
        return (
            "File or directory path relative to the project root. Slashes may be sent as they "
            "are or percent-encoded."
        )
    if name == "id" or name.endswith("_id"):
        return f"ID of the {name[:-3].replace('_', ' ') or 'resource'}."
    return f"The {name.replace('_', ' ')} this request addresses."


def query_param(op: dict, name: str, type_name: str) -> str:
    text = QUERY.get(name) or f"Optional '{name.replace('_', ' ')}' value."
    if name == "series_type" and op.get("series_type_values"):
        text = "Which series to return: " + ", ".join(op["series_type_values"]) + "."
    if type_name in ("string(int64)", "string(uint64)"):
        text += " " + int64(type_name)
    return text


def describe(op: dict) -> str:
    """Compose an operation description from the reference facts about it."""
    kind, response = op.get("response_kind"), op.get("response")
    bound = op.get("path_params_bound_to_body_fields")
    query = {q["name"] for q in op.get("query_params", [])}
    parts = []
    if op.get("custom_verb"):
        parts.append(f"Custom verb ':{op['custom_verb']}' on the resource path.")
    if bound:
        pairs = ", ".join(f"{{{p}}} -> {f}" for p, f in bound.items())
        parts.append(
            f"The body is the whole {op['body']} resource; the path fills {pairs}. "
            "Only the fields you send are meant to change."
        )
    elif op.get("body"):
        parts.append(f"JSON request body: {op['body']}.")
    if op.get("form_fields"):
        names = [
            f["name"] + (" (required)" if f.get("required") else "") for f in op["form_fields"]
        ]
        parts.append(f"The body is multipart/form-data with file fields: {', '.join(names)}.")
    if op["operationId"] in OPERATIONS:
        parts.append(OPERATIONS[op["operationId"]])
    if kind == "raw_bytes":
        parts.append("Answers with the raw bytes, not with JSON.")
    elif kind == "empty_object":
        parts.append(f"Answers with {response}, an empty object ({{}}).")
    elif kind == "empty":
        parts.append("Answers with an empty body.")
    elif kind == "unspecified":
        parts.append("The reference does not describe the response body.")
    elif response:
        parts.append(f"Answers with {response}.")
    if op.get("success_status", 200) != 200:
        parts.append(f"Success is signalled with HTTP {op['success_status']}.")
    if op.get("paginated"):
        where = " and ".join(op.get("list_fields") or []) or "the answer"
        parts.append(f"Paged: items arrive in {where}; next_page_token is empty on the last page.")
    for key, label in (("search_filter", "search_filter keys"), ("sort", "sort keys")):
        if op.get(key + "_keys"):
            parts.append(f"Accepted {label}: {', '.join(op[key + '_keys'])}.")
        elif key in query:
            parts.append(f"The reference names no {label} for this route.")
    parts += [f"{label}: {', '.join(op[key])}." for key, label in EXTRA_LISTS if op.get(key)]
    parts.append("Failures answer with a runtimeError body.")
    return " ".join(parts)
