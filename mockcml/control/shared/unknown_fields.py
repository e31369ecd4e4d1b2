"""The unknown-field report in the database, bounded like the in-memory one.

Recorded from the request's database thread in its own autocommit statement: a request
refused for its unknown field (``--strict``) rolls its unit of work back, and the record
must stay.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockcml.control.unknown_fields import UnknownField, UnknownFields

if TYPE_CHECKING:
    from mockcml.control.shared.state import DatabaseState

_COLUMNS = ("operation_id", "method", "path", "field", "caller", "at")


class SharedUnknownFields(UnknownFields):
    def __init__(self, shared: DatabaseState, size: int = 10_000) -> None:
        super().__init__(size)
        self.shared = shared
        self.size = size

    def record(self, operation_id: str, method: str, path: str, fields: list[str],
               caller: str, at: float) -> None:
        rows = [{"operation_id": operation_id, "method": method, "path": path, "field": name,
                 "caller": caller, "at": at} for name in fields]
        self.shared.execute(
            f"INSERT INTO mock_unknown_fields ({', '.join(_COLUMNS)}) VALUES "
            f"({', '.join(f'%({c})s' for c in _COLUMNS)})", rows)
        self.shared.execute("DELETE FROM mock_unknown_fields WHERE id <= "
                            "(SELECT max(id) FROM mock_unknown_fields) - %(size)s",
                            {"size": self.size})

    def find(self, operation_id: str | None = None, caller: str | None = None) -> list[dict]:
        rows = self.shared.execute(
            f"SELECT id, {', '.join(_COLUMNS)} FROM mock_unknown_fields "
            "WHERE (%(op)s::text IS NULL OR operation_id = %(op)s) "
            "AND (%(caller)s::text IS NULL OR caller = %(caller)s) ORDER BY id",
            {"op": operation_id, "caller": caller})
        return [UnknownField(*row).to_dict() for row in rows]

    def clear(self) -> None:
        self.shared.execute("DELETE FROM mock_unknown_fields")
