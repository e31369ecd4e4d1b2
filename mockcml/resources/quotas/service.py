"""The quota lists (users and teams, overall and per accelerator label) and the updates of
GPU quotas per accelerator label.

[inferred] where the reference is silent:
* ListGroupsQuota lists teams (in CML a team is a group account); a team's usage is what
  its members use. A user's or team's configured quota is its own where one was set, else
  the active default of its kind.
* ``banned`` and ``deactivated`` filter as booleans; the mock has neither, so "true" finds
  nothing. ``user_id``, ``team_id`` and ``accelerator_id`` filter by exact id.
* ``display_all`` false (the default) lists the GPU quotas set for someone; true lists
  every user (team) on every label, the label's default_quota where none is set.
* An update sets every entry or none: an unknown user, team or label is NOT_FOUND, a
  gpu_quota not a whole number of at least 0 is INVALID_ARGUMENT; an empty gpu_quota
  removes the entry (back to the label's default).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, and_, cast, func, literal, select
from sqlmodel import Session, col

from mockcml.core.errors import InvalidArgument
from mockcml.kit.listing import Listing, Page, boolean, page, parse_filter, substring
from mockcml.resources.accelerators.service import get_node_label
from mockcml.resources.accelerators.tables import NodeLabel
from mockcml.resources.quotas.defaults import quantity
from mockcml.resources.quotas.subjects import Subject
from mockcml.resources.quotas.tables import DefaultQuota
from mockcml.resources.resource_groups.service import exact_id

# --- ListUsersQuota / ListGroupsQuota ------------------------------------------------------

def _quota_listing(subject: Subject) -> Listing:
    # Neither users nor teams are ever banned or deactivated in the mock.
    never = literal(False)
    return Listing(filters={"banned": boolean(never), "deactivated": boolean(never)},
                   sorts={"username": subject.table.username}, tiebreak=subject.table.id,
                   model="UserQuota" if subject.kind == "user" else "GroupQuota")


def list_quotas(session: Session, subject: Subject,
                params: dict[str, Any]) -> tuple[Page, int]:
    """A page of (id, username, name, cpu, memory, gpu) rows and the total of all pages."""
    table, own = subject.table, subject.quota
    listing = _quota_listing(subject)
    query = (select(table.id, table.username, table.name, own.cpu, own.memory, own.nvidia_gpu)
             .outerjoin(own, subject.quota_owner(own) == table.id))
    count = (select(func.count()).select_from(table)
             .where(*parse_filter(listing, params.get("search_filter"))))
    return page(session, query, listing, params), session.execute(count).scalar_one()


def configured(default: DefaultQuota | None, cpu: str | None, memory: str | None,
               gpu: str | None) -> dict[str, str]:
    """Own quota where set (field by field), else the active default of its kind."""
    fallback = (default.requests_cpu, default.requests_memory, default.requests_gpu) \
        if default else ("", "", "")
    mine = (cpu or "", memory or "", gpu or "")
    cpu_, memory_, gpu_ = (own or other for own, other in zip(mine, fallback, strict=True))
    return {"cpu": cpu_, "memory": memory_, "nvidia_gpu": gpu_}


# --- accelerator-based quotas ---------------------------------------------------------------

def _pairs(subject: Subject):  # noqa: ANN202 - the select and its named columns
    """Every (user or team, label) pair with the GPU quota that applies to it."""
    table, acc = subject.table, subject.accelerator_quota
    owner = subject.quota_owner(acc)
    gpu_quota = func.coalesce(acc.gpu_quota, cast(NodeLabel.default_quota, String))
    query = (
        select(table.id.label("subject_id"), table.username.label("subject_name"),
               col(NodeLabel.id).label("accelerator_id"), gpu_quota.label("gpu_quota"),
               col(NodeLabel.label_key), col(NodeLabel.label_value), owner.label("own"))
        .select_from(table).join(NodeLabel, literal(True))
        .outerjoin(acc, and_(owner == table.id, acc.accelerator_id == col(NodeLabel.id)))
    )
    return query, table.id, NodeLabel.id


def _accelerator_listing(subject: Subject, sortable: bool) -> Listing:
    query, subject_id, label_id = _pairs(subject)
    filters = {subject.key: exact_id(subject_id), "accelerator_id": exact_id(label_id)}
    user = subject.kind == "user"
    if sortable:  # AcceleratorBased{User,Team}Quota: the label's key and value, the quota
        model = "AcceleratorBasedUserQuota" if user else "AcceleratorBasedTeamQuota"
        filters |= {"gpu_quota": substring(query.selected_columns.gpu_quota),
                    "accelerator_key": substring(col(NodeLabel.label_key)),
                    "accelerator_value": substring(col(NodeLabel.label_value))}
    else:  # {User,Team}AcceleratorQuota: the user's or team's name
        model = "UserAcceleratorQuota" if user else "TeamAcceleratorQuota"
        filters["username" if user else "team_name"] = substring(col(subject.table.username))
    sorts = {subject.key: subject_id, "accelerator_id": label_id} if sortable else {}
    # One row per (subject, label): their pair is unique, as a tiebreak must be.
    order = ((subject.key, False), ("accelerator_id", False)) if sortable else ()
    return Listing(filters=filters, sorts=sorts, tiebreak=subject_id * 4294967296 + label_id,
                   default_sort=order, model=model)


def list_accelerator_quotas(session: Session, subject: Subject,
                            params: dict[str, Any]) -> Page:
    """ListAcceleratorBased{User,Team}Quota: paged, sorted, set entries or all of them."""
    query, _, _ = _pairs(subject)
    if not params.get("display_all"):
        query = query.where(subject.quota_owner(subject.accelerator_quota).is_not(None))
    return page(session, query, _accelerator_listing(subject, True), params)


def all_accelerator_quotas(session: Session, subject: Subject,
                           params: dict[str, Any]) -> list[Any]:
    """List{Users,Teams}AcceleratorQuota: not paged, every user (team) on every label."""
    query, subject_id, label_id = _pairs(subject)
    listing = _accelerator_listing(subject, False)
    query = query.where(*parse_filter(listing, params.get("search_filter")))
    return list(session.execute(query.order_by(subject_id, label_id)))


def update_accelerator_quotas(session: Session, subject: Subject,
                              entries: list[dict[str, Any]] | None) -> int:
    if not entries:
        raise InvalidArgument("name at least one quota to update")
    checked = []
    for index, entry in enumerate(entries):
        where = f"[{index}]"
        subject_id, label_id = entry.get(subject.key), entry.get("accelerator_id")
        if not subject_id or not label_id:
            raise InvalidArgument(f"{where}: {subject.key} and accelerator_id are required")
        if "gpu_quota" not in entry:
            raise InvalidArgument(f"{where}: gpu_quota is required")
        gpu = quantity(entry["gpu_quota"], f"{where}.gpu_quota", whole=True)
        subject.require(session, subject_id)
        get_node_label(session, label_id)
        checked.append((subject_id, label_id, gpu))
    acc = subject.accelerator_quota
    for subject_id, label_id, gpu in checked:
        key = {subject.key: subject_id, "accelerator_id": label_id}
        row = session.get(acc, key)
        if gpu == "":
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(acc(**key, gpu_quota=gpu))
        else:
            row.gpu_quota = gpu
        session.flush()
    return len(checked)

