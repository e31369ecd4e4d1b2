"""The runtime add-on catalogue: fixed data, as a workspace ships it, and what a site
administrator changed (status) or uploaded since (misc/addon_admin.py).

Identifiers, components and display names follow the shapes a workspace lists
(``hadoop-cli-7.3.1.0-1``, ``spark351-24.1-h1``, component ``Spark``/``HadoopCLI``/``Ozone``);
the rows themselves are the mock's own. Statuses are the UpdateRuntimeAddonStatus values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import literal, select, union_all
from sqlmodel import Session

from mockcml.kit.listing import Listing, Page, page, substring
from mockcml.resources.misc.tables import RuntimeAddon

# Add-ons a job, application or AMP may be configured with.
USABLE = ("AVAILABLE", "DEPRECATED")


@dataclass(frozen=True)
class Addon:
    id: int
    identifier: str
    component: str
    display_name: str
    status: str
    manageable: bool
    created: str  # ISO date
    reason: str = ""

    @property
    def created_at(self) -> float:
        return datetime.fromisoformat(self.created).replace(tzinfo=UTC).timestamp()


ADDONS: tuple[Addon, ...] = (
    Addon(1, "hadoop-cli-7.2.18-hf3", "HadoopCLI", "Hadoop CLI - CDP 7.2.18 - HOTFIX-3",
          "AVAILABLE", False, "2024-03-04T09:00:00"),
    Addon(2, "hadoop-cli-7.3.1.0-1", "HadoopCLI", "Hadoop CLI - CDP 7.3.1",
          "AVAILABLE", False, "2025-01-20T09:00:00"),
    Addon(3, "spark243-18-hf4", "Spark", "Spark 2.4.8 - CDE 1.18 - HOTFIX-4",
          "DISABLED", True, "2023-06-12T09:00:00", "disabled by a site administrator"),
    Addon(4, "spark320-18-hf4", "Spark", "Spark 3.2.3 - CDE 1.18 - HOTFIX-4",
          "DEPRECATED", True, "2023-06-12T09:00:00",
          "Spark 3.2 is deprecated: move to Spark 3.3 or 3.5"),
    Addon(5, "spark332-22-hf1", "Spark", "Spark 3.3.2 - CDE 1.22 - HOTFIX-1",
          "AVAILABLE", True, "2024-09-16T09:00:00"),
    Addon(6, "spark351-24.1-h1", "Spark", "Spark 3.5.1 - CDE 1.24.1 - HOTFIX-1",
          "AVAILABLE", True, "2025-04-07T09:00:00"),
    Addon(7, "ozone-731.1.0-b2", "Ozone", "Ozone client - CDP 7.3.1",
          "AVAILABLE", False, "2025-01-20T09:00:00"),
)
BY_IDENTIFIER = {addon.identifier: addon for addon in ADDONS}
BY_ID = {addon.id: addon for addon in ADDONS}


def usable(session: Session, identifier: str) -> bool:
    row = session.execute(select(TABLE.c.status).where(TABLE.c.identifier == identifier)).first()
    return row is not None and row[0] in USABLE


def _rows():
    """The catalogue, with the workspace's changes and uploads, as an SQL subquery, so that
    the shared listing code pages it. Deleted add-ons are not listed."""
    changed = select(RuntimeAddon.id)
    selects = [
        select(
            literal(a.id).label("id"), literal(a.identifier).label("identifier"),
            literal(a.component).label("component"),
            literal(a.display_name).label("display_name"), literal(a.status).label("status"),
            literal(a.manageable).label("manageable"),
            literal(a.created_at).label("created_at"), literal(a.reason).label("reason"),
        ).where(literal(a.id).not_in(changed))
        for a in ADDONS
    ]
    stored = select(RuntimeAddon.id, RuntimeAddon.identifier, RuntimeAddon.component,
                    RuntimeAddon.display_name, RuntimeAddon.status, RuntimeAddon.manageable,
                    RuntimeAddon.created_at, RuntimeAddon.reason)
    every = union_all(*selects, stored).subquery("every_addon")
    return select(every).where(every.c.status != "DELETED").subquery("runtime_addons_view")


TABLE = _rows()
_KEYS = ("identifier", "component", "display_name", "status")
LISTING = Listing(
    model="RuntimeAddon",
    filters={key: substring(TABLE.c[key]) for key in _KEYS},
    # The reference names no sort keys; [inferred] the filter keys, id and created_at sort.
    sorts={**{key: TABLE.c[key] for key in _KEYS}, "id": TABLE.c.id,
           "created_at": TABLE.c.created_at},
    tiebreak=TABLE.c.id,
    default_sort=(("id", False),),
)


def list_addons(session: Session, params: dict[str, Any]) -> Page:
    return page(session, select(*TABLE.c), LISTING, params, plain=True)
