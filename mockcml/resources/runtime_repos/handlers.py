"""HTTP side of runtime repos: every operation is site administration."""

from __future__ import annotations

from mockcml.kit.crud import admin_crud
from mockcml.resources.runtime_repos import service

admin_crud(
    "runtime repo administration", service.wire,
    listing=("ListRuntimeRepos", "runtimerepos", service.list_repos),
    create=("CreateRuntimeRepo", service.create_repo),
    update=("UpdateRuntimeRepo", lambda session, body, now: service.update_repo(session, body)),
    delete=("DeleteRuntimeRepo", "runtime_repo_id", service.delete_repo),
)
