"""ARM-aware pacing: spend the subscription's request budget so that a 429 is the exception.

Who uses it: ``lzengine.adapters.azure_sdk`` puts ``pacing_policy(pacer)`` last in every SDK
client's pipeline, so every HTTP request (reads, writes, deletes and the polls of long-running
operations) passes ``Pacer.before`` and every answer ``Pacer.after``.

ARM limits requests per subscription and operation class with token buckets (since 2024:
reads 250 refilled at 25/s, writes and deletes 200 at 10/s; see
https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling)
and tells the client what is left in ``x-ms-ratelimit-remaining-subscription-{reads,writes,
deletes}`` on every answer (``...-global-...`` variants too). The pacer keeps one estimate per
(subscription, class): the last header, minus the requests still in flight, refilled at the
documented rate times ``speedup`` (a local emulator that refills faster than Azure). A request
that would take the last token waits for the refill instead; a 429 sets the class aside until
the server's Retry-After has passed, for every thread at once. Unknown classes and subscriptions
whose answers carry no header are never held back. Keyed by subscription id throughout, so
several subscriptions pace independently. Clock and sleep are injectable for virtual-time tests.

Who goes first when the budget is short: the caller's ``priority`` (``paced_as``; the executor
passes each resource's expected seconds to the end of the run, so a write on the critical path
or at the head of a long serialised queue is not stuck behind hundreds of writes that can wait).
A waiter takes a token only when enough are left for every waiter ranked above it; equal
priorities go first come, first served. ``paced_as`` also names the resource, so the seconds it
waited are counted per resource (``Pacer.waited_by``) for the benchmark's timeline.
"""

from __future__ import annotations

import itertools
import math
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

#: ARM's documented bucket per operation class: (capacity, refill per second)
ARM_LIMITS: dict[str, tuple[float, float]] = {
    "reads": (250.0, 25.0),
    "writes": (200.0, 10.0),
    "deletes": (200.0, 10.0),
}
_SUBSCRIPTION = re.compile(r"/subscriptions/([^/?#]+)", re.IGNORECASE)


def operation_class(method: str) -> str:
    """ARM's operation class of an HTTP method: GET/HEAD read, DELETE delete, the rest write."""
    method = method.upper()
    if method in ("GET", "HEAD"):
        return "reads"
    return "deletes" if method == "DELETE" else "writes"


def subscription_of(url: str) -> str:
    """The subscription id a request URL addresses (lower case), or ``"tenant"``."""
    found = _SUBSCRIPTION.search(url)
    return found.group(1).lower() if found else "tenant"


_context = threading.local()


@contextmanager
def paced_as(priority: float, label: str | None = None) -> Iterator[None]:
    """Requests this thread makes inside the block wait at the pacer with ``priority`` (higher
    goes first) and count their waits under ``label``. Called by the executor around each
    resource's operation; requests outside any block have priority 0 and no label."""
    previous = getattr(_context, "current", None)
    _context.current = (priority, label)
    try:
        yield
    finally:
        _context.current = previous


def _current() -> tuple[float, str | None]:
    return getattr(_context, "current", None) or (0.0, None)


@dataclass
class _Budget:
    capacity: float
    rate: float
    tokens: float | None = None  # None: no header seen yet, nothing to pace on
    last: float = 0.0
    in_flight: int = 0
    blocked_until: float = 0.0
    #: (-priority, arrival) of every request waiting for this budget, to let the best go first
    waiting: set[tuple[float, int]] = field(default_factory=set)


@dataclass
class PacingStats:
    """What pacing did, for benchmarks and tests."""

    waits: int = 0
    waited_s: float = 0.0
    throttled: int = 0
    #: 429s per operation class (a request ARM refused took no token from its bucket)
    throttled_by_class: dict[str, int] = field(default_factory=dict)


class Pacer:
    """Per-(subscription, operation class) request budgets fed by ARM's rate-limit headers.

    ``speedup`` multiplies ARM's refill rates (``math.inf``: a target that never throttles);
    ``reserve`` tokens are left for other clients of the subscription."""

    def __init__(self, *, speedup: float = 1.0, reserve: float = 1.0,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self.speedup = speedup
        self.reserve = reserve
        self.clock = clock
        self.sleep = sleep
        self.stats = PacingStats()
        #: (label of ``paced_as``, operation class) -> seconds waited there
        self.waited_by: dict[tuple[str, str], float] = {}
        self._budgets: dict[tuple[str, str], _Budget] = {}
        self._lock = threading.Lock()
        self._arrivals = itertools.count()

    def _budget(self, subscription: str, op_class: str) -> _Budget:
        key = (subscription.lower(), op_class)
        budget = self._budgets.get(key)
        if budget is None:
            capacity, rate = ARM_LIMITS.get(op_class, ARM_LIMITS["writes"])
            budget = self._budgets[key] = _Budget(capacity, rate * self.speedup)
        return budget

    def before(self, subscription: str, op_class: str) -> None:
        """Wait until a request of ``op_class`` fits the subscription's budget, then count it.

        A request takes a token when one is left beyond the reserve and beyond one for each
        waiter of the same budget ranked above it (``paced_as``); otherwise it waits for the
        refill that would let it through, then looks again."""
        priority, label = _current()
        ticket: tuple[float, int] | None = None
        budget: _Budget | None = None
        try:
            while True:
                with self._lock:
                    budget = self._budget(subscription, op_class)
                    now = self.clock()
                    wait = budget.blocked_until - now
                    if wait <= 0:
                        if budget.tokens is None or math.isinf(budget.rate):
                            budget.in_flight += 1
                            return
                        budget.tokens = min(budget.capacity, budget.tokens + (now - budget.last) * budget.rate)
                        budget.last = now
                        ahead = self._ahead(budget, ticket, priority)
                        needed = 1 + self.reserve + ahead
                        if budget.tokens >= needed - 1e-6:  # (float refill arithmetic)
                            budget.tokens -= 1
                            budget.in_flight += 1
                            return
                        wait = max(0.001, (needed - budget.tokens) / budget.rate) if budget.rate > 0 else 1.0
                    if ticket is None:
                        ticket = (-priority, next(self._arrivals))
                        budget.waiting.add(ticket)
                    self.stats.waits += 1
                    self.stats.waited_s += wait
                    if label is not None:
                        key = (label, op_class)
                        self.waited_by[key] = self.waited_by.get(key, 0.0) + wait
                self.sleep(wait)
        finally:
            if ticket is not None and budget is not None:
                with self._lock:
                    budget.waiting.discard(ticket)

    @staticmethod
    def _ahead(budget: _Budget, ticket: tuple[float, int] | None, priority: float) -> int:
        """How many waiters of ``budget`` go before this request (a newcomer without a ticket
        queues behind the waiters of its own priority)."""
        if not budget.waiting:
            return 0
        if ticket is None:
            return sum(1 for other in budget.waiting if other[0] <= -priority)
        return sum(1 for other in budget.waiting if other < ticket)

    def after(self, subscription: str, op_class: str, *, remaining: int | None, throttled: bool = False,
              retry_after: float | None = None) -> None:
        """Learn from an answer (or a request that got no answer: all None/False)."""
        with self._lock:
            budget = self._budget(subscription, op_class)
            budget.in_flight = max(0, budget.in_flight - 1)
            now = self.clock()
            if throttled:
                self.stats.throttled += 1
                self.stats.throttled_by_class[op_class] = self.stats.throttled_by_class.get(op_class, 0) + 1
                wait = retry_after if retry_after is not None else (1 / budget.rate if budget.rate > 0 else 1.0)
                budget.blocked_until = max(budget.blocked_until, now + wait)
                budget.tokens, budget.last = 0.0, now + wait
            elif remaining is not None:
                budget.capacity = max(budget.capacity, remaining + 1.0)
                budget.tokens = float(remaining) - budget.in_flight  # the others may not be counted yet
                budget.last = now

    def budgets(self) -> dict[tuple[str, str], float | None]:
        """(subscription, operation class) → the requests the pacer believes are left there (None
        before a header was seen): one independent budget per subscription, for tests and reports."""
        with self._lock:
            return {key: budget.tokens for key, budget in self._budgets.items()}


def remaining_from(headers: Any, op_class: str) -> int | None:
    """The smallest remaining count among ARM's rate-limit headers for ``op_class``."""
    found: list[int] = []
    for name in (f"x-ms-ratelimit-remaining-subscription-{op_class}",
                 f"x-ms-ratelimit-remaining-subscription-global-{op_class}"):
        value = headers.get(name)
        if value is not None:
            try:
                found.append(int(value))
            except ValueError:
                continue
    return min(found) if found else None


def retry_after_from(headers: Any) -> float | None:
    """Seconds from ``retry-after-ms`` / ``x-ms-retry-after-ms`` / ``Retry-After`` (seconds form)."""
    for name, scale in (("retry-after-ms", 0.001), ("x-ms-retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value:
            try:
                return float(value) * scale
            except ValueError:
                continue
    return None


def pacing_policy(pacer: Pacer) -> Any:
    """An azure-core pipeline policy that paces every request through ``pacer`` (imports
    azure-core lazily, like the rest of the adapter)."""
    from azure.core.pipeline.policies import HTTPPolicy

    class PacingPolicy(HTTPPolicy):  # type: ignore[misc]
        def send(self, request: Any) -> Any:
            http_request = request.http_request
            subscription = subscription_of(http_request.url)
            op_class = operation_class(http_request.method)
            pacer.before(subscription, op_class)
            try:
                response = self.next.send(request)
            except BaseException:
                pacer.after(subscription, op_class, remaining=None)
                raise
            headers = response.http_response.headers
            throttled = response.http_response.status_code == 429
            pacer.after(subscription, op_class, remaining=remaining_from(headers, op_class), throttled=throttled,
                        retry_after=retry_after_from(headers) if throttled else None)
            return response

    return PacingPolicy()
