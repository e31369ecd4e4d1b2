"""Fixture sections of the small site-administration resources: ``runtime_addons`` (uploaded
add-ons, or a new status for a catalogue one), ``machine_users``, ``ml_serving_apps`` (the
environment's inference services, which the API only lists) and ``site_settings``.

Add-ons and site settings go through the same service functions as LoadRuntimeAddonsUpload,
UpdateRuntimeAddonStatus and DisableEngines; the other two are plain rows, since no
operation creates them.
"""

from __future__ import annotations

from typing import Any

from mockcml.fixtures import kinds as k
from mockcml.fixtures.sections import Refs, Section, Seeding
from mockcml.kit.sql import table_of
from mockcml.resources.misc import addon_admin, addons, site
from mockcml.resources.misc.tables import MachineUser, MlServingApp, RuntimeAddon, SiteSetting

ADDON_STATUSES = ("AVAILABLE", "DISABLED", "DEPRECATED", "DELETED", "FAILED")

RUNTIME_ADDON = k.Record("RuntimeAddon", "A runtime add-on: a new one (as uploaded), or the "
                         "status of one of the workspace's own.", (
    k.Field("identifier", k.Text(nonempty=True, no_spaces=True), "Add-on identifier.",
            required=True),
    k.Field("component", k.Text(), "Component, e.g. Spark (new add-ons only)."),
    k.Field("display_name", k.Text(), "Display name (new add-ons only)."),
    k.Field("status", k.Choice(ADDON_STATUSES), "Status.", default="AVAILABLE"),
), key=("identifier",))

MACHINE_USER = k.Record("MachineUser", "A user that is a machine user (listed as a run-as "
                        "collaborator of the projects it collaborates on).", (
    k.Field("username", k.Ref("user"), "The user.", required=True),
), key=("username",))

_APP_TEXT = ("app_name", "environment_crn", "environment_name", "namespace", "owner_email",
             "ml_serving_version", "cluster_domain", "status", "cloud_platform")
ML_SERVING_APP = k.Record("MlServingApp", "An AI inference service app of the environment.", (
    k.Field("app_crn", k.Text(nonempty=True, no_spaces=True), "Its CRN, unique.", required=True),
    *(k.Field(name, k.Text(), name.replace("_", " ").capitalize() + ".") for name in _APP_TEXT),
    k.Field("is_private_cluster", k.Boolean(), "A private cluster.", default=False),
    k.Field("use_public_load_balancer", k.Boolean(), "Public load balancer.", default=False),
    k.Field("https_enabled", k.Boolean(), "HTTPS.", default=True),
    k.Field("creation_date", k.Time(), "When it was created.", default="loading time"),
), key=("app_crn",))

SITE_SETTING = k.Record("SiteSetting", "A workspace setting an administrator sets.", (
    k.Field("key", k.Choice((site.DISABLE_ENGINES,)), "Which setting.", required=True),
    k.Field("value", k.Boolean(), "Its value.", required=True),
), key=("key",))


def _addon_check(entries: list[dict[str, Any]]):  # noqa: ANN202
    for entry in entries:
        known = addons.BY_IDENTIFIER.get(entry["identifier"])
        if known is not None:
            if not known.manageable:
                yield entry, "identifier", (f"{entry['identifier']!r} is the workspace's own "
                                            "and its status cannot change")
            elif "component" in entry or "display_name" in entry:
                yield entry, "component", (f"{entry['identifier']!r} is the workspace's own: "
                                           "give only its status")
            continue
        if not addon_admin._IDENTIFIER.match(entry["identifier"]):
            yield entry, "identifier", (f"{entry['identifier']!r} is not an add-on identifier "
                                        "(lower-case letters, digits, '.', '_', '-')")
        for name in ("component", "display_name"):
            if not (entry.get(name) or "").strip():
                yield entry, "identifier", f"a new add-on needs a {name}"


def _addon_seed(entries: list[dict[str, Any]], seeding: Seeding) -> None:
    """The rows LoadRuntimeAddonsUpload (new add-ons, numbered after the catalogue) and
    UpdateRuntimeAddonStatus (a catalogue add-on's row, or a new one's status) write,
    built at once: the database holds no add-on rows yet, and ``_addon_check`` refused
    what those operations would."""
    rows = []
    next_id = addon_admin.FIRST_UPLOAD_ID
    for entry in entries:
        status = entry.get("status", "AVAILABLE")
        state = {"status": status, "reason": addon_admin.status_reason(status)}
        known = addons.BY_IDENTIFIER.get(entry["identifier"])
        if known is not None:
            rows.append({"id": known.id, "identifier": known.identifier,
                         "component": known.component, "display_name": known.display_name,
                         "manageable": True, "created_at": known.created_at, **state})
        else:
            rows.append({**addon_admin._description(entry, "add-on"), "id": next_id,
                         "manageable": True, "created_at": seeding.now, **state})
            next_id += 1
    seeding.insert(RuntimeAddon, rows)


def _machine_refs(entries: list[dict[str, Any]], refs: Refs):  # noqa: ANN202
    for entry in entries:
        if entry["username"] not in refs.usernames:
            yield entry, "username", f"no user named {entry['username']!r}"


def _machine_seed(entries: list[dict[str, Any]], seeding: Seeding) -> None:
    seeding.insert(MachineUser, [{"user_id": seeding.user(e["username"])} for e in entries])


def _app_seed(entries: list[dict[str, Any]], seeding: Seeding) -> None:
    from mockcml.fixtures.timeline import at

    columns = table_of(MlServingApp).columns
    rows = []
    for entry in entries:
        row = {n: v for n, v in entry.items() if n in columns}
        row["creation_date"] = (at(entry["creation_date"], seeding.now)
                                if "creation_date" in entry else seeding.now)
        rows.append(row)
    seeding.insert(MlServingApp, rows)


def _site_seed(entries: list[dict[str, Any]], seeding: Seeding) -> None:
    # One entry per key (the record's), none stored yet: disable_engines's first row.
    rows = [site.setting_row({"disable_engines": entry["value"]}) for entry in entries]
    seeding.insert(SiteSetting, rows)
    if any(row["value"] == "true" for row in rows):
        site.to_runtimes(seeding.session, seeding.now)


SECTIONS = (
    Section("runtime_addons", RUNTIME_ADDON, "Runtime add-ons: uploaded ones, and statuses of "
            "the workspace's own.", "runtime add-on", check=_addon_check, seed=_addon_seed),
    Section("machine_users", MACHINE_USER, "Users that are machine users.", "machine user",
            refs=_machine_refs, seed=_machine_seed),
    Section("ml_serving_apps", ML_SERVING_APP, "AI inference service apps of the environment.",
            "ML serving app", seed=_app_seed),
    Section("site_settings", SITE_SETTING, "Workspace settings (disable_engines).",
            "site setting", seed=_site_seed),
)
