"""Long-running operations: the operation record, the clock that ends them, and honest wait headers.

Used by :mod:`lzengine.emulator.backend` (which creates an :class:`Operation` for every PUT/DELETE
that is not synchronous and settles it when the :class:`Clock` passes its end), by provider handlers
(``after_put`` gets the operation so that inline children join it) and by the app (``Retry-After``
on polls and 429s). A leaf module: it imports nothing from the emulator.
"""

from __future__ import annotations

import heapq
import itertools
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote


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
    bare_status: bool = False  # the status answer is ``{"status"}`` only (the registry row says so)
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


def utcnow_iso() -> str:
    """An ARM timestamp with 7 fractional digits (``2026-01-01T00:00:00.1234560Z``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


class Operations:
    """Every long-running operation of one emulator: start, find, due, and their polling answers.

    An operation ends ``seconds × time_scale`` after it started; the backend completes it (applies its
    effect to the store) when :meth:`due` yields it. ``active`` maps a lock key (a resource family
    or a resource) to the operation that holds it, for ``AnotherOperationInProgress``.
    """

    def __init__(self, clock: Callable[[], float], subscription_id: str, time_scale: float) -> None:
        self.clock = clock
        self.subscription_id = subscription_id
        self.time_scale = time_scale
        self.ops: OrderedDict[str, Operation] = OrderedDict()
        self._heap: list[tuple[float, int, str]] = []
        self._seq = itertools.count()
        self.active: dict[str, str] = {}

    def clear(self) -> None:
        self.ops.clear()
        self._heap.clear()
        self.active.clear()

    def start(self, kind: str, namespace: str, location: str, target: str, lock_key: str, seconds: float,
              api_version: str, *, fail: bool = False, is_rg: bool = False,
              bare_status: bool = False, subscription: str | None = None) -> Operation:
        now = self.clock()
        op = Operation(id=str(uuid.uuid4()), kind=kind, namespace=namespace, location=location or "global",
                       subscription=subscription or self.subscription_id, target=target, lock_key=lock_key, start=now,
                       end=now + seconds * self.time_scale, api_version=api_version, fail=fail, is_rg=is_rg,
                       bare_status=bare_status, started_at=utcnow_iso())
        self.ops[op.id] = op
        heapq.heappush(self._heap, (op.end, next(self._seq), op.id))
        self.active[lock_key] = op.id
        if len(self.ops) > 20000:
            for old_id in list(itertools.islice(self.ops, 5000)):
                if self.ops[old_id].status != "InProgress":
                    del self.ops[old_id]
        return op

    def get(self, op_id: str) -> Operation | None:
        return self.ops.get(op_id)

    def due(self) -> Iterator[Operation]:
        """Running operations whose end time has passed, earliest first (each yielded once)."""
        now = self.clock()
        while self._heap and self._heap[0][0] <= now:
            _, _, op_id = heapq.heappop(self._heap)
            op = self.ops.get(op_id)
            if op is not None and op.status == "InProgress":
                yield op

    def drain(self) -> list[Operation]:
        """Every running operation, whatever its end time (the admin ``settle``)."""
        pending = [op for op in self.ops.values() if op.status == "InProgress"]
        self._heap.clear()
        return pending

    def finished(self, op: Operation, status: str, error: dict[str, Any] | None = None) -> None:
        """Mark ``op`` ended and release its lock."""
        if self.active.get(op.lock_key) == op.id:
            del self.active[op.lock_key]
        op.ended_at = utcnow_iso()
        op.status = status
        op.error = error

    def holding(self, lock_key: str) -> Operation | None:
        """The running operation that holds ``lock_key``, if any."""
        op_id = self.active.get(lock_key)
        if op_id is None:
            return None
        op = self.ops.get(op_id)
        if op is None or op.status != "InProgress":
            self.active.pop(lock_key, None)
            return None
        return op

    def remaining(self, op: Operation) -> float:
        return max(0.0, op.end - self.clock())

    def urls(self, op: Operation, base_url: str) -> tuple[str, str]:
        """(Azure-AsyncOperation URL, Location URL) of an operation."""
        q = f"?api-version={quote(op.api_version)}"
        if op.is_rg:
            url = f"{base_url}/subscriptions/{op.subscription}/operationresults/{op.id}{q}"
            return url, url
        root = f"{base_url}/subscriptions/{op.subscription}/providers/{op.namespace}/locations/{op.location}"
        return f"{root}/operations/{op.id}{q}", f"{root}/operationResults/{op.id}{q}"

    def status_body(self, op: Operation) -> tuple[dict[str, Any], dict[str, str]]:
        """The ``Azure-AsyncOperation`` answer (always 200): Network answers ``{"status"}`` only, the
        other providers the operation-status resource with id, name and times."""
        body: dict[str, Any] = {"status": op.status}
        if not op.bare_status:
            op_path = (f"/subscriptions/{op.subscription}/providers/{op.namespace}/locations/"
                       f"{op.location}/operationStatuses/{op.id}")
            body = {"id": op_path, "name": op.id, "status": op.status, "startTime": op.started_at}
            if op.ended_at:
                body["endTime"] = op.ended_at
                body["percentComplete"] = 100.0
        if op.error:
            body["error"] = op.error
        return body, (retry_headers(self.remaining(op)) if op.status == "InProgress" else {})
