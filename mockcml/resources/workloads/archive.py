"""DashboardsArchive: finished workloads older than N days leave the usage views.

[inferred] A workload's dashboard is its entry in usage and executions; archiving keeps
the run, application or deployment itself (its own list still shows it) and drops only
that entry. Active workloads are never archived.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from mockcml.core.errors import InvalidArgument
from mockcml.resources.workloads import source
from mockcml.resources.workloads.tables import ArchivedWorkload

DAY = 86400.0


def archive(session: Session, raw_days: str, now: float) -> int:
    try:
        days = int(str(raw_days).strip())
    except ValueError:
        raise InvalidArgument(f"days_finished must be a whole number of days, not {raw_days!r}"
                              ) from None
    if not 0 <= days <= 36500:
        raise InvalidArgument("days_finished must be between 0 and 36500")
    w = source.executions(now)
    uids = session.execute(select(w.c.uid).where(
        w.c.ended_at.is_not(None), w.c.ended_at <= now - days * DAY)).scalars().all()
    session.add_all(ArchivedWorkload(uid=uid, archived_at=now) for uid in uids)
    return len(uids)
