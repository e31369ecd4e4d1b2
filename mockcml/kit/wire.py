"""Decode request bodies and query strings the way grpc-gateway's protojson does.

Bodies are checked against the contract's definitions: wrong types and unknown enum values
are INVALID_ARGUMENT. Unknown fields are dropped and reported back to the caller of
``BodyDecoder.decode`` (grpc-gateway's decoder discards them; the routing layer records
them, or refuses them in strict mode). Like protojson, a field may be named in snake_case
or lowerCamelCase, and an int64 may come as a number or a string.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, overload

from mockcml.core.errors import InvalidArgument

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
UINT64 = (0, 2**64 - 1)
_DECIMAL = re.compile(r"[+-]?[0-9]+")
_TRUE = {"1", "t", "T", "true", "TRUE", "True"}
_FALSE = {"0", "f", "F", "false", "FALSE", "False"}


def check_text(value: Any, where: str = "request") -> Any:
    """``value`` unchanged if every string in it (keys too) is valid Unicode, else a 400.

    JSON may escape half of a UTF-16 surrogate pair on its own (``"x\\ud800"``); Python
    decodes that to a string no UTF-8 database or response can hold. Like protojson,
    which refuses invalid UTF-8 in a string field, mockcml refuses it wherever text comes
    in, before anything is written: this function is the one check, applied to request
    bodies, query and path values and every JSON text a client sends inside a string.
    """
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidArgument(
                f"{where}: invalid text (a lone UTF-16 surrogate is not a character)") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key, where)
            check_text(item, f"{where}.{key}")
    elif isinstance(value, (list, tuple)):
        for item in value:
            check_text(item, where)
    return value


def loads(raw: str | bytes, where: str = "request") -> Any:
    """``json.loads`` for text a client sent: invalid text inside it is a 400 too.

    Raises ``ValueError`` (and ``RecursionError``) as ``json.loads`` does, so callers keep
    their own messages for text that is not JSON.
    """
    value = json.loads(raw)
    # From bytes a lone surrogate can only come through a \u escape (UTF-8 cannot encode
    # one): a large body without one is not walked.
    if isinstance(raw, (bytes, bytearray)) and b"\\u" not in raw:
        return value
    return check_text(value, where)


@lru_cache(maxsize=4096)  # query parameter names, looked for on every request
def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


class BodyDecoder:
    """Validates JSON values against a Swagger 2.0 ``definitions`` table."""

    def __init__(self, definitions: dict[str, Any]) -> None:
        self.definitions = definitions
        self._aliases: dict[str, dict[str, str]] = {}

    def aliases(self, model: str) -> dict[str, str]:
        if model not in self._aliases:
            props = self.definitions[model].get("properties", {})
            table = {name: name for name in props}
            table.update({camel(name): name for name in props if camel(name) not in table})
            self._aliases[model] = table
        return self._aliases[model]

    def decode(self, model: str, value: Any) -> tuple[dict[str, Any], list[str]]:
        """The decoded body and the paths of the unknown fields it had (``description``,
        ``recipients[0].bogus``), in the order sent; those fields are left out."""
        unknown: list[str] = []
        decoded = self._value({"$ref": f"#/definitions/{model}"}, value, model, unknown)
        prefix = len(model) + 1
        return decoded, [path[prefix:] for path in unknown]

    def _value(self, schema: dict[str, Any], value: Any, where: str, unknown: list[str]) -> Any:
        if value is None:
            return None  # protojson treats null as "not set", for messages and enums too
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            target = self.definitions[name]
            if "enum" in target:
                return _enum(target["enum"], value, where)
            return self._object(name, target, value, where, unknown)
        kind = schema.get("type")
        if kind == "object" and "additionalProperties" in schema:
            if not isinstance(value, dict):
                raise InvalidArgument(f"{where}: expected an object")
            inner = schema["additionalProperties"]
            return {str(k): self._value(inner, v, f"{where}.{k}", unknown) for k, v in value.items()}
        if kind == "array":
            if not isinstance(value, list):
                raise InvalidArgument(f"{where}: expected an array")
            items = schema.get("items", {})
            return [self._value(items, v, f"{where}[{i}]", unknown) for i, v in enumerate(value)]
        if "enum" in schema:
            return _enum(schema["enum"], value, where)
        return scalar(kind, schema.get("format"), value, where)

    def _object(self, name: str, schema: dict[str, Any], value: Any, where: str,
                unknown: list[str]) -> dict:
        if not isinstance(value, dict):
            raise InvalidArgument(f"{where}: expected an object")
        props = schema.get("properties", {})
        aliases = self.aliases(name)
        out: dict[str, Any] = {}
        for key, item in value.items():
            field_name = aliases.get(key)
            if field_name is None:
                unknown.append(f"{where}.{key}")  # dropped, as grpc-gateway's decoder does
                continue
            decoded = self._value(props[field_name], item, f"{where}.{field_name}", unknown)
            if decoded is not None:  # null is "not set": the field is left out, as protojson does
                out[field_name] = decoded
        return out


def _enum(values: list[str], value: Any, where: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(values):
        return values[value]  # protojson also accepts an enum's number
    if value not in values:
        raise InvalidArgument(f"{where}: invalid value {value!r}, expected one of {values}")
    return value


def scalar(kind: str | None, fmt: str | None, value: Any, where: str) -> Any:
    if kind == "string":
        if fmt in ("int64", "uint64"):
            return _integer(value, INT64 if fmt == "int64" else UINT64, where)
        if not isinstance(value, str):
            raise InvalidArgument(f"{where}: expected a string")
        if fmt == "date-time":
            parse_timestamp(value, where)
        return value
    if kind == "integer":
        return _integer(value, INT64 if fmt == "int64" else INT32, where)
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise InvalidArgument(f"{where}: expected a number")
        try:
            number = float(value)
        except ValueError:
            raise InvalidArgument(f"{where}: expected a number") from None
        if math.isnan(number) or math.isinf(number):
            raise InvalidArgument(f"{where}: expected a finite number")
        return number
    if kind == "boolean":
        if not isinstance(value, bool):
            raise InvalidArgument(f"{where}: expected true or false")
        return value
    return value


def _integer(value: Any, bounds: tuple[int, int], where: str) -> int:
    if isinstance(value, bool):
        raise InvalidArgument(f"{where}: expected an integer")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise InvalidArgument(f"{where}: expected an integer") from None
    if not isinstance(value, int) or not bounds[0] <= value <= bounds[1]:
        raise InvalidArgument(f"{where}: expected an integer in range")
    return value


def query_value(kind: str, fmt: str | None, raw: str, name: str) -> Any:
    """One query-string value, parsed with Go's strconv rules as grpc-gateway does."""
    if kind == "boolean":
        if raw in _TRUE:
            return True
        if raw in _FALSE:
            return False
        raise InvalidArgument(f"type mismatch, parameter: {name}, error: invalid boolean {raw!r}")
    if kind == "integer":
        try:
            # strconv.ParseInt: ASCII digits and a sign only (int() would also take " 1",
            # "1_0" and other scripts' digits).
            if not _DECIMAL.fullmatch(raw):
                raise ValueError(raw)
            number = int(raw)
        except ValueError:
            raise InvalidArgument(
                f"type mismatch, parameter: {name}, error: invalid integer {raw!r}"
            ) from None
        low, high = INT64 if fmt == "int64" else INT32
        if not low <= number <= high:
            raise InvalidArgument(f"type mismatch, parameter: {name}, error: value out of range")
        return number
    if kind == "number":
        try:
            return float(raw)
        except ValueError:
            raise InvalidArgument(
                f"type mismatch, parameter: {name}, error: invalid number {raw!r}"
            ) from None
    return raw


def parse_timestamp(value: str, where: str = "timestamp") -> float:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidArgument(f"{where}: not an RFC 3339 timestamp") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


@overload
def timestamp(epoch: float) -> str: ...
@overload
def timestamp(epoch: None) -> None: ...
@overload
def timestamp(epoch: float | None) -> str | None: ...
def timestamp(epoch: float | None) -> str | None:
    """RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits, as protojson writes it."""
    if epoch is None:
        return None
    return _timestamp(epoch)


@lru_cache(maxsize=65536)  # polling reads the same instants over and over
def _timestamp(epoch: float) -> str:
    whole = math.floor(epoch)
    micros = round((epoch - whole) * 1_000_000)
    if micros >= 1_000_000:
        whole, micros = whole + 1, micros - 1_000_000
    moment = datetime.fromtimestamp(whole, UTC)
    # Not strftime("%Y"): it writes year 256 as "256", and RFC 3339 wants four digits.
    text = f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S}"
    if micros == 0:
        return text + "Z"
    if micros % 1000 == 0:
        return f"{text}.{micros // 1000:03d}Z"
    return f"{text}.{micros:06d}Z"


def attrs(obj: Any, names: str) -> dict[str, Any]:
    """``{name: obj.name}`` for each of the space-separated ``names``, in that order: the
    wire fields that keep a column's name and value. A caller converts the others in place
    (``out.update(...)`` keeps each key where it stands)."""
    return {name: getattr(obj, name) for name in names.split()}


def phase_at(now: float, first: str, *later: tuple[float, str]) -> str:
    """The status of something that moves through ``later`` phases (start, status), in
    order: the last one ``now`` has reached, or ``first`` before any."""
    status = first
    for start, name in later:
        if now < start:
            break
        status = name
    return status


def reached(at: float | None, now: float) -> str | None:
    """A phase's timestamp once the mock's clock has passed it; None (left out) before."""
    return timestamp(at) if at is not None and at <= now else None
