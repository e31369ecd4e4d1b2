"""Applications, models, builds and deployments: their settings and, from the times the
API shows, the phase lengths the fixture format wants (see ``scenario.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockcml.capture.values import COUNTS, REMAINING, as_int, env_map, epoch, put, secs
from mockcml.resources.applications.fixture import APP_STATUSES
from mockcml.resources.model_builds.fixture import BUILD_STATUSES
from mockcml.resources.model_deployments.fixture import DEPLOYMENT_STATUSES
from mockcml.resources.projects.fixture import KERNELS

_APP_STATUS = {v: k for k, v in APP_STATUSES.items()}
_BUILD_STATUS = {v: k for k, v in BUILD_STATUSES.items()}


class Workloads:
    """Mixed into ``Converter``; uses its ``now``, ``_user``, ``_runtime_ref``,
    ``registry_names`` and ``version_numbers``."""

    now: float
    registry_names: dict[str, str]
    version_numbers: dict[str, int]
    _user: Callable[[dict[str, Any] | None], str | None]
    _runtime_ref: Callable[[str | None, str], str | None]

    def _workload(self, out: dict[str, Any], w: dict[str, Any], what: str) -> None:
        """Where a job or an application runs and with what (``projects.fixture.WORKLOAD``)."""
        put(out, "runtime_identifier", self._runtime_ref(w.get("runtime_identifier"), what))
        put(out, "runtime_addon_identifiers", w.get("runtime_addon_identifiers"))
        if w.get("kernel") in KERNELS:
            out["kernel"] = w["kernel"]
        put(out, "cpu", w.get("cpu"), 1)
        put(out, "memory", w.get("memory"), 1)
        put(out, "nvidia_gpu", w.get("nvidia_gpu"), 0)

    def _pending_then(self, out: dict[str, Any], status: str, second: str, ended: tuple[str, ...],
                      created: float, changed: float) -> bool:
        """The ``pending`` and ``second`` phases of a build or a deployment that has ended after
        them (split as the server would), or is in one of them now; False for other statuses."""
        if status in ended:
            total = changed - created
            pending = 1.0 if total >= 1 else 0.0
            out.update({"pending": secs(pending), second: secs(total - pending)})
        elif status == "pending":
            out["pending"] = secs(self.now - created + REMAINING)
        elif status == second:
            out.update({"pending": secs(changed - created),
                        second: secs(self.now - changed + REMAINING)})
        else:
            return False
        return True

    def _app(self, a: dict[str, Any], where: str) -> dict[str, Any]:
        out: dict[str, Any] = {"id": a["id"], "name": a["name"], "subdomain": a["subdomain"]}
        put(out, "description", a.get("description"))
        put(out, "script", a.get("script"))
        put(out, "creator", self._user(a.get("creator")))
        put(out, "created_at", a.get("created_at"))
        self._workload(out, a, f"application {where}/{a['name']}")
        put(out, "environment", env_map(a.get("environment")))
        put(out, "bypass_authentication", bool(a.get("bypass_authentication")), False)
        put(out, "cdv_app", bool(a.get("cdv_app")), False)
        put(out, "run_as", as_int(a.get("run_as")), 0)
        for name in COUNTS:
            put(out, name, as_int(a.get(name)), 0)
        status = _APP_STATUS.get(a.get("status") or "", "stopped")
        out["status"] = status
        start = epoch(a.get("starting_at")) or epoch(a.get("created_at")) or self.now
        running = epoch(a.get("running_at"))
        stopped = epoch(a.get("stopped_at"))
        updated = epoch(a.get("updated_at")) or start
        if a.get("starting_at") and a.get("starting_at") != a.get("created_at"):
            out["starting_at"] = a["starting_at"]
        if status == "starting":
            out["starting"] = secs(self.now - start + REMAINING)
            return out
        if running is not None:
            out["starting"] = secs(running - start)
        if status == "running":
            return out
        if status == "failed":
            if running is not None and stopped is not None:
                out["running"] = secs(stopped - running)
            return out
        if running is not None:
            out["running"] = secs(updated - running)  # updated_at: when the stop was asked
        if status == "stopping":
            out["stopping"] = secs(self.now - updated + REMAINING)
        elif stopped is not None:
            out["stopping"] = secs(stopped - updated)
        return out

    def _model(self, m: dict[str, Any], where: str) -> dict[str, Any]:
        out: dict[str, Any] = {"id": m["id"], "name": m["name"]}
        put(out, "description", m.get("description"))
        put(out, "creator", self._user(m.get("creator")))
        put(out, "created_at", m.get("created_at"))
        put(out, "disable_authentication", m.get("auth_enabled") is False, False)
        put(out, "access_key", m.get("access_key"))
        registered = self.registry_names.get(m.get("registered_model_id") or "")
        put(out, "registered_model", registered)
        put(out, "visibility", m.get("visibility"), "private")
        put(out, "run_as", as_int(m.get("run_as")), 0)
        for name in COUNTS:
            put(out, name, as_int(m.get(name)), 0)
        res = m.get("default_resources") or {}
        resources = {k: as_int(res.get(k)) for k in ("cpu_millicores", "memory_mb", "nvidia_gpus")
                     if k in res}
        if resources and resources != {"cpu_millicores": 1000, "memory_mb": 2048,
                                       "nvidia_gpus": 0}:
            out["default_resources"] = resources
        policy = m.get("default_replication_policy") or {}
        if policy and (as_int(policy.get("num_replicas")) or 1, policy.get("type") or "fixed") != (
                1, "fixed"):
            out["default_replication_policy"] = {"num_replicas": as_int(policy.get("num_replicas")) or 1,
                                                 "type": policy.get("type") or "fixed"}
        put(out, "builds", [self._build(b, registered, where) for b in m.get("_builds", ())])
        return out

    def _build(self, b: dict[str, Any], registered: str | None, where: str) -> dict[str, Any]:
        status = _BUILD_STATUS.get(b.get("status") or "", "failed")
        out: dict[str, Any] = {"id": b["id"], "status": status, "created_at": b["created_at"]}
        put(out, "creator", self._user(b.get("creator")))
        for name in ("comment", "file_path", "function_name", "model_root_dir",
                     "build_script_path"):
            put(out, name, b.get(name))
        if b.get("kernel") in KERNELS:
            out["kernel"] = b["kernel"]
        put(out, "runtime_identifier", self._runtime_ref(b.get("runtime_identifier"),
                                                          f"a build of {where}"))
        put(out, "runtime_addon_identifiers", b.get("runtime_addon_identifiers"))
        number = self.version_numbers.get(b.get("registered_model_version_id") or "")
        if number and registered:
            out["registered_model_version"] = number
        created = epoch(b["created_at"]) or self.now
        changed = epoch(b.get("updated_at")) or created
        if status == "built":
            total = (epoch(b.get("built_at")) or changed) - created
            pending, pushing = (1.0, 2.0) if total >= 3 else (0.0, 0.0)
            out.update(pending=secs(pending), queued=secs(total - pending - pushing),
                       pushing=secs(pushing))
        elif not self._pending_then(out, status, "queued", ("failed", "timedout"), created,
                                    changed):  # pushing
            pending = min(1.0, changed - created)
            out.update(pending=secs(pending), queued=secs(changed - created - pending),
                       pushing=secs(self.now - changed + REMAINING))
        put(out, "deployments", [self._deployment(d) for d in b.get("_deployments", ())]
             if status == "built" else [])
        return out

    def _deployment(self, d: dict[str, Any]) -> dict[str, Any]:
        status = d.get("status") or "stopped"
        if status not in DEPLOYMENT_STATUSES:
            status = "failed"
        out: dict[str, Any] = {"id": d["id"], "status": status, "created_at": d["created_at"]}
        put(out, "deployer", self._user(d.get("deployer")))
        put(out, "cpu", d.get("cpu"))
        put(out, "memory", d.get("memory"))
        put(out, "nvidia_gpus", d.get("nvidia_gpu"))
        put(out, "replicas", d.get("replicas"))
        put(out, "environment", env_map(d.get("environment")))
        for name in COUNTS:
            put(out, name, as_int(d.get(name)), 0)
        created = epoch(d["created_at"]) or self.now
        changed = epoch(d.get("updated_at")) or created
        if not self._pending_then(out, status, "deploying", ("deployed", "failed"), created,
                                  changed):  # stopping, stopped: when it became ready is not on the wire
            stopped = epoch(d.get("stopped_at"))
            stop_asked = changed if status == "stopping" else (stopped or changed) - 1.0
            span = max(0.0, stop_asked - created)
            pending, deploying = min(1.0, span), min(5.0, max(0.0, span - 1.0))
            out.update(pending=secs(pending), deploying=secs(deploying),
                       deployed=secs(span - pending - deploying))
            out["stopping"] = (secs(self.now - stop_asked + REMAINING) if status == "stopping"
                               else secs((stopped or changed) - stop_asked))
        return out
