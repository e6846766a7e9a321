"""Long-running operations: the operation record, the clock that ends them, and honest wait headers.

Used by :mod:`lzengine.emulator.backend` (which creates an :class:`Operation` for every PUT/DELETE
that is not synchronous and settles it when the :class:`Clock` passes its end), by provider handlers
(``after_put`` gets the operation so that inline children join it) and by the app (``Retry-After``
on polls and 429s). A leaf module: it imports nothing from the emulator.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


def retry_headers(seconds: float) -> dict[str, str]:
    """Honest wait headers for a poll or a 429.

    ``retry-after-ms`` is always sent and never ``0`` (azure-core treats a zero delay as "absent"
    and falls back to its 30 s default); ``Retry-After`` only when the wait is at least 1 s.
    """
    headers = {"retry-after-ms": str(max(1, int(seconds * 1000)))}
    if seconds >= 1:
        headers["Retry-After"] = str(int(seconds))
    return headers


@dataclass
class Operation:
    """A long-running operation: applied to ``members`` when the clock passes ``end``."""

    id: str
    kind: str  # "put" | "delete"
    namespace: str
    location: str
    subscription: str
    target: str  # key of the target resource
    lock_key: str
    start: float
    end: float
    api_version: str
    members: list[str] = field(default_factory=list)
    status: str = "InProgress"
    error: dict[str, Any] | None = None
    fail: bool = False
    is_rg: bool = False
    started_at: str = ""
    ended_at: str | None = None


class Clock:
    """Monotonic seconds plus an offset the admin API (and tests) can advance."""

    def __init__(self, base: Callable[[], float] | None = None) -> None:
        self._base = base or time.monotonic
        self.offset = 0.0

    def __call__(self) -> float:
        return self._base() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds
