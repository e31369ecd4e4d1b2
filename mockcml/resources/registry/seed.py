"""The model registry of fixture files: what is wrong with registered models and their
versions (including the project, experiment and run a version names), and their rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockcml.fixtures.facts import when
from mockcml.fixtures.timeline import Defaults
from mockcml.kit.rows import column_defaults
from mockcml.kit.sql import table_of
from mockcml.resources.registry.tables import RegisteredModel, RegisteredModelVersion, version_row

if TYPE_CHECKING:
    from mockcml.fixtures.load import Rows
    from mockcml.fixtures.validate import Checker as C
    from mockcml.fixtures.validate import Entry, Scenario

_REGISTERED_BASE = column_defaults(table_of(RegisteredModel))
_VERSION_BASE = column_defaults(table_of(RegisteredModelVersion))


def check(c: C, s: Scenario) -> None:
    by_name: dict[str, list[Entry]] = {}
    for project in s.projects:
        by_name.setdefault(project["name"], []).append(project)
    for model in s.registry:
        for name in ("owner", "creator"):
            c.ref_user(model, name, c.usernames)
        model_id = c.assign_id(model, "registered model", model["name"])
        for number, version in enumerate(model.get("versions", ()), start=1):
            c.ref_user(version, "user", c.usernames)
            c.assign_id(version, "model version", model_id, number)
            _version_source(c, version, by_name)


def _version_source(c: C, version: Entry, by_name: dict[str, list[Entry]]) -> None:
    """project (name or owner/name) -> experiment -> run, each by name."""
    text = version.get("project")
    if text is None:
        return
    candidates = by_name.get(text, [])
    if not candidates and "/" in text:
        owner, _, name = text.partition("/")
        candidates = [p for p in by_name.get(name, []) if p["owner"] == owner]
    if not candidates:
        c.ref(version, "project", by_name, "no project named {}")
        return
    if len(candidates) > 1:
        owners = ", ".join(sorted(p["owner"] for p in candidates))
        c.problem(version, "project", f"several projects are named {text!r} (owners "
                                         f"{owners}); write owner/{text}")
        return
    project = candidates[0]
    version["_project"] = project["_id"]
    experiments = {e["name"]: e for e in project.get("experiments", ())}
    where = f" in project {project['name']!r}"
    if "experiment" not in version or not c.ref(
            version, "experiment", experiments, "no experiment named {}" + where):
        return
    experiment = experiments[version["experiment"]]
    version["_experiment"] = experiment["_id"]
    runs = {r["name"]: r for r in experiment.get("runs", ())}
    where = f" in experiment {experiment['name']!r}"
    if "run" in version and c.ref(version, "run", runs, "no run named {}" + where):
        version["_run"] = runs[version["run"]]["_id"]


def add_rows(rows: Rows, scenario: Scenario, ids: dict[str, int], base: float, now: float,
              defaults: Defaults) -> None:
    settings = rows.settings
    workspace = f"http://{settings.host}:{settings.port}" if settings is not None else ""
    for index, model in enumerate(scenario.registry):
        created = when(model, "created_at", base + index, now)
        owner = ids[model["owner"]]
        versions = []
        for number, version in enumerate(model.get("versions", ()), start=1):
            version_created = when(version, "created_at", created + number, now)
            source = {**version, "project_id": version.get("_project"),
                      "experiment_id": version.get("_experiment"), "run_id": version.get("_run"),
                      "workspace_url": workspace}
            versions.append({**_VERSION_BASE, **version_row(
                version["_id"], model["_id"], number, source,
                list((version.get("tags") or {}).items()),
                ids[version["user"]] if version.get("user") else owner, version_created,
                registered_at(version, version_created, now, defaults))})
        rows.add(table_of(RegisteredModel), {
            **_REGISTERED_BASE, "id": model["_id"], "name": model["name"],
            "description": model.get("description") or "",
            "visibility": model.get("visibility") or "PRIVATE",
            "creator_id": ids[model["creator"]] if model.get("creator") else owner,
            "owner_id": owner, "last_number": len(versions), "created_at": created,
            "updated_at": max([created] + [v["created_at"] for v in versions]),
        })
        for row in versions:
            rows.add(table_of(RegisteredModelVersion), row)



def registered_at(version: dict[str, Any], created: float, now: float,
                  defaults: Defaults) -> float:
    """A registering version finishes its copy like one registered now."""
    if version.get("status") == "registering":
        return now + defaults.length("register_seconds") * defaults.scale
    return created
