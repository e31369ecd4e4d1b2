"""Default quotas for users and for teams: set (a new active row, the old one kept as
history) and read.

[inferred] Quantities are non-negative numbers written as strings (CPU in cores, memory
in GiB, GPUs as a whole number), optionally with a Kubernetes suffix (500m, 16Gi); a
quantity left out keeps the value of the active default. The ``uuid`` the reference adds
to these calls is accepted and not used.
"""

from __future__ import annotations

import math
import re
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session, col

from mockcml.core.errors import InvalidArgument
from mockcml.kit.wire import timestamp
from mockcml.resources.quotas.tables import DefaultQuota

USER, TEAM = "user", "team"
_FIELDS = ("requests_cpu", "requests_memory", "requests_gpu")


# Kubernetes quantity suffixes ("500m" CPU, "16Gi" memory), which quota values may carry.
_QUANTITY = re.compile(r"(?P<number>[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)"
                       r"(?P<suffix>m|k|M|G|T|Ki|Mi|Gi|Ti)?")


def quantity(value: Any, where: str, *, whole: bool = False) -> str:
    """A quota quantity as stored: as sent, trimmed; "" for none."""
    text = value.strip() if isinstance(value, str) else None
    if text is None:
        raise InvalidArgument(f"{where} must be a string holding a number")
    if text == "":
        return ""
    match = _QUANTITY.fullmatch(text) if len(text) <= 32 else None
    if match is None or (whole and match.group("suffix")):
        raise InvalidArgument(f"{where}: {value!r} is not a quantity like 4, 0.5, 500m or 16Gi")
    number = float(match.group("number"))
    if not math.isfinite(number) or number < 0:
        raise InvalidArgument(f"{where} must be a finite number of at least 0")
    if whole and not number.is_integer():
        raise InvalidArgument(f"{where} must be a whole number")
    return text


def active_default(session: Session, owner_type: str) -> DefaultQuota | None:
    query = select(DefaultQuota).where(col(DefaultQuota.owner_type) == owner_type,
                                       col(DefaultQuota.active).is_(True))
    return session.execute(query.order_by(col(DefaultQuota.id).desc()).limit(1)).scalar_one_or_none()


def all_defaults(session: Session) -> list[DefaultQuota]:
    return list(session.execute(select(DefaultQuota).order_by(col(DefaultQuota.id))).scalars())


def default_values(quota: dict[str, Any]) -> dict[str, str]:
    """The quantities a SetDefaultQuota body sets (checked), by column."""
    return {name: quantity(quota[name], f"quota.{name}", whole=name == "requests_gpu")
            for name in _FIELDS if name in quota}


def default_row(owner_type: str, values: dict[str, str], now: float) -> dict[str, Any]:
    """A new active default quota: SetDefaultQuota's row, and a fixture's."""
    return {"owner_type": owner_type, "active": True, "created_at": now,
            **{name: values.get(name, "") for name in _FIELDS}}


def set_default(session: Session, owner_type: str, body: dict[str, Any], now: float) -> None:
    quota = body.get("quota")
    if not quota:
        raise InvalidArgument("quota is required")
    sent = quota.get("owner_type")
    if sent and sent.lower() != owner_type:
        raise InvalidArgument(f"quota.owner_type must be {owner_type!r} here")
    values = default_values(quota)
    if not values:
        raise InvalidArgument("quota must set requests_cpu, requests_memory or requests_gpu")
    current = active_default(session, owner_type)
    kept = {name: getattr(current, name) if current else "" for name in _FIELDS}
    session.execute(update(DefaultQuota).where(col(DefaultQuota.owner_type) == owner_type)
                    .values(active=False))
    session.add(DefaultQuota(**default_row(owner_type, {**kept, **values}, now)))
    session.flush()


def default_wire(quota: DefaultQuota) -> dict:
    return {
        "id": quota.id,  # integer/int64 in the reference: a JSON number
        "requests_memory": quota.requests_memory,
        "requests_cpu": quota.requests_cpu,
        "requests_gpu": quota.requests_gpu,
        "created_at": timestamp(quota.created_at),
        "active": quota.active,
        "owner_type": quota.owner_type,
    }
