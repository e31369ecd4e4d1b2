"""The unknown-field report: every body field a client sent that the contract does not define.

The real API (a grpc-gateway) drops such fields without a word, so a client that misspells
``descripton`` or sends a field of another model "works" against a workspace while doing
nothing. mockcml drops them too (unless ``--strict``), but writes each one down here, so a
test can assert that its client sends nothing the real API would silently ignore:
``GET /_mock/unknown-fields`` or ``mockcml.unknown_fields()`` in the pytest plugin.

Entries are added from database threads and read from the event loop, hence the lock.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from dataclasses import asdict, dataclass

from mockcml.kit.wire import timestamp


@dataclass(frozen=True)
class UnknownField:
    id: int
    operation_id: str
    method: str
    path: str  # the request path
    field: str  # where in the body: "description", "recipients[0].bogus"
    caller: str
    at: float

    def to_dict(self) -> dict:
        out = asdict(self)
        out["at"] = timestamp(self.at)
        return out


class UnknownFields:
    """A bounded, thread-safe list of unknown fields, oldest first."""

    def __init__(self, size: int = 10_000) -> None:
        self._entries: deque[UnknownField] = deque(maxlen=size)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def record(self, operation_id: str, method: str, path: str, fields: list[str],
               caller: str, at: float) -> None:
        with self._lock:
            for name in fields:
                self._entries.append(UnknownField(next(self._ids), operation_id, method, path,
                                                  name, caller, at))

    def find(self, operation_id: str | None = None, caller: str | None = None) -> list[dict]:
        with self._lock:
            entries = list(self._entries)
        return [e.to_dict() for e in entries
                if (operation_id is None or e.operation_id == operation_id)
                and (caller is None or e.caller == caller)]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
