"""Runtime repository rules: a unique name and a unique http(s) URL; site administrators only.

[inferred] A repository is the address of a runtime catalogue, so the URL must be an
absolute http or https URL with a host; the real server's checks are not documented.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlmodel import Session, col

from mockcml.core.errors import AlreadyExists, InvalidArgument, NotFound
from mockcml.kit.forms import int_id, required_text
from mockcml.kit.listing import Listing, Page, page, substring
from mockcml.resources.runtime_repos.tables import RuntimeRepo

LISTING = Listing(
    filters={"id": substring(col(RuntimeRepo.id)), "name": substring(col(RuntimeRepo.name)),
             "url": substring(col(RuntimeRepo.url))},
    sorts={"id": col(RuntimeRepo.id), "name": col(RuntimeRepo.name), "url": col(RuntimeRepo.url)},
    tiebreak=col(RuntimeRepo.id),
    default_sort=(("id", False),),
    model="RuntimeRepo",
)


def wire(repo: RuntimeRepo) -> dict[str, Any]:
    return {"id": repo.id, "name": repo.name, "url": repo.url}


def list_repos(session: Session, params: dict[str, Any]) -> Page:
    return page(session, select(RuntimeRepo), LISTING, params)


def _url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidArgument(f"url must be an http or https URL, not {value!r}")
    return value


def _unique(session: Session, field: str, value: str, keep: int | None = None) -> None:
    column = getattr(RuntimeRepo, field)
    found = session.execute(select(col(RuntimeRepo.id)).where(column == value)).scalar()
    if found is not None and found != keep:
        raise AlreadyExists(f"a runtime repo with {field} {value!r} already exists")


def get_repo(session: Session, raw_id: Any) -> RuntimeRepo:
    repo_id = int_id(raw_id, "runtime repo id")
    repo = session.get(RuntimeRepo, repo_id)
    if repo is None:
        raise NotFound(f"runtime repo {repo_id} not found")
    return repo


def repo_row(body: dict[str, Any], now: float) -> dict[str, Any]:
    """A new repo's fields (name and URL checked), for CreateRuntimeRepo and fixtures."""
    return {"name": required_text(body, "name"), "url": _url(required_text(body, "url")),
            "created_at": now}


def create_repo(session: Session, body: dict[str, Any], now: float) -> RuntimeRepo:
    row = repo_row(body, now)
    _unique(session, "name", row["name"])
    _unique(session, "url", row["url"])
    repo = RuntimeRepo(**row)
    session.add(repo)
    session.flush()
    return repo


def update_repo(session: Session, body: dict[str, Any]) -> RuntimeRepo:
    """Partial update: only the fields sent (and not blank) change."""
    repo = get_repo(session, body.get("id"))
    changes: dict[str, str] = {}
    if "name" in body:
        changes["name"] = required_text(body, "name")
    if "url" in body:
        changes["url"] = _url(required_text(body, "url"))
    for field, value in changes.items():
        _unique(session, field, value, keep=repo.id)
    for field, value in changes.items():
        setattr(repo, field, value)
    session.flush()
    return repo


def delete_repo(session: Session, raw_id: Any) -> None:
    session.delete(get_repo(session, raw_id))
