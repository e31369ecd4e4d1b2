"""Everything one running mock owns, hung on ``app.state.mock``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mockcml.core.clock import Clock
from mockcml.core.contract import Contract
from mockcml.core.db import Database
from mockcml.core.intake import Intake
from mockcml.kit.wire import BodyDecoder
from mockcml.settings import Settings


@dataclass
class Mock:
    settings: Settings
    db: Database
    clock: Clock
    contract: Contract
    decoder: BodyDecoder
    intake: Intake
    ready: bool = False
    scheduler: Any = None  # mockcml.lifecycle.scheduler.Scheduler, set by the app factory
    # Filled by later subsystems (scheduler, fixtures); kept loose to avoid import cycles.
    extras: dict[str, Any] = field(default_factory=dict)
