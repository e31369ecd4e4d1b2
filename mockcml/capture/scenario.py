"""What the API answered, turned into a fixture scenario (``docs/fixtures.md``).

Ids, names, settings, relations and timestamps are written as read, so a server started
with the scenario answers the same lists and gets. Where the API does not say something
the format needs, the choice is documented in ``docs/capture.md``:

- API keys are never readable: every user gets placeholder keys (``<username>-placeholder-
  key``, then ``-2``...), with the audiences, expiry and comments of the real keys when
  those could be listed. The export keeps the secrets it knows from the fixtures.
- Something in progress (a run, an application starting, a build) is written with the
  phases it went through and its current phase lasting ``REMAINING`` seconds more
  (inferred: the API does not say how long it will take).
- Builds and deployments expose only some phase boundaries; the others are split with
  the mock's default phase lengths (inferred).
"""

from __future__ import annotations

from typing import Any

from mockcml.capture.reader import Workspace
from mockcml.capture.values import (
    COUNTS,
    REMAINING,
    as_int,
    env_map,
    epoch,
    placeholder,
    put,
    secs,
)
from mockcml.capture.workloads import Workloads
from mockcml.core.errors import InvalidArgument
from mockcml.kit.wire import parse_timestamp, timestamp
from mockcml.resources.experiment_runs.fixture import EXPERIMENT_RUN_STATUSES
from mockcml.resources.job_runs.fixture import RUN_STATUSES

_RUN_STATUS = {v: k for k, v in RUN_STATUSES.items()}
_EXP_RUN_STATUS = {v: k for k, v in EXPERIMENT_RUN_STATUSES.items()}


TIME_FIELDS = {"created_at", "starting_at", "running_at", "finished_at", "start_time",
               "end_time", "timestamp", "expiry_date"}


def shift_times(value: Any, seconds: float) -> Any:
    """Every time of a scenario moved by ``seconds`` (durations stay as they are)."""
    if isinstance(value, list):
        return [shift_times(v, seconds) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, inner in value.items():
        if key in TIME_FIELDS and isinstance(inner, str) and inner:
            inner = timestamp(parse_timestamp(inner) + seconds)
        out[key] = shift_times(inner, seconds)
    return out


class Converter(Workloads):
    def __init__(self, ws: Workspace, admins: set[str] | None = None,
                 files_dir: str | None = None) -> None:
        self.ws = ws
        self.now = ws.now
        self.admins = admins
        self.files_dir = files_dir  # where binary file contents go (relative to the output)
        self.binaries: dict[str, bytes] = {}  # relative path -> bytes, written by the caller
        self.skipped: list[str] = list(ws.skipped)
        self.runtimes: dict[str, dict[str, Any]] = {}
        self.user_names: dict[int, str] = {}
        self.projects: dict[str, dict[str, Any]] = {}  # id -> wire project
        self.experiments: dict[str, tuple[str, dict[str, str]]] = {}  # id -> (name, runs)
        self.registry_names: dict[str, str] = {}
        self.version_numbers: dict[str, int] = {}

    # -- the whole ----------------------------------------------------------------------

    def scenario(self) -> dict[str, Any]:
        ws = self.ws
        for user in ws.users:
            if user.get("id"):
                self.user_names[int(user["id"])] = user["username"]
        for model in ws.registry:
            self.registry_names[model["model_id"]] = model["name"]
            for version in model.get("_versions", ()):
                self.version_numbers[version["model_version_id"]] = as_int(version.get("number"))
        for runtime in ws.runtimes:
            self.runtimes[runtime["image_identifier"]] = self._runtime(runtime)
        names: dict[str, list[dict[str, Any]]] = {}
        for project in ws.projects:
            self.projects[project["id"]] = project
            names.setdefault(project["name"], []).append(project)
        self.unique_names = {n for n, ps in names.items() if len(ps) == 1}
        projects = [self._project(p) for p in ws.projects]
        out: dict[str, Any] = {"version": 1, "users": self._users()}
        out["runtimes"] = list(self.runtimes.values())
        out["projects"] = projects
        registry = [self._registered(m) for m in ws.registry]
        if registry:
            out["registry"] = registry
        out.update(ws.admin)
        return {k: v for k, v in out.items() if v not in ([], None)}

    def _users(self) -> list[dict[str, Any]]:
        ordered = sorted((u for u in self.ws.users if u.get("id")), key=lambda u: int(u["id"]))
        ordered += [u for u in self.ws.users if not u.get("id")]
        out = []
        for user in ordered:
            username = user["username"]
            entry: dict[str, Any] = {"username": username}
            put(entry, "name", user.get("name"), username)
            put(entry, "email", user.get("email"), f"{username}@example.com")
            admin = user.get("admin")
            if self.admins is not None:
                admin = username in self.admins
            if admin:
                entry["admin"] = True
            keys = []
            # A key that works for the API comes first: "<username>-placeholder-key" is the
            # one to use (expired keys and application-only keys come after it).
            listed = sorted(user.get("keys") or [{}], key=lambda k: not self._works(k))
            for index, key in enumerate(listed):
                secret = key.get("key") or placeholder(username, index)
                item: dict[str, Any] = {"key": secret}
                audiences = key.get("audiences") or ["API"]
                if audiences != ["API"]:
                    item["audiences"] = audiences
                put(item, "expiry_date", key.get("expiry_date"))
                put(item, "comments", key.get("comments"))
                keys.append(item if len(item) > 1 else secret)
            entry["api_keys"] = keys
            out.append(entry)
        return out

    def _works(self, key: dict[str, Any]) -> bool:
        if "API" not in (key.get("audiences") or ["API"]):
            return False
        expiry = key.get("expiry_date")
        try:
            return not expiry or parse_timestamp(expiry) > self.now
        except InvalidArgument:
            return True

    def _user(self, short: dict[str, Any] | None) -> str | None:
        return (short or {}).get("username") or None

    def _runtime(self, runtime: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"image_identifier": runtime["image_identifier"]}
        for name in ("editor", "kernel", "edition", "description", "full_version"):
            out[name] = runtime.get(name) or ""
        put(out, "status", runtime.get("status"), "ENABLED")
        registered = self.user_names.get(as_int(runtime.get("register_user_id")))
        put(out, "register_user", registered)
        return out

    def _runtime_ref(self, image: str | None, where: str) -> str | None:
        """A runtime named by a workload; one missing from the list is added (disabled
        runtimes may not be listed), so that the reference holds."""
        if not image:
            return None
        if image not in self.runtimes:
            self.runtimes[image] = {"image_identifier": image}
            self.skipped.append(f"runtime {image} (named by {where}) was not listed; added "
                                "with details read off its name")
        return image

    # -- projects ------------------------------------------------------------------------

    def _project(self, p: dict[str, Any]) -> dict[str, Any]:
        owner = self._user(p.get("owner"))
        out: dict[str, Any] = {"id": p["id"], "name": p["name"], "owner": owner}
        put(out, "creator", self._user(p.get("creator")), owner)
        put(out, "description", p.get("description"))
        put(out, "visibility", p.get("visibility"), "private")
        put(out, "default_project_engine_type", p.get("default_engine_type"), "ml_runtime")
        put(out, "environment", env_map(p.get("environment")))
        put(out, "shared_memory_limit", as_int(p.get("shared_memory_limit")), 64)
        put(out, "ephemeral_storage_request", as_int(p.get("ephemeral_storage_request")), 0)
        put(out, "ephemeral_storage_limit", as_int(p.get("ephemeral_storage_limit")), 0)
        put(out, "created_at", p.get("created_at"))
        where = f"{owner}/{p['name']}"
        put(out, "collaborators", [
            {"user": c["user"]["username"], "permission": c["permission"]}
            for c in p.get("_collaborators", ()) if c["user"]["username"] != owner])
        jobs = p.get("_jobs", ())
        job_names = {j["id"]: j["name"] for j in jobs}
        put(out, "jobs", [self._job(j, job_names, where) for j in jobs])
        put(out, "applications", [self._app(a, where) for a in p.get("_applications", ())])
        put(out, "models", [self._model(m, where) for m in p.get("_models", ())])
        put(out, "files", [f for f in (self._file(f, p) for f in p.get("_files", ())) if f])
        put(out, "experiments", [self._experiment(e) for e in p.get("_experiments", ())])
        return out

    def _job(self, j: dict[str, Any], job_names: dict[str, str], where: str) -> dict[str, Any]:
        out: dict[str, Any] = {"id": j["id"], "name": j["name"], "script": j.get("script") or ""}
        put(out, "creator", self._user(j.get("creator")))
        put(out, "created_at", j.get("created_at"))
        self._workload(out, j, f"job {where}/{j['name']}")
        put(out, "schedule", j.get("schedule"))
        put(out, "timezone", j.get("timezone"), "America/Los_Angeles")
        parent = job_names.get(j.get("parent_id") or "")
        if parent and not j.get("schedule"):
            out["parent"] = parent
        put(out, "timeout", as_int(j.get("timeout")), 0)
        for flag in ("kill_on_timeout", "paused", "retry_enabled", "retry_for_script_failure",
                     "retry_for_system_failure", "retry_for_timedout_runs",
                     "retry_for_skipped_runs"):
            put(out, flag, bool(j.get(flag)), False)
        put(out, "max_retry", as_int(j.get("max_retry")), 0)
        put(out, "retry_delay", as_int(j.get("retry_delay")), 0)
        put(out, "environment", env_map(j.get("environment")))
        put(out, "arguments", j.get("arguments"))
        put(out, "recipients", [{k: v for k, v in r.items() if v not in (False, None, "")}
                                 for r in j.get("recipients") or ()])
        put(out, "attachments", j.get("attachments"))
        for name in ("success_recipients", "failure_recipients", "timeout_recipients",
                     "stopped_recipients"):
            put(out, name, j.get(name))
        put(out, "run_as", as_int(j.get("run_as")), 0)
        for name in COUNTS:
            put(out, name, as_int(j.get(name)), 0)
        put(out, "runs", [self._run(r, j) for r in j.get("_runs", ())])
        return out

    def _run(self, r: dict[str, Any], job: dict[str, Any]) -> dict[str, Any]:
        status = _RUN_STATUS.get(r.get("status") or "", "unknown")
        out: dict[str, Any] = {"id": r["id"], "status": status, "created_at": r["created_at"]}
        job_env = env_map(job.get("environment"))
        env = env_map(r.get("environment"))
        if env != job_env:
            out["environment"] = {k: v for k, v in env.items() if job_env.get(k) != v}
        if (r.get("arguments") or "") != (job.get("arguments") or ""):
            out["arguments"] = r.get("arguments") or ""
        creator = self._user(r.get("creator"))
        if creator and creator != self._user(job.get("creator")):
            out["creator"] = creator
        created = epoch(r["created_at"])
        starting = epoch(r.get("starting_at"))
        running = epoch(r.get("running_at"))
        if status == "skipped":
            put(out, "finished_at", r.get("finished_at"))
            return out
        if created is None:  # the API always sets it; without it a run has no place in time
            raise ValueError(f"job run {r['id']} has no created_at")
        if status in ("scheduling", "starting", "running"):
            began = {"scheduling": created, "starting": starting, "running": running}[status]
            for name in ("starting_at", "running_at")[:("scheduling", "starting",
                                                        "running").index(status)]:
                put(out, name, r.get(name))
            out[status] = secs(self.now - (began or created) + REMAINING)
            return out
        put(out, "starting_at", r.get("starting_at"))
        put(out, "running_at", r.get("running_at"))
        if status == "stopping":
            # The stop was asked for a moment ago; it ends like any stop from loading on.
            out["running"] = secs(self.now - (running or starting or created) - 1)
            return out
        finished = epoch(r.get("finished_at"))
        if finished is not None and running is None:
            # Ended before it ran: the phases it never reached last no time at all (the
            # format has no way to leave them out; their times equal the end). [inferred]
            out.pop("starting_at", None)
            out["scheduling"] = secs((starting if starting is not None else finished) - created)
            out["starting"] = secs(finished - starting) if starting is not None else 0
            out["running"] = 0
            return out
        put(out, "finished_at", r.get("finished_at"))
        return out

    def _file(self, f: dict[str, Any], project: dict[str, Any]) -> dict[str, Any] | None:
        if f.get("is_dir"):
            return {"path": f["path"].rstrip("/") + "/"}
        data = f.get("content")
        out: dict[str, Any] = {"path": f["path"]}
        if data is None:
            out["content"] = ""
            return out
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None and "\r" not in text and "\x00" not in text:
            out["content"] = text
            return out
        relative = f"{self.files_dir or 'files'}/{project['id']}/{f['path']}"
        self.binaries[relative] = data
        out["source"] = relative
        return out

    def _experiment(self, e: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"id": e["id"], "name": e["name"]}
        user = self._user(e.get("user"))
        put(out, "user", user)
        put(out, "created_at", e.get("created_at"))
        put(out, "artifact_location", e.get("artifact_location"))
        put(out, "tags", {t["key"]: t["value"] for t in e.get("tags") or ()})
        put(out, "lifecycle_stage", e.get("lifecycle_stage"), "active")
        runs = [self._experiment_run(r, user) for r in e.get("_runs", ())]
        self.experiments[e["id"]] = (e["name"], {r["id"]: r["name"] for r in e.get("_runs", ())})
        put(out, "runs", runs)
        return out

    def _experiment_run(self, r: dict[str, Any], user: str | None) -> dict[str, Any]:
        status = _EXP_RUN_STATUS.get(r.get("status") or "", "finished")
        out: dict[str, Any] = {"id": r["id"], "name": r["name"], "status": status}
        put(out, "start_time", r.get("start_time"))
        if status in ("finished", "failed", "killed"):
            put(out, "end_time", r.get("end_time"))
        run_user = self._user(r.get("user"))
        if run_user and run_user != user:
            out["user"] = run_user
        data = r.get("data") or {}
        metrics = {}
        for key, history in (r.get("_metrics") or {}).items():
            metrics[key] = [{"value": m["value"], "step": as_int(m.get("step")),
                             "timestamp": m["timestamp"]} for m in history]
        put(out, "metrics", metrics)
        put(out, "params", {p["key"]: p["value"] for p in data.get("params") or ()})
        put(out, "tags", {t["key"]: t["value"] for t in data.get("tags") or ()
                           if t["key"] != "mlflow.runName"})
        return out

    # -- registry ----------------------------------------------------------------------

    def _registered(self, m: dict[str, Any]) -> dict[str, Any]:
        owner = self._user(m.get("owner"))
        out: dict[str, Any] = {"id": m["model_id"], "name": m["name"], "owner": owner}
        put(out, "description", m.get("description"))
        put(out, "visibility", m.get("visibility"), "PRIVATE")
        put(out, "created_at", m.get("created_at"))
        versions: list[dict[str, Any]] = []
        for v in m.get("_versions", ()):
            meta = v.get("model_version_metadata") or {}
            mlflow = meta.get("mlflow_metadata") or {}
            project = self.projects.get(meta.get("project_id") or "")
            experiment = self.experiments.get(mlflow.get("experiment_id") or "")
            run = experiment[1].get(mlflow.get("run_id") or "") if experiment else None
            if project is None or experiment is None or run is None:
                self.skipped.append(f"version {v.get('number')} of registered model "
                                    f"{m['name']}: its project, experiment or run was not "
                                    "captured (later versions are renumbered)")
                continue
            name = project["name"]
            ref = name if name in self.unique_names else f"{project['owner']['username']}/{name}"
            entry: dict[str, Any] = {"id": v["model_version_id"], "project": ref,
                                     "experiment": experiment[0], "run": run}
            put(entry, "version_name", v.get("version_name"), f"v{len(versions) + 1}")
            put(entry, "notes", v.get("notes"))
            put(entry, "tags", {t["key"]: t["value"] for t in v.get("tags") or ()})
            put(entry, "user", self._user(v.get("user")), owner)
            put(entry, "created_at", v.get("created_at"))
            if v.get("status") == "REGISTERING":
                entry["status"] = "registering"
            versions.append(entry)
        put(out, "versions", versions)
        return out
