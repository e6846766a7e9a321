"""ARM request throttling: per-subscription token buckets for reads, writes and deletes.

Called by :mod:`lzengine.emulator.app` once per ARM request (admin requests are exempt). The
buckets follow the regional limits ARM uses since 2024 (reads 250 with 25/s refill, writes and
deletes 200 with 10/s). ``mode``: ``"off"`` never throttles, ``"on"`` refills at the real rate,
``"scaled"`` refills ``1/time_scale`` times faster (so a test at ``time_scale=0.01`` gets
100× the rate; time scale 0 never throttles). The wait a 429 announces is computed from the
same bucket and the same clock that refills it, so after exactly that wait (on the emulator's
clock) the request is accepted, in every mode and time scale. The clock is injectable so tests
can step time. ``rejected`` counts 429s per operation class, for benchmarks and tests.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

LIMITS: dict[str, tuple[float, float]] = {
    "reads": (250.0, 25.0),
    "writes": (200.0, 10.0),
    "deletes": (200.0, 10.0),
}

MODES = ("on", "off", "scaled")


@dataclass
class Decision:
    """Outcome of one take: allowed or not, tokens left, seconds until the next token."""

    allowed: bool
    remaining: int
    wait: float


class _Bucket:
    def __init__(self, capacity: float, rate: float, now: float) -> None:
        self.capacity = capacity
        self.rate = rate
        self.tokens = capacity
        self.last = now

    def take(self, now: float) -> Decision:
        if now > self.last:
            self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.rate)
        self.last = max(self.last, now)
        if self.tokens >= 1.0 - 1e-9:
            self.tokens = max(0.0, self.tokens - 1.0)
            return Decision(True, int(self.tokens), 0.0)
        wait = (1.0 - self.tokens) / self.rate if self.rate > 0 else math.inf
        return Decision(False, 0, wait)


class Throttler:
    """Token buckets keyed by (subscription, kind)."""

    def __init__(self, mode: str = "on", time_scale: float = 1.0,
                 clock: Callable[[], float] | None = None) -> None:
        if mode not in MODES:
            raise ValueError(f"throttle mode must be one of {MODES}, not {mode!r}")
        self.mode = mode
        self.time_scale = time_scale
        self.clock = clock or time.monotonic
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._lock = threading.Lock()
        self.rejected: dict[str, int] = dict.fromkeys(LIMITS, 0)

    def _rate(self, base: float) -> float:
        if self.mode == "scaled":
            return math.inf if self.time_scale <= 0 else base / self.time_scale
        return base

    def take(self, subscription: str, kind: str) -> Decision:
        capacity, rate = LIMITS[kind]
        if self.mode == "off" or (self.mode == "scaled" and self.time_scale <= 0):  # infinitely fast refill
            return Decision(True, int(capacity) - 1, 0.0)
        with self._lock:
            now = self.clock()
            key = (subscription.lower(), kind)
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(capacity, self._rate(rate), now)
            decision = bucket.take(now)
            if not decision.allowed:
                self.rejected[kind] += 1
            return decision

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()
            self.rejected = dict.fromkeys(LIMITS, 0)

    def retry_headers(self, wait: float) -> dict[str, str]:
        """Retry-After (whole seconds, at least 1 in real-rate mode) plus retry-after-ms."""
        headers = {"retry-after-ms": str(max(1, math.ceil(wait * 1000)))}
        if self.mode == "on":
            headers["Retry-After"] = str(max(1, math.ceil(wait)))
        elif wait >= 1:
            headers["Retry-After"] = str(math.ceil(wait))
        return headers
