"""Walk a workspace through API v2 and keep what a scenario needs, as the API answered it.

The reader only asks; ``scenario.py`` decides what becomes fixture fields. It works on any
*source* with ``get``, ``pages``, ``download`` and ``now`` (``client.HttpSource`` for a real
workspace, ``control.export.LocalSource`` for mockcml's own state), so capture and export
read the same things the same way. Whatever cannot be read (a 403 on one project's
collaborators, a file over the size limit) is noted in ``skipped`` and the walk goes on.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import quote

from mockcml.capture.admin import read_admin
from mockcml.capture.client import SourceError

# Stop probing user ids after this many ids in a row that do not exist.
USER_ID_GAP = 10


@dataclass
class Options:
    projects: list[str] = field(default_factory=list)  # names or globs; empty: every project
    runs: int = 10  # the last N runs of each job
    files: bool = False  # file contents too (listings always)
    max_file_bytes: int = 1_000_000


@dataclass
class Workspace:
    """What was read, as wire dicts; children hang off their parent under ``_`` keys."""

    now: float
    me: str = ""  # username of the capturing key
    users: list[dict[str, Any]] = field(default_factory=list)  # id, username, name, email
    runtimes: list[dict[str, Any]] = field(default_factory=list)
    projects: list[dict[str, Any]] = field(default_factory=list)
    registry: list[dict[str, Any]] = field(default_factory=list)
    # Site administration, already in the form of fixture sections (capture/admin.py).
    admin: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n


Progress = Callable[[str], None]


def _q(value: str) -> str:
    return quote(value, safe="")


class Reader:
    def __init__(self, source: Any, options: Options, progress: Progress | None = None) -> None:
        self.source = source
        self.options = options
        self.progress = progress or (lambda _text: None)

    def read(self) -> Workspace:
        ws = Workspace(now=self.source.now())
        ws.me = self._whoami()
        self.progress("runtimes")
        ws.runtimes = list(self.source.pages("/api/v2/runtimes", "runtimes"))
        ws.count("runtimes", len(ws.runtimes))
        projects = list(self.source.pages("/api/v2/projects", "projects",
                                          {"include_all_projects": "true",
                                           "include_public_projects": "true"}))
        chosen = [p for p in projects if self._wanted(p)]
        if len(chosen) < len(projects):
            ws.skipped.append(f"{len(projects) - len(chosen)} projects not matching --project")
        for index, project in enumerate(chosen, start=1):
            self.progress(f"project {index}/{len(chosen)}: {project['name']}")
            ws.projects.append(self._project(ws, project))
        self.progress("model registry")
        self._registry(ws)
        self.progress("site administration")
        ws.admin = read_admin(self.source, lambda what, func, default: self._try(
            ws, what, func, default))
        for name, items in ws.admin.items():
            ws.count(name.replace("_", " "), len(items))
        self.progress("users")
        ws.users = self._users(ws)
        return ws

    # -- helpers --------------------------------------------------------------------------

    def _whoami(self) -> str:
        try:
            return self.source.post_json("/api/v2/auth/validate_key",
                                         {"audience": "API"}).get("username", "")
        except (SourceError, AttributeError):
            return ""

    def _wanted(self, project: dict[str, Any]) -> bool:
        patterns = self.options.projects
        if not patterns:
            return True
        names = (project["name"], f"{project['owner']['username']}/{project['name']}")
        return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns for name in names)

    def _try(self, ws: Workspace, what: str, func: Callable[[], Any], default: Any) -> Any:
        try:
            return func()
        except SourceError as exc:
            ws.skipped.append(f"{what}: HTTP {exc.status} {exc.message}")
            return default

    # -- projects -------------------------------------------------------------------------

    def _project(self, ws: Workspace, project: dict[str, Any]) -> dict[str, Any]:
        pid = project["id"]
        base = f"/api/v2/projects/{_q(pid)}"
        name = f"{project['owner']['username']}/{project['name']}"
        out = dict(self._try(ws, f"project {name}", lambda: self.source.get(base), project))
        ws.count("projects")
        out["_collaborators"] = self._try(
            ws, f"collaborators of {name}",
            lambda: list(self.source.pages(f"{base}/collaborators", "collaborators")), [])
        out["_jobs"] = self._try(ws, f"jobs of {name}", lambda: self._jobs(ws, base), [])
        out["_applications"] = self._try(
            ws, f"applications of {name}",
            lambda: list(self.source.pages(f"{base}/applications", "applications")), [])
        ws.count("applications", len(out["_applications"]))
        out["_models"] = self._try(ws, f"models of {name}", lambda: self._models(ws, base), [])
        out["_files"] = self._try(ws, f"files of {name}", lambda: self._files(ws, pid, name), [])
        out["_experiments"] = self._try(ws, f"experiments of {name}",
                                        lambda: self._experiments(ws, base), [])
        return out

    def _jobs(self, ws: Workspace, base: str) -> list[dict[str, Any]]:
        jobs = list(self.source.pages(f"{base}/jobs", "jobs"))
        for job in jobs:
            runs: list[dict[str, Any]] = []
            if self.options.runs > 0:
                # Newest first, then kept oldest first as a fixture lists them.
                path = f"{base}/jobs/{_q(job['id'])}/runs"
                for run in self.source.pages(path, "job_runs", {"sort": "-created_at"}):
                    runs.append(run)
                    if len(runs) >= self.options.runs:
                        break
            job["_runs"] = list(reversed(runs))
            ws.count("jobs")
            ws.count("job runs", len(runs))
        return jobs

    def _models(self, ws: Workspace, base: str) -> list[dict[str, Any]]:
        models = list(self.source.pages(f"{base}/models", "models"))
        for model in models:
            mbase = f"{base}/models/{_q(model['id'])}"
            builds = self._oldest_first(f"{mbase}/builds", "model_builds")
            for build in builds:
                deployments = self._oldest_first(
                    f"{mbase}/builds/{_q(build['id'])}/deployments", "model_deployments")
                build["_deployments"] = deployments
                ws.count("model deployments", len(deployments))
            model["_builds"] = builds
            ws.count("models")
            ws.count("model builds", len(builds))
        return models

    def _oldest_first(self, path: str, key: str, when: str = "created_at") -> list[dict[str, Any]]:
        """Every item of a list operation, oldest first (as a fixture lists them)."""
        items = list(self.source.pages(path, key))
        items.sort(key=lambda item: (item.get(when) or "", item["id"]))
        return items

    def _files(self, ws: Workspace, pid: str, name: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        pending = [""]
        while pending:
            directory = pending.pop(0)
            listing = self.source.get(
                f"/api/v2/projects/{_q(pid)}/files/{quote(directory, safe='/')}")
            for entry in listing.get("files") or []:
                path = f"{directory}/{entry['path']}" if directory else entry["path"]
                if entry.get("is_dir"):
                    out.append({"path": path, "is_dir": True})
                    pending.append(path)
                    continue
                size = int(entry.get("file_size") or 0)
                item: dict[str, Any] = {"path": path, "is_dir": False, "size": size}
                if self.options.files:
                    if size > self.options.max_file_bytes:
                        ws.skipped.append(f"content of {name}:{path} ({size} bytes, over "
                                          f"--max-file-bytes {self.options.max_file_bytes})")
                    else:
                        item["content"] = self._try(
                            ws, f"content of {name}:{path}",
                            partial(self.source.download, pid, path,
                                    self.options.max_file_bytes),
                            None)
                out.append(item)
                ws.count("files")
        return out

    def _experiments(self, ws: Workspace, base: str) -> list[dict[str, Any]]:
        experiments = list(self.source.pages(f"{base}/experiments", "experiments"))
        for experiment in experiments:
            ebase = f"{base}/experiments/{_q(experiment['id'])}"
            runs = self._oldest_first(f"{ebase}/runs", "experiment_runs", "start_time")
            for run in runs:
                history: dict[str, list[dict[str, Any]]] = {}
                for metric in (run.get("data") or {}).get("metrics") or []:
                    key = metric["key"]
                    answer = self._try(
                        ws, f"metric {key} of experiment run {run['id']}",
                        partial(self.source.get,
                                f"{ebase}/runs/{_q(run['id'])}/metrics/{_q(key)}"), {})
                    history[key] = answer.get("metrics") or [metric]
                run["_metrics"] = history
            experiment["_runs"] = runs
            ws.count("experiments")
            ws.count("experiment runs", len(runs))
        return experiments

    # -- workspace-wide ---------------------------------------------------------------------

    def _registry(self, ws: Workspace) -> None:
        def read() -> list[dict[str, Any]]:
            models = list(self.source.pages("/api/v2/registry/models", "models"))
            out = []
            for model in models:
                path = f"/api/v2/registry/models/{_q(model['model_id'])}"
                versions: list[dict[str, Any]] = []
                detail = model
                for page in self._version_pages(path):
                    detail = page
                    versions.extend(page.get("model_versions") or [])
                out.append({**model, **{k: v for k, v in detail.items()
                                        if k not in ("model_versions", "next_page_token")},
                            "_versions": sorted(versions, key=lambda v: int(v.get("number") or 0))})
                ws.count("registered models")
                ws.count("registered model versions", len(versions))
            return out

        ws.registry = self._try(ws, "model registry", read, [])

    def _version_pages(self, path: str):  # noqa: ANN202
        query: dict[str, Any] = {"page_size": 100}
        seen: set[str] = set()
        while True:
            page = self.source.get(path, query)
            yield page
            token = page.get("next_page_token") or ""
            if not token or token in seen:
                return
            seen.add(token)
            query["page_token"] = token

    def _users(self, ws: Workspace) -> list[dict[str, Any]]:
        """Users by id (so ids survive when they are 1..N), then anyone seen but not found."""
        users = self.source.users() if hasattr(self.source, "users") else self._probe_users()
        if not hasattr(self.source, "users"):
            self._keys(ws, users)
        found = {u["username"] for u in users}
        for username in sorted(seen_usernames(ws) - found):
            users.append({"id": None, "username": username, "name": username, "email": ""})
        return users

    def _keys(self, ws: Workspace, users: list[dict[str, Any]]) -> None:
        """Each user's key details (never the secrets), where the capturing key may list them."""
        refused = 0
        for user in users:
            try:
                answer = self.source.get(f"/api/v2/users/{_q(user['username'])}/v2_keys")
            except SourceError:
                refused += 1
                continue
            user["keys"] = [{"audiences": k.get("audiences") or ["API"],
                             "expiry_date": k.get("expiry_date") or "",
                             "comments": k.get("comments") or ""}
                            for k in answer.get("keys") or ()]
        if refused:
            ws.skipped.append(f"key details of {refused} users (not allowed to list their keys;"
                              " each gets one placeholder key)")

    def _probe_users(self) -> list[dict[str, Any]]:
        users: list[dict[str, Any]] = []
        user_id, misses = 1, 0
        while misses < USER_ID_GAP:
            try:
                user = self.source.get(f"/api/v2/users/{user_id}")
            except SourceError as exc:
                if exc.status not in (404, 400):
                    raise
                misses += 1
            else:
                if user.get("username"):
                    users.append({"id": user_id, **user})
                    misses = 0
                else:
                    misses += 1
            user_id += 1
        return users


def seen_usernames(ws: Workspace) -> set[str]:
    """Every username named anywhere in what was read."""
    names: set[str] = set()

    def visit(value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if key in ("owner", "creator", "user", "deployer") and isinstance(inner, dict):
                    if inner.get("username"):
                        names.add(inner["username"])
                visit(inner)
        elif isinstance(value, list):
            for inner in value:
                visit(inner)

    visit(ws.projects)
    visit(ws.registry)
    if ws.me:
        names.add(ws.me)
    return names
