"""The ``runtime_repos`` section: runtime catalogue repositories, written by CreateRuntimeRepo's
own service function (URL rules, unique names and URLs)."""

from __future__ import annotations

from typing import Any

from mockcml.core.errors import ApiError
from mockcml.fixtures import kinds as k
from mockcml.fixtures.sections import Section, Seeding
from mockcml.resources.runtime_repos import service
from mockcml.resources.runtime_repos.tables import RuntimeRepo

RUNTIME_REPO = k.Record("RuntimeRepo", "A runtime repository: the fields of "
                        "CreateRuntimeRepoRequest.", (
    k.Field("name", k.Text(nonempty=True), "Name, unique.", required=True),
    k.Field("url", k.Text(nonempty=True), "http or https URL of its catalogue, unique.",
            required=True),
), key=("name",))


def _check(entries: list[dict[str, Any]]):  # noqa: ANN202
    urls: dict[str, dict] = {}
    for entry in entries:
        if "url" not in entry:
            continue
        try:
            service._url(entry["url"])
        except ApiError as error:
            yield entry, "url", error.message
        if entry["url"] in urls:
            yield entry, "url", f"{entry['url']!r} is already the URL of {urls[entry['url']]['name']!r}"
        urls.setdefault(entry["url"], entry)


def _seed(entries: list[dict[str, Any]], seeding: Seeding) -> None:
    # Names are unique by the record's key and URLs by _check: what create_repo asks the
    # database, the check has answered for the whole section.
    seeding.insert(RuntimeRepo, [service.repo_row(entry, seeding.now) for entry in entries])


SECTION = Section("runtime_repos", RUNTIME_REPO, "Runtime repositories.", "runtime repo",
                  check=_check, seed=_seed)
