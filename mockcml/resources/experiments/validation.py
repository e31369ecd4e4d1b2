"""MLflow's rules for entity keys and values, shared by experiments and their runs."""

from __future__ import annotations

import re
from typing import Any

from mockcml.core.errors import InvalidArgument

# MLflow's limits (mlflow.utils.validation).
MAX_KEY_LENGTH = 250
MAX_PARAM_VALUE_LENGTH = 6000
MAX_TAG_VALUE_LENGTH = 8000
MAX_EXPERIMENT_TAG_VALUE_LENGTH = 5000
MAX_METRICS_PER_BATCH = 1000
MAX_PARAMS_TAGS_PER_BATCH = 100
MAX_ENTITIES_PER_BATCH = 1000
# Alphanumerics, underscores, periods, dashes, spaces and slashes, as MLflow allows.
_KEY = re.compile(r"^[\w./\- ]+$")


def check_key(key: Any, what: str) -> str:
    if not isinstance(key, str) or key == "":
        raise InvalidArgument(f"{what} key must not be empty")
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidArgument(f"{what} key {key[:40]!r}... is longer than {MAX_KEY_LENGTH}")
    if not _KEY.match(key):
        raise InvalidArgument(
            f"invalid {what} key {key!r}: only alphanumerics, underscores (_), dashes (-), "
            "periods (.), spaces ( ) and slashes (/) are allowed")
    if key.startswith("/") or ".." in key.split("/"):
        raise InvalidArgument(f"invalid {what} key {key!r}: it must be a relative, unique path")
    return key


def check_value(value: Any, limit: int, what: str, key: str) -> str:
    value = "" if value is None else value
    if len(value) > limit:
        raise InvalidArgument(f"{what} {key!r}: value is longer than {limit} characters")
    return value


def key_values(items: list[dict] | None, limit: int, what: str) -> list[tuple[str, str]]:
    """Validated (key, value) pairs in the order sent; ``Tag`` objects may omit either field."""
    out = []
    for item in items or []:
        key = check_key((item or {}).get("key"), what)
        out.append((key, check_value((item or {}).get("value"), limit, what, key)))
    return out


def tag_list(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    """One tag per key (the last one sent wins), in key order."""
    merged = dict(pairs)
    return [{"key": k, "value": merged[k]} for k in sorted(merged)]
