"""The fault list in the database: one list for every worker, counts spent exactly once.

Each worker keeps the list in memory for matching and reloads it when ``faults_gen`` moves
(``state.DatabaseState.sync``, at the start of every request). A fault with a count is
spent in SQL (``UPDATE ... WHERE count > 0 RETURNING``): N workers matching at once cannot
fire it more than ``count`` times; a worker whose copy is stale finds no row and the call
goes on unfaulted.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING

from mockcml.control.faults import Fault, FaultBook, check

if TYPE_CHECKING:
    from mockcml.control.shared.state import DatabaseState

_SPEC = [f.name for f in fields(Fault) if f.name not in ("id", "hits")]
_SELECT = f"SELECT id, {', '.join(_SPEC)}, hits, seed FROM mock_faults ORDER BY id"


class SharedFaultBook(FaultBook):
    def __init__(self, shared: DatabaseState) -> None:
        super().__init__()
        self.shared = shared
        self._seeded: set[str] = set()

    def _rows(self) -> list[tuple[Fault, int | None]]:
        out = []
        for row in self.shared.execute(_SELECT):
            values = dict(zip(["id", *_SPEC, "hits"], row[:-1], strict=True))
            out.append((Fault(**{**values, "id": f"fault-{values['id']}"}), row[-1]))
        return out

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
        names = [*_SPEC, "seed"]
        values = {**{name: spec.get(name) for name in _SPEC}, "seed": seed}
        values["message"] = values["message"] or "injected fault"
        values["delay"] = values["delay"] or 0.0
        row = self.shared.execute(
            f"INSERT INTO mock_faults ({', '.join(names)}, hits) VALUES "
            f"({', '.join(f'%({n})s' for n in names)}, 0) RETURNING id", values)[0]
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
