"""The mock's notion of time.

Mock time is real time plus an offset that tests can move forward, or a frozen
instant. Everything that depends on time (run phases, timeouts, cron, retries)
reads it from here, so moving the clock makes all of it behave as if that time had
passed. Listeners (the scheduler) are told when the clock jumps.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Clock:
    def __init__(self, offset: float = 0.0, frozen_at: float | None = None) -> None:
        self._offset = offset
        self._frozen_at = frozen_at
        self._listeners: list[Callable[[], None]] = []

    def now(self) -> float:
        """Mock time as epoch seconds."""
        if self._frozen_at is not None:
            return self._frozen_at
        return time.time() + self._offset

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    @property
    def offset(self) -> float:
        return self._offset

    @property
    def frozen_at(self) -> float | None:
        return self._frozen_at

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        if self._frozen_at is not None:
            self._frozen_at += seconds
        else:
            self._offset += seconds
        self._changed()
        return self.now()

    def freeze(self) -> float:
        self._frozen_at = self.now()
        self._changed()
        return self._frozen_at

    def unfreeze(self) -> float:
        if self._frozen_at is not None:
            self._offset = self._frozen_at - time.time()
            self._frozen_at = None
            self._changed()
        return self.now()

    def restore(self, offset: float, frozen_at: float | None) -> None:
        self._offset, self._frozen_at = offset, frozen_at
        self._changed()

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in self._listeners:
            listener()
