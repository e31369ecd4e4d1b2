"""Everything one running mock owns, hung on ``app.state.mock``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mockcml.core.auth import KeyCache
from mockcml.core.clock import Clock
from mockcml.core.contract import Contract
from mockcml.core.db import Database
from mockcml.core.intake import Intake
from mockcml.core.render import ResponseStyle
from mockcml.kit.wire import BodyDecoder
from mockcml.settings import Settings

if TYPE_CHECKING:  # these import core themselves; typed here, built by the app factory
    from mockcml.control.faults import FaultBook
    from mockcml.control.journal import Journal
    from mockcml.control.shared.state import LocalState
    from mockcml.control.snapshots import Snapshots
    from mockcml.control.unknown_fields import UnknownFields
    from mockcml.fixtures.kept import KeptScenario
    from mockcml.lifecycle.scheduler import Scheduler


@dataclass
class Mock:
    settings: Settings
    db: Database
    clock: Clock
    contract: Contract
    decoder: BodyDecoder
    intake: Intake
    ready: bool = False
    key_cache: KeyCache = field(default_factory=KeyCache)  # keys seen (core/auth.py)
    # The subsystems below need the mock to be built, so the app factory
    # (mockcml.app.build_mock) sets them right after; reading one earlier raises
    # AttributeError rather than handing out a None.
    scheduler: Scheduler = field(init=False)
    faults: FaultBook = field(init=False)
    journal: Journal = field(init=False)
    snapshots: Snapshots = field(init=False)
    unknown_fields: UnknownFields = field(init=False)
    response_style: ResponseStyle = field(init=False)
    # memory mode: does nothing; database mode: keeps this process in step with the others
    # on the same database (control/shared/state.py).
    shared: LocalState = field(init=False)
    # The checked fixtures (None: there are none), packed once seeded (fixtures/kept.py).
    # ``mockcml serve`` reads them before start() so that it can refuse bad ones early;
    # start() reads them when nobody has.
    scenario: KeptScenario | None = None
    scenario_read: bool = False
    # One of the processes of ``mockcml serve --workers N``: the first to start seeds the
    # fixtures, and the others find the database seeded without a warning.
    one_of_workers: bool = False
