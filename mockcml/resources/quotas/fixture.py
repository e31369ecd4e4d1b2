"""Quotas in fixture files: ``default_quotas`` (the active default of users and of teams),
``user_quotas`` and ``team_quotas`` (one subject's own quota, and its GPU quota per
accelerator node label).

Quantities are strings as on the wire ("4", "500m", "16Gi"), checked by the API's own
``quantity``; rows are built by ``seed.py`` and ``defaults.py`` (SetDefaultQuota's and the
quota services' rules), one INSERT per table, after the teams and node labels they name.
"""

from __future__ import annotations

from typing import Any

from mockcml.core.errors import ApiError
from mockcml.fixtures import kinds as k
from mockcml.fixtures.sections import Refs, Section, Seeding
from mockcml.resources.quotas.defaults import default_row, default_values, quantity
from mockcml.resources.quotas.seed import accelerator_quota_row, default_quota, quota_row
from mockcml.resources.quotas.subjects import TEAMS, USERS
from mockcml.resources.quotas.tables import DefaultQuota

_AMOUNTS = (
    k.Field("cpu", k.Text(), 'vCPU, a quantity string ("4", "500m"); "" keeps the default.'),
    k.Field("memory", k.Text(), 'Memory, a quantity string ("16", "16Gi").'),
    k.Field("gpu", k.Text(), 'NVIDIA GPUs, a whole number as a string ("1").'),
)
_WHOLE = {"gpu": True, "gpu_quota": True}

DEFAULT_QUOTA = k.Record("DefaultQuota", "The default quota of every user or every team "
                         "(SetDefaultQuota, SetTeamDefaultQuota).", (
    k.Field("owner_type", k.Choice(("user", "team")), "Whose default it is.", required=True),
    *_AMOUNTS,
), key=("owner_type",))

ACCELERATOR_QUOTA = k.Record("AcceleratorQuota", "A GPU quota on one accelerator node label.", (
    k.Field("label_id", k.Integer(minimum=1), "Id of an accelerator_node_labels item.",
            required=True),
    k.Field("gpu_quota", k.Text(nonempty=True), 'Whole GPUs as a string ("2").', required=True),
))


def _subject(name: str, ref: str) -> k.Record:
    return k.Record(f"{name.capitalize()}Quota", f"A {name}'s own quota, and its GPU quota per "
                    "accelerator node label.", (
        k.Field(name, k.Ref(ref), f"The {name}'s name.", required=True),
        *_AMOUNTS,
        k.Field("accelerators", k.ListOf(ACCELERATOR_QUOTA), "GPU quotas per node label."),
    ), key=(name,))


def _amounts(entry: dict[str, Any]):  # noqa: ANN202
    for name in ("cpu", "memory", "gpu"):
        if name in entry:
            try:
                quantity(entry[name], name, whole=name == "gpu")
            except ApiError as error:
                yield entry, name, error.message.removeprefix(f"{name}: ")


def _check_defaults(entries: list[dict[str, Any]]) -> list:
    found = [f for entry in entries for f in _amounts(entry)]
    found += [(e, "owner_type", "set cpu, memory or gpu") for e in entries
              if not any(e.get(n) for n in ("cpu", "memory", "gpu"))]
    return found


def _subject_refs(name: str):  # noqa: ANN202
    def refs(entries: list[dict[str, Any]], scenario: Refs):  # noqa: ANN202
        known = scenario.usernames if name == "user" else scenario.teams
        labels = {label["id"] for label in scenario.sections.get("accelerator_node_labels", ())}
        for entry in entries:
            if entry.get(name) is not None and entry[name] not in known:
                yield entry, name, f"no {name} named {entry[name]!r}"
            yield from _amounts(entry)
            seen: set[int] = set()
            for item in entry.get("accelerators") or ():
                if "label_id" not in item or "gpu_quota" not in item:
                    continue  # reported by the shape check
                if item["label_id"] not in labels:
                    yield entry, "accelerators", f"no accelerator node label {item['label_id']}"
                elif item["label_id"] in seen:
                    yield entry, "accelerators", f"label {item['label_id']} is named twice"
                seen.add(item["label_id"])
                try:
                    quantity(item["gpu_quota"], f"label {item['label_id']}: gpu_quota",
                             whole=True)
                except ApiError as error:
                    yield entry, "accelerators", error.message
    return refs


def _seed_defaults(entries: list[dict[str, Any]], seeding: Seeding) -> None:
    # One entry per owner type (the record's key) into a table with no default yet: each
    # is SetDefaultQuota's first row, with nothing to keep from an earlier one.
    seeding.insert(DefaultQuota, [
        default_row(e["owner_type"], default_values(
            default_quota(e.get("cpu", ""), e.get("memory", ""), e.get("gpu", ""))), seeding.now)
        for e in entries])


def _seed_subject(name: str):  # noqa: ANN202
    subject = USERS if name == "user" else TEAMS

    def seed(entries: list[dict[str, Any]], seeding: Seeding) -> None:
        own, accelerators = [], []
        for entry in entries:
            subject_id = seeding.user(entry[name]) if name == "user" else \
                seeding.team(entry[name])
            if any(entry.get(n) for n in ("cpu", "memory", "gpu")):
                own.append(quota_row(name, subject_id, entry.get("cpu", ""),
                                     entry.get("memory", ""), entry.get("gpu", "")))
            accelerators += [accelerator_quota_row(name, subject_id, item["label_id"],
                                                   item["gpu_quota"])
                             for item in entry.get("accelerators") or ()]
        seeding.insert(subject.quota, own)
        seeding.insert(subject.accelerator_quota, accelerators)
    return seed


SECTIONS = (
    Section("default_quotas", DEFAULT_QUOTA, "Default quotas of users and teams.",
            "default quota", check=_check_defaults, seed=_seed_defaults),
    Section("user_quotas", _subject("user", "user"), "Quotas of single users, with GPU "
            "quotas per accelerator node label.", "user quota", refs=_subject_refs("user"),
            seed=_seed_subject("user")),
    Section("team_quotas", _subject("team", "team"), "Quotas of single teams, with GPU "
            "quotas per accelerator node label.", "team quota", refs=_subject_refs("team"),
            seed=_seed_subject("team")),
)
