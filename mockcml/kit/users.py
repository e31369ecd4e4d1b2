"""The ShortUser shape shared by every resource (creator, owner, user)."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy.orm import aliased

from mockcml.core.actors import Named
from mockcml.kit.listing import Matcher, substring
from mockcml.resources.users.tables import User

Owner = aliased(User, name="owner")
Creator = aliased(User, name="creator")


class ShortUser(NamedTuple):
    """A user's wire fields taken from a joined row's columns (``o_username``...): a named
    tuple, whose attributes are read in C, where a ``kit.sql.Row``'s go through Python
    (a page of 10 projects reads 60 of them)."""

    username: str
    name: str
    email: str


def short_user(user: Named | None) -> dict[str, str]:
    if user is None:
        return {"username": "", "name": "", "email": ""}
    return {"username": user.username, "name": user.name, "email": user.email}


def user_keys(prefix: str, alias) -> dict:
    """Filter/sort expressions for ``prefix.username``, ``prefix.name``, ``prefix.email``."""
    return {
        f"{prefix}.username": alias.username,
        f"{prefix}.name": alias.name,
        f"{prefix}.email": alias.email,
    }


def user_filters(prefix: str, alias) -> dict[str, Matcher]:  # noqa: ANN001
    """Substring filters on ``prefix.username``, ``prefix.name``, ``prefix.email``."""
    return {key: substring(column) for key, column in user_keys(prefix, alias).items()}
