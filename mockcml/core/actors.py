"""What handlers hand to services, typed by shape rather than by class.

A handler has the caller as an :class:`~mockcml.core.auth.Caller` (read from the key
lookup, not an ORM ``User``) and the checked project as a plain-SQL row
(:class:`~mockcml.kit.sql.Row`, not an ORM ``Project``); fixtures and services may hold
the ORM objects instead. Services declare these read-only protocols so that both kinds
are accepted and so that a service cannot write to a row that would never be saved.
"""

from __future__ import annotations

from typing import Protocol, TypeAlias

from sqlmodel import Session

from mockcml.core.db import UnitOfWork

# Where plain-SQL reads (kit.sql) may run: a request's unit of work or an ORM session.
Reader: TypeAlias = Session | UnitOfWork


class Named(Protocol):
    """What the wire shows of a user (ShortUser): a users row, a Caller, a joined row."""

    @property
    def username(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def email(self) -> str: ...


class Actor(Named, Protocol):
    """The user a call acts as (Caller, or a users row that has an id)."""

    @property
    def id(self) -> int: ...
    @property
    def is_admin(self) -> bool: ...


class ProjectRef(Protocol):
    """A project's columns, read-only (an ORM Project or a plain-SQL projects row)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def slug(self) -> str: ...
    @property
    def owner_id(self) -> int: ...
    @property
    def creator_id(self) -> int: ...
    @property
    def description(self) -> str: ...
    @property
    def visibility(self) -> str: ...
    @property
    def default_engine_type(self) -> str: ...
    @property
    def creation_status(self) -> str: ...
    @property
    def shared_memory_limit(self) -> int: ...
    @property
    def environment(self) -> str: ...
    @property
    def ephemeral_storage_request(self) -> int: ...
    @property
    def ephemeral_storage_limit(self) -> int: ...
    @property
    def template(self) -> str: ...
    @property
    def git_url(self) -> str: ...
    @property
    def created_at(self) -> float: ...
    @property
    def updated_at(self) -> float: ...
