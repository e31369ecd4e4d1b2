"""Users of fixture files and their API keys: what is wrong with the keys, and the rows
users and keys become (through ``user_row`` and ``key_row``, as the API makes them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockcml.fixtures.timeline import at
from mockcml.kit.ids import stable_id
from mockcml.kit.rows import column_defaults
from mockcml.kit.sql import table_of
from mockcml.kit.wire import timestamp
from mockcml.resources.users.tables import ApiKey, User, key_row, user_row

if TYPE_CHECKING:
    from mockcml.fixtures.load import Rows
    from mockcml.fixtures.validate import Checker as C
    from mockcml.fixtures.validate import Entry, Scenario


def check_keys(c: C, s: Scenario) -> None:
    """Each secret belongs to one user; a later file repeating a user's key adds nothing."""
    seen: dict[str, tuple[str, Entry]] = {}
    for user in s.users:
        kept = []
        for key in user.get("api_keys", []):
            secret = key["key"]
            if secret in seen:
                owner, first = seen[secret]
                if not (owner == user["username"] and first == key and first.file != key.file):
                    c.problem(key, "key", f"duplicate API key (already given to user "
                                          f"{owner!r} at {c.where(first, 'key')})")
                continue
            seen[secret] = (user["username"], key)
            kept.append(key)
        if "api_keys" in user:
            user["api_keys"] = kept


def add_rows(rows: Rows, s: Scenario, ids: dict[str, int], created: float, now: float) -> None:
    """Users numbered from 1 in scenario order (``ids`` learns them), then their keys."""
    user_base = column_defaults(table_of(User))
    key_base = column_defaults(table_of(ApiKey))
    for number, user in enumerate(s.users, start=1):
        username = user["username"]
        ids[username] = number
        rows.add(table_of(User), {**user_base, "id": number, **user_row(
            username, user.get("name"), user.get("email"), bool(user.get("admin", False)),
            created)})
        for index, key in enumerate(user.get("api_keys", [])):
            expiry = key.get("expiry_date")
            rows.add(table_of(ApiKey), {**key_base, **key_row(
                stable_id("api-key", username, index), number, key["key"], key.get("audiences"),
                key.get("comments"), timestamp(at(expiry, now)) if expiry is not None else "",
                created)})
