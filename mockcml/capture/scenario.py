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

import json
from typing import Any

from mockcml.capture.reader import Workspace
from mockcml.core.errors import InvalidArgument
from mockcml.fixtures import schema
from mockcml.kit.wire import parse_timestamp, timestamp

REMAINING = 3600.0  # seconds an in-progress phase still lasts in the written scenario

_RUN_STATUS = {v: k for k, v in schema.RUN_STATUSES.items()}
_APP_STATUS = {v: k for k, v in schema.APP_STATUSES.items()}
_BUILD_STATUS = {v: k for k, v in schema.BUILD_STATUSES.items()}
_EXP_RUN_STATUS = {v: k for k, v in schema.EXPERIMENT_RUN_STATUSES.items()}
_COUNTS = ("accelerator_label_id", "resource_group_id", "resource_profile_id")


def placeholder(username: str, index: int) -> str:
    return f"{username}-placeholder-key" + (f"-{index + 1}" if index else "")


def _epoch(text: str | None) -> float | None:
    return None if not text else parse_timestamp(text)


def _secs(value: float) -> float | int:
    value = max(0.0, round(value, 6))
    return int(value) if value == int(value) else value


def _env(text: Any) -> dict[str, str]:
    if isinstance(text, dict):
        return text
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _put(out: dict[str, Any], name: str, value: Any, default: Any = None) -> None:
    """Write ``name`` unless it says nothing (empty) or what the format assumes anyway."""
    if value is None or value == default or value in ("", [], {}):
        return
    out[name] = value


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


class Converter:
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
                self.version_numbers[version["model_version_id"]] = _int(version.get("number"))
        for runtime in ws.runtimes:
            self.runtimes[runtime["image_identifier"]] = self._runtime(runtime)
        names = {}
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
        return {k: v for k, v in out.items() if v not in ([], None)}

    def _users(self) -> list[dict[str, Any]]:
        ordered = sorted((u for u in self.ws.users if u.get("id")), key=lambda u: int(u["id"]))
        ordered += [u for u in self.ws.users if not u.get("id")]
        out = []
        for user in ordered:
            username = user["username"]
            entry: dict[str, Any] = {"username": username}
            _put(entry, "name", user.get("name"), username)
            _put(entry, "email", user.get("email"), f"{username}@example.com")
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
                _put(item, "expiry_date", key.get("expiry_date"))
                _put(item, "comments", key.get("comments"))
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
        _put(out, "status", runtime.get("status"), "ENABLED")
        registered = self.user_names.get(_int(runtime.get("register_user_id")))
        _put(out, "register_user", registered)
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
        _put(out, "creator", self._user(p.get("creator")), owner)
        _put(out, "description", p.get("description"))
        _put(out, "visibility", p.get("visibility"), "private")
        _put(out, "default_project_engine_type", p.get("default_engine_type"), "ml_runtime")
        _put(out, "environment", _env(p.get("environment")))
        _put(out, "shared_memory_limit", _int(p.get("shared_memory_limit")), 64)
        _put(out, "ephemeral_storage_request", _int(p.get("ephemeral_storage_request")), 0)
        _put(out, "ephemeral_storage_limit", _int(p.get("ephemeral_storage_limit")), 0)
        _put(out, "created_at", p.get("created_at"))
        where = f"{owner}/{p['name']}"
        _put(out, "collaborators", [
            {"user": c["user"]["username"], "permission": c["permission"]}
            for c in p.get("_collaborators", ()) if c["user"]["username"] != owner])
        jobs = p.get("_jobs", ())
        job_names = {j["id"]: j["name"] for j in jobs}
        _put(out, "jobs", [self._job(j, job_names, where) for j in jobs])
        _put(out, "applications", [self._app(a, where) for a in p.get("_applications", ())])
        _put(out, "models", [self._model(m, where) for m in p.get("_models", ())])
        _put(out, "files", [f for f in (self._file(f, p) for f in p.get("_files", ())) if f])
        _put(out, "experiments", [self._experiment(e) for e in p.get("_experiments", ())])
        return out

    def _job(self, j: dict[str, Any], job_names: dict[str, str], where: str) -> dict[str, Any]:
        out: dict[str, Any] = {"id": j["id"], "name": j["name"], "script": j.get("script") or ""}
        _put(out, "creator", self._user(j.get("creator")))
        _put(out, "created_at", j.get("created_at"))
        _put(out, "runtime_identifier", self._runtime_ref(j.get("runtime_identifier"),
                                                          f"job {where}/{j['name']}"))
        _put(out, "runtime_addon_identifiers", j.get("runtime_addon_identifiers"))
        if j.get("kernel") in schema.KERNELS:
            out["kernel"] = j["kernel"]
        _put(out, "cpu", j.get("cpu"), 1)
        _put(out, "memory", j.get("memory"), 1)
        _put(out, "nvidia_gpu", j.get("nvidia_gpu"), 0)
        _put(out, "schedule", j.get("schedule"))
        _put(out, "timezone", j.get("timezone"), "America/Los_Angeles")
        parent = job_names.get(j.get("parent_id") or "")
        if parent and not j.get("schedule"):
            out["parent"] = parent
        _put(out, "timeout", _int(j.get("timeout")), 0)
        for flag in ("kill_on_timeout", "paused", "retry_enabled", "retry_for_script_failure",
                     "retry_for_system_failure", "retry_for_timedout_runs",
                     "retry_for_skipped_runs"):
            _put(out, flag, bool(j.get(flag)), False)
        _put(out, "max_retry", _int(j.get("max_retry")), 0)
        _put(out, "retry_delay", _int(j.get("retry_delay")), 0)
        _put(out, "environment", _env(j.get("environment")))
        _put(out, "arguments", j.get("arguments"))
        _put(out, "recipients", [{k: v for k, v in r.items() if v not in (False, None, "")}
                                 for r in j.get("recipients") or ()])
        _put(out, "attachments", j.get("attachments"))
        for name in ("success_recipients", "failure_recipients", "timeout_recipients",
                     "stopped_recipients"):
            _put(out, name, j.get(name))
        _put(out, "run_as", _int(j.get("run_as")), 0)
        for name in _COUNTS:
            _put(out, name, _int(j.get(name)), 0)
        _put(out, "runs", [self._run(r, j) for r in j.get("_runs", ())])
        return out

    def _run(self, r: dict[str, Any], job: dict[str, Any]) -> dict[str, Any]:
        status = _RUN_STATUS.get(r.get("status") or "", "unknown")
        out: dict[str, Any] = {"id": r["id"], "status": status, "created_at": r["created_at"]}
        job_env = _env(job.get("environment"))
        env = _env(r.get("environment"))
        if env != job_env:
            out["environment"] = {k: v for k, v in env.items() if job_env.get(k) != v}
        if (r.get("arguments") or "") != (job.get("arguments") or ""):
            out["arguments"] = r.get("arguments") or ""
        creator = self._user(r.get("creator"))
        if creator and creator != self._user(job.get("creator")):
            out["creator"] = creator
        created = _epoch(r["created_at"])
        starting = _epoch(r.get("starting_at"))
        running = _epoch(r.get("running_at"))
        if status == "skipped":
            _put(out, "finished_at", r.get("finished_at"))
            return out
        if status in ("scheduling", "starting", "running"):
            began = {"scheduling": created, "starting": starting, "running": running}[status]
            for name in ("starting_at", "running_at")[:("scheduling", "starting",
                                                        "running").index(status)]:
                _put(out, name, r.get(name))
            out[status] = _secs(self.now - (began or created) + REMAINING)
            return out
        _put(out, "starting_at", r.get("starting_at"))
        _put(out, "running_at", r.get("running_at"))
        if status == "stopping":
            # The stop was asked for a moment ago; it ends like any stop from loading on.
            out["running"] = _secs(self.now - (running or starting or created) - 1)
            return out
        finished = _epoch(r.get("finished_at"))
        if finished is not None and running is None:
            # Ended before it ran: the phases it never reached last no time at all (the
            # format has no way to leave them out; their times equal the end). [inferred]
            out.pop("starting_at", None)
            out["scheduling"] = _secs((starting if starting is not None else finished) - created)
            out["starting"] = _secs(finished - starting) if starting is not None else 0
            out["running"] = 0
            return out
        _put(out, "finished_at", r.get("finished_at"))
        return out

    def _app(self, a: dict[str, Any], where: str) -> dict[str, Any]:
        out: dict[str, Any] = {"id": a["id"], "name": a["name"], "subdomain": a["subdomain"]}
        _put(out, "description", a.get("description"))
        _put(out, "script", a.get("script"))
        _put(out, "creator", self._user(a.get("creator")))
        _put(out, "created_at", a.get("created_at"))
        _put(out, "runtime_identifier", self._runtime_ref(a.get("runtime_identifier"),
                                                          f"application {where}/{a['name']}"))
        _put(out, "runtime_addon_identifiers", a.get("runtime_addon_identifiers"))
        if a.get("kernel") in schema.KERNELS:
            out["kernel"] = a["kernel"]
        _put(out, "cpu", a.get("cpu"), 1)
        _put(out, "memory", a.get("memory"), 1)
        _put(out, "nvidia_gpu", a.get("nvidia_gpu"), 0)
        _put(out, "environment", _env(a.get("environment")))
        _put(out, "bypass_authentication", bool(a.get("bypass_authentication")), False)
        _put(out, "cdv_app", bool(a.get("cdv_app")), False)
        _put(out, "run_as", _int(a.get("run_as")), 0)
        for name in _COUNTS:
            _put(out, name, _int(a.get(name)), 0)
        status = _APP_STATUS.get(a.get("status") or "", "stopped")
        out["status"] = status
        start = _epoch(a.get("starting_at")) or _epoch(a.get("created_at")) or self.now
        running = _epoch(a.get("running_at"))
        stopped = _epoch(a.get("stopped_at"))
        updated = _epoch(a.get("updated_at")) or start
        if a.get("starting_at") and a.get("starting_at") != a.get("created_at"):
            out["starting_at"] = a["starting_at"]
        if status == "starting":
            out["starting"] = _secs(self.now - start + REMAINING)
            return out
        if running is not None:
            out["starting"] = _secs(running - start)
        if status == "running":
            return out
        if status == "failed":
            if running is not None and stopped is not None:
                out["running"] = _secs(stopped - running)
            return out
        if running is not None:
            out["running"] = _secs(updated - running)  # updated_at: when the stop was asked
        if status == "stopping":
            out["stopping"] = _secs(self.now - updated + REMAINING)
        elif stopped is not None:
            out["stopping"] = _secs(stopped - updated)
        return out

    def _model(self, m: dict[str, Any], where: str) -> dict[str, Any]:
        out: dict[str, Any] = {"id": m["id"], "name": m["name"]}
        _put(out, "description", m.get("description"))
        _put(out, "creator", self._user(m.get("creator")))
        _put(out, "created_at", m.get("created_at"))
        _put(out, "disable_authentication", m.get("auth_enabled") is False, False)
        _put(out, "access_key", m.get("access_key"))
        registered = self.registry_names.get(m.get("registered_model_id") or "")
        _put(out, "registered_model", registered)
        _put(out, "visibility", m.get("visibility"), "private")
        _put(out, "run_as", _int(m.get("run_as")), 0)
        for name in _COUNTS:
            _put(out, name, _int(m.get(name)), 0)
        res = m.get("default_resources") or {}
        resources = {k: _int(res.get(k)) for k in ("cpu_millicores", "memory_mb", "nvidia_gpus")
                     if k in res}
        if resources and resources != {"cpu_millicores": 1000, "memory_mb": 2048,
                                       "nvidia_gpus": 0}:
            out["default_resources"] = resources
        policy = m.get("default_replication_policy") or {}
        if policy and (_int(policy.get("num_replicas")) or 1, policy.get("type") or "fixed") != (
                1, "fixed"):
            out["default_replication_policy"] = {"num_replicas": _int(policy.get("num_replicas")) or 1,
                                                 "type": policy.get("type") or "fixed"}
        _put(out, "builds", [self._build(b, registered, where) for b in m.get("_builds", ())])
        return out

    def _build(self, b: dict[str, Any], registered: str | None, where: str) -> dict[str, Any]:
        status = _BUILD_STATUS.get(b.get("status") or "", "failed")
        out: dict[str, Any] = {"id": b["id"], "status": status, "created_at": b["created_at"]}
        _put(out, "creator", self._user(b.get("creator")))
        for name in ("comment", "file_path", "function_name", "model_root_dir",
                     "build_script_path"):
            _put(out, name, b.get(name))
        if b.get("kernel") in schema.KERNELS:
            out["kernel"] = b["kernel"]
        _put(out, "runtime_identifier", self._runtime_ref(b.get("runtime_identifier"),
                                                          f"a build of {where}"))
        _put(out, "runtime_addon_identifiers", b.get("runtime_addon_identifiers"))
        number = self.version_numbers.get(b.get("registered_model_version_id") or "")
        if number and registered:
            out["registered_model_version"] = number
        created = _epoch(b["created_at"]) or self.now
        changed = _epoch(b.get("updated_at")) or created
        if status == "built":
            total = (_epoch(b.get("built_at")) or changed) - created
            pending, pushing = (1.0, 2.0) if total >= 3 else (0.0, 0.0)
            out.update(pending=_secs(pending), queued=_secs(total - pending - pushing),
                       pushing=_secs(pushing))
        elif status in ("failed", "timedout"):
            total = changed - created
            pending = 1.0 if total >= 1 else 0.0
            out.update(pending=_secs(pending), queued=_secs(total - pending))
        elif status == "pending":
            out["pending"] = _secs(self.now - created + REMAINING)
        elif status == "queued":
            out.update(pending=_secs(changed - created),
                       queued=_secs(self.now - changed + REMAINING))
        else:  # pushing
            pending = min(1.0, changed - created)
            out.update(pending=_secs(pending), queued=_secs(changed - created - pending),
                       pushing=_secs(self.now - changed + REMAINING))
        _put(out, "deployments", [self._deployment(d) for d in b.get("_deployments", ())]
             if status == "built" else [])
        return out

    def _deployment(self, d: dict[str, Any]) -> dict[str, Any]:
        status = d.get("status") or "stopped"
        if status not in schema.DEPLOYMENT_STATUSES:
            status = "failed"
        out: dict[str, Any] = {"id": d["id"], "status": status, "created_at": d["created_at"]}
        _put(out, "deployer", self._user(d.get("deployer")))
        _put(out, "cpu", d.get("cpu"))
        _put(out, "memory", d.get("memory"))
        _put(out, "nvidia_gpus", d.get("nvidia_gpu"))
        _put(out, "replicas", d.get("replicas"))
        _put(out, "environment", _env(d.get("environment")))
        for name in _COUNTS:
            _put(out, name, _int(d.get(name)), 0)
        created = _epoch(d["created_at"]) or self.now
        changed = _epoch(d.get("updated_at")) or created
        if status in ("deployed", "failed"):
            total = changed - created
            pending = 1.0 if total >= 1 else 0.0
            out.update(pending=_secs(pending), deploying=_secs(total - pending))
        elif status == "pending":
            out["pending"] = _secs(self.now - created + REMAINING)
        elif status == "deploying":
            out.update(pending=_secs(changed - created),
                       deploying=_secs(self.now - changed + REMAINING))
        else:  # stopping, stopped: when it became ready is not on the wire
            stopped = _epoch(d.get("stopped_at"))
            stop_asked = changed if status == "stopping" else (stopped or changed) - 1.0
            span = max(0.0, stop_asked - created)
            pending, deploying = min(1.0, span), min(5.0, max(0.0, span - 1.0))
            out.update(pending=_secs(pending), deploying=_secs(deploying),
                       deployed=_secs(span - pending - deploying))
            out["stopping"] = (_secs(self.now - stop_asked + REMAINING) if status == "stopping"
                               else _secs((stopped or changed) - stop_asked))
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
        _put(out, "user", user)
        _put(out, "created_at", e.get("created_at"))
        _put(out, "artifact_location", e.get("artifact_location"))
        _put(out, "tags", {t["key"]: t["value"] for t in e.get("tags") or ()})
        _put(out, "lifecycle_stage", e.get("lifecycle_stage"), "active")
        runs = [self._experiment_run(r, user) for r in e.get("_runs", ())]
        self.experiments[e["id"]] = (e["name"], {r["id"]: r["name"] for r in e.get("_runs", ())})
        _put(out, "runs", runs)
        return out

    def _experiment_run(self, r: dict[str, Any], user: str | None) -> dict[str, Any]:
        status = _EXP_RUN_STATUS.get(r.get("status") or "", "finished")
        out: dict[str, Any] = {"id": r["id"], "name": r["name"], "status": status}
        _put(out, "start_time", r.get("start_time"))
        if status in ("finished", "failed", "killed"):
            _put(out, "end_time", r.get("end_time"))
        run_user = self._user(r.get("user"))
        if run_user and run_user != user:
            out["user"] = run_user
        data = r.get("data") or {}
        metrics = {}
        for key, history in (r.get("_metrics") or {}).items():
            metrics[key] = [{"value": m["value"], "step": _int(m.get("step")),
                             "timestamp": m["timestamp"]} for m in history]
        _put(out, "metrics", metrics)
        _put(out, "params", {p["key"]: p["value"] for p in data.get("params") or ()})
        _put(out, "tags", {t["key"]: t["value"] for t in data.get("tags") or ()
                           if t["key"] != "mlflow.runName"})
        return out

    # -- registry ----------------------------------------------------------------------

    def _registered(self, m: dict[str, Any]) -> dict[str, Any]:
        owner = self._user(m.get("owner"))
        out: dict[str, Any] = {"id": m["model_id"], "name": m["name"], "owner": owner}
        _put(out, "description", m.get("description"))
        _put(out, "visibility", m.get("visibility"), "PRIVATE")
        _put(out, "created_at", m.get("created_at"))
        versions = []
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
            _put(entry, "version_name", v.get("version_name"), f"v{len(versions) + 1}")
            _put(entry, "notes", v.get("notes"))
            _put(entry, "tags", {t["key"]: t["value"] for t in v.get("tags") or ()})
            _put(entry, "user", self._user(v.get("user")), owner)
            _put(entry, "created_at", v.get("created_at"))
            if v.get("status") == "REGISTERING":
                entry["status"] = "registering"
            versions.append(entry)
        _put(out, "versions", versions)
        return out
