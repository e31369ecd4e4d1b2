"""Fault injection: make matching calls fail, slow down or be throttled.

A fault matches an operationId or a path pattern (``fnmatch`` style, ``*`` spans
slashes), optionally one method. It fires for the next ``count`` matching calls, or for a
fraction ``rate`` of them, and answers CML's envelope with the given HTTP status and gRPC
code (``Retry-After`` for throttling), or only delays the call. A faulted call never
reaches its handler, so it changes no state.
"""

from __future__ import annotations

import fnmatch
import itertools
import random
from dataclasses import asdict, dataclass

from mockcml.core.errors import HTTP_TO_GRPC


@dataclass
class Fault:
    id: str
    operation_id: str | None = None
    path: str | None = None
    method: str | None = None
    status: int | None = None
    code: int | None = None
    message: str = "injected fault"
    count: int | None = None  # remaining calls to fault; None: unlimited
    rate: float | None = None  # fraction of matching calls to fault
    delay: float = 0.0
    retry_after: int | None = None
    hits: int = 0

    def matches(self, method: str, path: str, operation_id: str) -> bool:
        if self.method and self.method.upper() != method:
            return False
        if self.operation_id and self.operation_id != operation_id:
            return False
        if self.path and not fnmatch.fnmatchcase(path, self.path):
            return False
        return self.count is None or self.count > 0

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def grpc_code(self) -> int:
        if self.code is not None:
            return self.code
        return HTTP_TO_GRPC.get(self.status or 500, 2)


class FaultBook:
    def __init__(self, seed: int | None = None) -> None:
        self.faults: dict[str, Fault] = {}
        self._ids = itertools.count(1)
        self.rng = random.Random(seed)

    def add(self, **spec: object) -> Fault:
        seed = check(spec)
        if seed is not None:
            self.rng.seed(seed)
        fault = Fault(id=f"fault-{next(self._ids)}", **spec)  # type: ignore[arg-type]
        self.faults[fault.id] = fault
        return fault

    def take(self, method: str, path: str, operation_id: str) -> Fault | None:
        """The fault this call suffers, if any (counting it)."""
        for fault in self.faults.values():
            if not fault.matches(method, path, operation_id):
                continue
            if fault.rate is not None and self.rng.random() >= fault.rate:
                continue
            if not self.count(fault):
                continue
            return fault
        return None

    def count(self, fault: Fault) -> bool:
        """Count one hit of ``fault``; False if its count ran out meanwhile."""
        if fault.count is not None:
            fault.count -= 1
        fault.hits += 1
        return True

    def listed(self) -> list[dict]:
        return [f.to_dict() for f in self.faults.values()]

    def reload(self) -> None:
        """Only a shared fault list (control/shared/faults.py) has anything to reload."""

    def remove(self, fault_id: str) -> bool:
        return self.faults.pop(fault_id, None) is not None

    def clear(self) -> None:
        self.faults.clear()


def check(spec: dict[str, object]) -> int | None:
    """Refuse a fault that cannot fire (ValueError); pops and returns its ``seed``."""
    if not spec.get("operation_id") and not spec.get("path"):
        raise ValueError("a fault needs an operation_id or a path pattern")
    if spec.get("status") is None and not spec.get("delay"):
        raise ValueError("a fault needs a status, a delay, or both")
    rate = spec.get("rate")
    if rate is not None and not 0 < float(rate) <= 1:  # type: ignore[arg-type]
        raise ValueError("rate must be in (0, 1]")
    return spec.pop("seed", None)  # type: ignore[return-value]  # checked by the control route
