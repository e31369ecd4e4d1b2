"""Models of fixture files, with their builds and deployments: what is wrong with them,
and the rows they become."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from mockcml.fixtures.facts import when
from mockcml.fixtures.timeline import Defaults, human
from mockcml.kit import jsonfield
from mockcml.kit.ids import _ALPHABET
from mockcml.kit.rows import column_defaults, copy_given
from mockcml.kit.sql import table_of
from mockcml.resources.model_builds import history as build_history
from mockcml.resources.model_builds.tables import ModelBuild
from mockcml.resources.model_deployments import history as deployment_history
from mockcml.resources.model_deployments.service import sizing
from mockcml.resources.model_deployments.tables import ModelDeployment
from mockcml.resources.models.ids import crn
from mockcml.resources.models.tables import Model
from mockcml.resources.projects.tables import workload_kernel

if TYPE_CHECKING:
    from mockcml.fixtures.load import Rows
    from mockcml.fixtures.validate import Checker as C
    from mockcml.fixtures.validate import Entry

_COUNTS = ("accelerator_label_id", "resource_group_id", "resource_profile_id")
_BUILD_COPIED = ("comment", "file_path", "function_name", "kernel", "runtime_identifier",
                 "model_root_dir", "build_script_path", *_COUNTS)
_DEPLOYMENT_ACTIVE = ("pending", "deploying", "deployed", "stopping")
_MODEL_BASE = column_defaults(table_of(Model))
_BUILD_BASE = column_defaults(table_of(ModelBuild))
_DEPLOYMENT_BASE = column_defaults(table_of(ModelDeployment))


def check(c: C, project: Entry, model: Entry, engine: str, default: float) -> None:
    c.ref_user(model, "creator", c.usernames)
    model_id = c.assign_id(model, "model", project["_id"], model["name"])
    registered = None
    if "registered_model" in model and c.ref(model, "registered_model", c.registry,
                                                  "no registered model named {}"):
        registered = c.registry[model["registered_model"]]
    created = when(model, "created_at", default, c.now)
    active: Entry | None = None
    for index, build in enumerate(model.get("builds", ())):
        c.ref_user(build, "creator", c.usernames)
        build_id = c.assign_id(build, "model build", model_id, index)
        c.check_runtime(build, engine)
        number = build.get("registered_model_version")
        if number is not None:
            if "registered_model" not in model:
                c.problem(build, "registered_model_version",
                             "the model names no registered_model to take the version from")
            elif registered is not None and number > len(registered.get("versions", ())):
                count = len(registered.get("versions", ()))
                c.problem(build, "registered_model_version",
                             f"registered model {registered['name']!r} has no version "
                             f"{number} (it has {count})")
        else:
            for name in ("file_path", "function_name"):
                if not (build.get(name) or "").strip():
                    c.problem(build, name, "required unless registered_model_version is "
                                              "given" if name not in build.node.pairs
                                 else "must not be empty")
        build_created = when(build, "created_at", created + index + 1, c.now)
        build_facts, found = build_history.build(build, build_created, c.now, c.defaults)
        c.report(build, found)
        deployments = build.get("deployments", ())
        status = build.get("status") or "built"
        if deployments and status != "built":
            c.problem(build, "deployments", f"only a built build has deployments; this "
                                               f"build is {status}")
            continue
        for position, deployment in enumerate(deployments):
            c.ref_user(deployment, "deployer", c.usernames)
            c.assign_id(deployment, "model deployment", build_id, position)
            built = build_facts.finished_at
            deployment_created = when(deployment, "created_at", built + position + 1,
                                            c.now)
            if deployment_created < built:
                c.problem(deployment, "created_at",
                             f"is {human(built - deployment_created)} before its build was "
                             "built; only a built build can be deployed")
            _, found = deployment_history.deployment(deployment, deployment_created, c.now,
                                        c.defaults)
            c.report(deployment, found)
            if (deployment.get("status") or "deployed") in _DEPLOYMENT_ACTIVE:
                if active is not None:
                    c.problem(deployment, "status",
                                 f"model {model['name']!r} already has an active deployment "
                                 f"(at {c.where(active, 'status')}); a model serves one "
                                 "deployment at a time")
                else:
                    active = deployment


def access_key(model_id: str) -> str:
    """A model's access key, derived from its id: 32 lower-case letters and digits."""
    raw = hashlib.sha256(f"access-key\x1f{model_id}".encode()).digest()
    return "".join(_ALPHABET[b % len(_ALPHABET)] for b in raw)


def add_rows(rows: Rows, project_id: str, engine: str, model: dict[str, Any], ids: dict[str, int],
           owner_id: int, created: float, now: float, defaults: Defaults) -> None:
    model_id = model["_id"]
    creator = ids[model["creator"]] if model.get("creator") else owner_id
    row = dict(_MODEL_BASE)
    copy_given(row, model, ("name", "description", "visibility", "run_as", *_COUNTS))
    copy_given(row, model.get("default_resources") or {}, ("cpu_millicores", "memory_mb",
                                                      "nvidia_gpus"))
    policy = model.get("default_replication_policy") or {}
    copy_given(row, policy, ("num_replicas",))
    if policy.get("type"):
        row["replication_type"] = policy["type"]
    registered = rows.registry.get(model.get("registered_model") or "")
    row.update({
        "id": model_id, "project_id": project_id, "creator_id": creator, "crn": crn(model_id),
        "access_key": model.get("access_key") or access_key(model_id),
        "auth_enabled": not model.get("disable_authentication", False),
        "registered_model_id": registered[0] if registered else "",
        "created_at": created, "updated_at": created,
    })
    rows.add(table_of(Model), row)
    for index, build in enumerate(model.get("builds", ())):
        _build(rows, project_id, engine, row, build, registered, ids, creator,
               when(build, "created_at", created + index + 1, now), now, defaults)


def _build(rows: Rows, project_id: str, engine: str, model: dict[str, Any],
           build: dict[str, Any], registered: tuple[str, list[str]] | None,
           ids: dict[str, int], model_creator: int, created: float, now: float,
           defaults: Defaults) -> None:
    build_id = build["_id"]
    lifecycle, _ = build_history.build(build, created, now, defaults)
    creator = ids[build["creator"]] if build.get("creator") else model_creator
    row = dict(_BUILD_BASE)
    copy_given(row, build, _BUILD_COPIED)
    row["kernel"] = workload_kernel(engine, row["runtime_identifier"], row["kernel"])
    number = build.get("registered_model_version")
    row.update({
        "id": build_id, "project_id": project_id, "model_id": model["id"], "creator_id": creator,
        "crn": crn(build_id),
        "runtime_addon_identifiers": json.dumps(build.get("runtime_addon_identifiers", [])),
        "registered_model_version_id": (registered[1][number - 1]
                                        if registered and number else ""),
        "created_at": created, "queued_at": lifecycle.queued_at,
        "pushing_at": lifecycle.pushing_at, "finished_at": lifecycle.finished_at,
        "final_status": lifecycle.final_status,
    })
    rows.add(table_of(ModelBuild), row)
    for index, deployment in enumerate(build.get("deployments", ())):
        _deployment(rows, model, row, deployment, ids, creator,
                    when(deployment, "created_at", lifecycle.finished_at + index + 1, now), now,
                    defaults)


def _deployment(rows: Rows, model: dict[str, Any], build: dict[str, Any],
                deployment: dict[str, Any], ids: dict[str, int], build_creator: int,
                created: float, now: float, defaults: Defaults) -> None:
    lifecycle, _ = deployment_history.deployment(deployment, created, now, defaults)
    deployment_id = deployment["_id"]
    row = dict(_DEPLOYMENT_BASE)
    for name in _COUNTS:
        row[name] = deployment.get(name, model[name])
    row.update(sizing(deployment, model))
    row.update({
        "id": deployment_id, "project_id": model["project_id"], "model_id": model["id"],
        "build_id": build["id"], "crn": crn(deployment_id),
        "deployer_id": ids[deployment["deployer"]] if deployment.get("deployer") else build_creator,
        "environment": jsonfield.dump(deployment.get("environment")),
        "created_at": created, "deploying_at": lifecycle.deploying_at,
        "finished_at": lifecycle.finished_at, "final_status": lifecycle.final_status,
        "stop_at": lifecycle.stop_at, "stopped_at": lifecycle.stopped_at,
    })
    rows.add(table_of(ModelDeployment), row)

