"""The fault list in the database: one list for every worker, counts spent exactly once.

Each worker keeps the list in memory for matching and reloads it when ``faults_gen`` moves
(``state.DatabaseState.sync``, at the start of every request). A fault with a count is
spent in SQL (``UPDATE ... WHERE count > 0 RETURNING``): N workers matching at once cannot
fire it more than ``count`` times; a worker whose copy is stale finds no row and the call
goes on unfaulted.
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import TYPE_CHECKING

from mockcml.control.faults import Fault, FaultBook, check

if TYPE_CHECKING:
    from mockcml.control.shared.state import DatabaseState

# What a fault matches and answers, stored as JSON; its count and hits are columns.
_SPEC = [f.name for f in fields(Fault) if f.name not in ("id", "count", "hits")]


class SharedFaultBook(FaultBook):
    def __init__(self, shared: DatabaseState) -> None:
        super().__init__()
        self.shared = shared
        self._seeded: set[str] = set()

    def _rows(self) -> list[tuple[Fault, int | None]]:
        rows = self.shared.execute("SELECT id, spec, count, hits, seed FROM mock_faults "
                                   "ORDER BY id")
        return [(Fault(id=f"fault-{key}", **json.loads(spec), count=count, hits=hits), seed)
                for key, spec, count, hits, seed in rows]

    def reload(self) -> None:
        faults = {}
        for fault, seed in self._rows():
            # A seeded rate fault reseeds each worker once, as it reseeds the one process.
            if seed is not None and fault.id not in self._seeded:
                self.rng.seed(seed)
            self._seeded.add(fault.id)
            faults[fault.id] = fault
        self.faults = faults  # one rebind: a take() running meanwhile keeps the old dict

    def add(self, **spec: object) -> Fault:
        seed = check(spec)
        matching = Fault(id="", **spec)  # type: ignore[arg-type]  # checked by the route
        row = self.shared.execute(
            "INSERT INTO mock_faults (spec, count, hits, seed) VALUES (%(spec)s, %(count)s, 0,"
            " %(seed)s) RETURNING id",
            {"spec": json.dumps({name: getattr(matching, name) for name in _SPEC}),
             "count": matching.count, "seed": seed})[0]
        self.shared.bump_faults()
        self.reload()
        return self.faults[f"fault-{row[0]}"]

    def count(self, fault: Fault) -> bool:
        key = int(fault.id.removeprefix("fault-"))
        if fault.count is None:
            self.shared.execute("UPDATE mock_faults SET hits = hits + 1 WHERE id = %(id)s",
                                {"id": key})
            return True
        rows = self.shared.execute(
            "UPDATE mock_faults SET count = count - 1, hits = hits + 1 "
            "WHERE id = %(id)s AND count > 0 RETURNING count", {"id": key})
        if not rows:
            fault.count = 0  # spent by another worker
            return False
        fault.count = rows[0][0]
        return True

    def listed(self) -> list[dict]:
        return [fault.to_dict() for fault, _seed in self._rows()]

    def remove(self, fault_id: str) -> bool:
        key = fault_id.removeprefix("fault-")
        if not key.isdigit():
            return False
        gone = self.shared.execute("DELETE FROM mock_faults WHERE id = %(id)s RETURNING id",
                                   {"id": int(key)})
        self.shared.bump_faults()
        self.reload()
        return bool(gone)

    def clear(self) -> None:
        self.shared.execute("DELETE FROM mock_faults")
        self.shared.bump_faults()
        self.reload()
