"""Site administration read through the API and written as fixture sections.

What a list answers is written back as the section that seeds it (cpu_profiles,
resource_groups, accelerator_node_labels, default_quotas, runtime_repos, copilot models,
spark_defaults, ml_serving_apps). Not captured, because the API cannot give it back:
teams (no operation lists them), per-user and per-team quotas of teams, docker
credentials (passwords are never readable), machine users and directory groups. A key
that is not a site administrator's gets 403 for some lists: those are noted as skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockcml.capture.values import as_int, put

_GROUP_INTS = ("cpu_count", "memory_in_gib", "autoscale_min", "autoscale_max")
_GROUP_FLAGS = ("allow_jobs", "allow_sessions", "allow_models", "allow_applications")
_LABEL_INTS = ("max_gpu_count", "max_gpu_per_workload", "default_quota", "resource_group_id")
_APP_TEXT = ("app_name", "environment_crn", "environment_name", "namespace", "owner_email",
             "ml_serving_version", "cluster_domain", "status", "cloud_platform")


def _group(g: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": as_int(g.get("id")), "name": g.get("name") or ""}
    for name in ("instance_group_name", "instance_type", "gpu_model", "gpu_type"):
        put(out, name, g.get(name))
    for name in _GROUP_INTS:
        put(out, name, as_int(g.get(name)), 0)
    for name in ("gpu_count", "gpumemory_in_gib"):
        put(out, name, as_int(g.get(name)), 0)  # 0 is how a CPU group's none reads
    for name in _GROUP_FLAGS:
        put(out, name, g.get(name), True)
    return out


def _label(label: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": as_int(label.get("id")), "label_key": label.get("label_key")}
    put(out, "label_value", label.get("label_value"))
    put(out, "availability", label.get("availability"), True)
    for name in _LABEL_INTS:
        put(out, name, as_int(label.get(name)), 0)
    for name in ("cpu", "memory", "gpu_memory"):
        put(out, name, float(label.get(name) or 0), 0.0)
    return out


def _copilot(m: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"name": m.get("name"), "provider": m.get("provider")}
    put(out, "endpoint", m.get("endpoint"))
    put(out, "provider_id", m.get("provider_id"))
    put(out, "enabled", m.get("enabled"), True)
    put(out, "default", m.get("default"), False)
    return out


def _app(a: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"app_crn": a.get("app_crn")}
    for name in _APP_TEXT:
        put(out, name, a.get(name))
    put(out, "is_private_cluster", a.get("is_private_cluster"), False)
    put(out, "use_public_load_balancer", a.get("use_public_load_balancer"), False)
    put(out, "https_enabled", a.get("https_enabled"), True)
    put(out, "creation_date", a.get("creation_date"))
    return out


def _default(q: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"owner_type": (q.get("owner_type") or "").lower()}
    put(out, "cpu", q.get("requests_cpu"))
    put(out, "memory", q.get("requests_memory"))
    put(out, "gpu", q.get("requests_gpu"))
    return out


def read_admin(source: Any, attempt: Callable[[str, Callable[[], Any], Any], Any]
               ) -> dict[str, list[dict[str, Any]]]:
    """The sections, read with ``attempt(what, func, default)`` (which notes failures)."""
    def listed(path: str, items: str, convert: Callable[[dict], dict]) -> Callable[[], list]:
        return lambda: [convert(item) for item in source.pages(path, items)]

    out: dict[str, list[dict[str, Any]]] = {
        "cpu_profiles": attempt("CPU profiles", listed(
            "/api/v2/cpuprofiles", "cpu_resource_profiles", lambda p: {
                "id": as_int(p.get("id")), "cpu": p.get("cpu"), "memory": p.get("memory"),
                **({"resource_group_id": as_int(p["resource_group_id"])}
                   if as_int(p.get("resource_group_id")) else {})}), []),
        "resource_groups": attempt("resource groups", listed(
            "/api/v2/resourcegroups", "resource_group", _group), []),
        "accelerator_node_labels": attempt("accelerator node labels", listed(
            "/api/v2/nodelabels", "accelerator_node_label", _label), []),
        "runtime_repos": attempt("runtime repos", listed(
            "/api/v2/runtimerepos", "runtimerepos",
            lambda r: {"name": r.get("name"), "url": r.get("url")}), []),
        "copilot_models": attempt("copilot models", listed(
            "/api/v2/copilot/models", "copilot_models", _copilot), []),
        "copilot_embedding_models": attempt("copilot embedding models", listed(
            "/api/v2/copilot/embedding_models", "copilot_embedding_models", _copilot), []),
        "default_quotas": attempt("default quotas", lambda: [
            _default(q) for q in source.get("/api/v2/default-quota/all").get(
                "request_quotas") or () if q.get("active")], []),
        "spark_defaults": attempt("spark defaults", lambda: [
            {"is_pushdown": mode == "true", "value": source.get(
                f"/api/v2/workspaces/sparkconfig/{mode}").get("workspace_spark_default") or ""}
            for mode in ("false", "true")], []),
        "ml_serving_apps": attempt("ML serving apps", lambda: [
            _app(a) for a in source.get("/api/v2/ml_serving_apps").get("apps") or ()], []),
    }
    # A default with nothing set says nothing; a label's group must be one written here.
    out["default_quotas"] = [q for q in out["default_quotas"] if len(q) > 1]
    groups = {g["id"] for g in out["resource_groups"]}
    for label in out["accelerator_node_labels"]:
        if label.get("resource_group_id") not in groups:
            label.pop("resource_group_id", None)
    return {name: items for name, items in out.items() if items}
