"""HTTP side of quotas. Every operation is a site administrator's."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.kit.siteadmin import int64_text, require_site_admin
from mockcml.resources.quotas import defaults, service
from mockcml.resources.quotas.subjects import TEAMS, USERS, Subject, Totals, usage_wire

WHAT = "quota administration"


@operation("GetDefaultQuotas")
def get_default_quotas(call: Call) -> dict:
    require_site_admin(call.user, WHAT)
    return {"request_quotas": [defaults.default_wire(q)
                               for q in defaults.all_defaults(call.session)],
            "success": True}


@operation("GetDefaultQuota")
def get_default_quota(call: Call) -> dict:
    """The active default user quota. [inferred] With none set, success is false and the
    quota is left out."""
    require_site_admin(call.user, WHAT)
    quota = defaults.active_default(call.session, defaults.USER)
    if quota is None:
        return {"success": False}
    return {"quota": defaults.default_wire(quota), "success": True}


@operation("SetDefaultQuota")
def set_default_quota(call: Call) -> dict:
    require_site_admin(call.user, WHAT)
    defaults.set_default(call.session, defaults.USER, call.body or {}, call.now)
    return {"success": True, "message": "default user quota updated"}


@operation("SetTeamDefaultQuota")
def set_team_default_quota(call: Call) -> dict:
    require_site_admin(call.user, WHAT)
    defaults.set_default(call.session, defaults.TEAM, call.body or {}, call.now)
    return {"success": True, "message": "default team quota updated"}


def _quotas(call: Call, subject: Subject, field: str, holder: str) -> dict:
    require_site_admin(call.user, WHAT)
    result, count = service.list_quotas(call.session, subject, call.query)
    usages = Totals(subject.usage(call.session, call.now))
    default = defaults.active_default(call.session, subject.kind)
    items = []
    for subject_id, username, name, cpu, memory, gpu in result.rows:
        info = {"id": subject_id,  # integer/int64 in the reference: a JSON number
                "html_url": f"/{username}", "url": f"/api/v1/users/{username}",
                "name": name, "user_name": username}
        items.append({holder: info, "quota_usage": usage_wire(usages.of(subject_id)),
                      "quota_configured": service.configured(default, cpu, memory, gpu)})
    return {field: items, "next_page_token": result.next_page_token,
            "total_count": int64_text(count)}


@operation("ListUsersQuota")
def list_users_quota(call: Call) -> dict:
    return _quotas(call, USERS, "user_quota", "user")


@operation("ListGroupsQuota")
def list_groups_quota(call: Call) -> dict:
    return _quotas(call, TEAMS, "group_quota", "group")


def _per_label(call: Call, subject: Subject, field: str) -> dict:
    require_site_admin(call.user, WHAT)
    rows = service.all_accelerator_quotas(call.session, subject, call.query)
    usages = Totals(subject.usage(call.session, call.now))
    items = [{
        subject.key: str(row.subject_id),
        ("username" if subject.kind == "user" else "team_name"): row.subject_name,
        "accelerator_id": str(row.accelerator_id),
        "quota_usage": usage_wire(usages.of(row.subject_id, row.accelerator_id)),
        "quota_configured": {"cpu": "", "memory": "", "nvidia_gpu": row.gpu_quota},
    } for row in rows]
    # Not paged: every entry comes at once, so there is never a next page.
    return {field: items, "next_page_token": "", "total_count": int64_text(len(items))}


def _per_subject(answer: Callable[..., dict], users: tuple[str, str],
                 teams: tuple[str, str]) -> None:
    """Register ``answer`` once for users and once for teams, each as (operation id, the
    field that holds the entries in request and answer)."""
    for subject, (op_id, field) in ((USERS, users), (TEAMS, teams)):
        operation(op_id)(partial(answer, subject=subject, field=field))


_per_subject(_per_label, ("ListUsersAcceleratorQuota", "user_accelerator_quota"),
             ("ListTeamsAcceleratorQuota", "team_accelerator_quota"))


def _based(call: Call, subject: Subject, field: str) -> dict:
    require_site_admin(call.user, WHAT)
    result = service.list_accelerator_quotas(call.session, subject, call.query)
    items = [{
        subject.key: str(subject_id),
        "accelerator_id": str(label_id),
        "gpu_quota": gpu_quota,
        "accelerator_key": key,
        "accelerator_value": value,
    } for subject_id, _name, label_id, gpu_quota, key, value, _own in result.rows]
    return {field: items, "next_page_token": result.next_page_token}


_per_subject(_based, ("ListAcceleratorBasedUserQuota", "accelerator_based_user_quota"),
             ("ListAcceleratorBasedTeamQuota", "accelerator_based_team_quota"))


def _update(call: Call, subject: Subject, field: str) -> dict:
    require_site_admin(call.user, WHAT)
    entries = (call.body or {}).get(field)
    return {"rows_affected": service.update_accelerator_quotas(call.session, subject, entries)}


_per_subject(_update, ("UpdateAcceleratorBasedUserQuota", "accelerator_based_user_quota"),
             ("UpdateAcceleratorBasedTeamQuota", "accelerator_based_team_quota"))
