"""One run at a time per landing zone: a lease kept in Azure itself, as a TXT record set of the
landing zone's control zone (``lzengine.control_zone``).

Who uses it: ``lzengine.api.LandingZone.apply``/``destroy`` (so the CLI's ``apply``/``destroy``
and ``reconcile``) wrap their whole run in ``with zone_lock(...)``. Two runs of the same landing
zone from two machines never interleave: the second waits up to ``timeout_s``, then raises
``LockHeld`` naming who holds the lock and since when.

How (ARM's optimistic concurrency on private DNS record sets):

- acquire: PUT the record ``lzengine-lock`` with ``If-None-Match: *`` — only one writer can
  create it; everyone else gets 412 PreconditionFailed and reads who holds it;
- the record carries ``holder``, ``host``, ``pid``, ``run`` (a random id), ``acquired`` and
  ``expires`` (UTC, ISO 8601) as metadata;
- heartbeat: while the run lasts, a thread renews ``expires`` every third of the lease with
  ``If-Match: <etag>``; a 412 there means another run took the lock over (ours had expired), and
  the handle's ``lost`` is set;
- expiry: a holder that died stops renewing. A waiter takes the lock over (PUT with ``If-Match``
  of the stale etag, so only one waiter wins) when ``expires`` is more than ``SKEW_S`` in the
  past by its own clock, or when it has itself watched the same etag for longer than the lease
  plus ``SKEW_S`` (which needs no agreement between clocks);
- release: DELETE with ``If-Match: <etag>``, so a lock another run took over is never deleted.

The clock (wall time, for the timestamps), the monotonic clock, ``sleep`` and the heartbeat's
``wait`` are injectable, so tests run in virtual time.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lzengine.adapters.base import Adapter, at
from lzengine.control_zone import ControlZone
from lzengine.errors import LzengineError, ProviderError

LOCK_RECORD = "lzengine-lock"
DEFAULT_TIMEOUT_S = 300.0
DEFAULT_LEASE_S = 120.0
DEFAULT_POLL_S = 5.0
#: how far two machines' clocks may disagree before a lease counts as expired
SKEW_S = 30.0
#: attempts at one lock call that fails transiently
TRANSIENT_ATTEMPTS = 5
#: where the lock lives is created on demand: these ARM codes mean the zone or its group is missing
MISSING_PARENT = {"parentresourcenotfound", "resourcenotfound", "resourcegroupnotfound", "notfound"}


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_iso(text: str) -> float | None:
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()
    except (TypeError, ValueError):
        return None


def default_holder() -> str:
    """Who is asking: ``LZENGINE_LOCK_HOLDER`` (e.g. a CI run's name), else the user name."""
    explicit = os.environ.get("LZENGINE_LOCK_HOLDER")
    if explicit:
        return explicit
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass(frozen=True)
class LockInfo:
    """What the lock record says."""

    holder: str
    host: str
    pid: int
    run: str
    acquired: str
    expires: str
    etag: str = ""

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> LockInfo:
        metadata = (record.get("properties") or {}).get("metadata") or {}
        try:
            pid = int(metadata.get("pid", 0))
        except (TypeError, ValueError):
            pid = 0
        return cls(str(metadata.get("holder", "?")), str(metadata.get("host", "?")), pid,
                   str(metadata.get("run", "")), str(metadata.get("acquired", "?")),
                   str(metadata.get("expires", "?")), str(record.get("etag") or ""))

    def describe(self) -> str:
        return f"{self.holder} on {self.host} (pid {self.pid}) since {self.acquired}"

    def as_dict(self) -> dict[str, Any]:
        return {"holder": self.holder, "host": self.host, "pid": self.pid, "run": self.run,
                "acquired": self.acquired, "expires": self.expires}


class LockHeld(LzengineError):
    """Another run holds the landing zone's lock and did not release it within the timeout."""

    def __init__(self, landing_zone: str, holder: LockInfo, waited_s: float):
        self.landing_zone = landing_zone
        self.holder = holder
        self.waited_s = waited_s
        super().__init__(
            f"landing zone {landing_zone!r} is locked by {holder.describe()} (lease until {holder.expires}); "
            f"gave up after waiting {waited_s:.0f} s. Re-run later, or raise --lock-timeout")


class ZoneLock:
    """The lock of one landing zone; use ``zone_lock`` rather than calling this directly."""

    def __init__(
        self, adapter: Adapter, control: ControlZone, *, holder: str | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S, lease_s: float = DEFAULT_LEASE_S, poll_s: float = DEFAULT_POLL_S,
        resource_group_body: dict[str, Any] | None = None,
        clock: Callable[[], float] = time.time, monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep, on_wait: Callable[[LockInfo], None] | None = None,
    ):
        self.adapter = at(adapter, control.subscription)  # the control zone's subscription: the hub's
        self.control = control
        self.holder = holder or default_holder()
        self.timeout_s = timeout_s
        self.lease_s = lease_s
        self.poll_s = poll_s
        self.resource_group_body = resource_group_body
        self.clock = clock
        self.monotonic = monotonic
        self.sleep = sleep
        self.on_wait = on_wait
        self.run = uuid.uuid4().hex
        self.info: LockInfo | None = None
        self.acquired_at: float | None = None  # wall clock
        self.released_at: float | None = None
        self.took_over: LockInfo | None = None  # the stale lock this run replaced, if any
        self.lost = False
        #: True when another run held the lock first: decisions made before acquiring are stale
        self.waited = False
        #: lower-cased ids this lock created to have a place to live (a first run's hub resource
        #: group and the control zone), so the run can report them as its own creations
        self.created: set[str] = set()
        self._guard = threading.Lock()

    def _call(self, operation: Callable[[], Any]) -> Any:
        """One ARM call, retried a few times on transient failures (throttling, 5xx, dropped
        connections); a failed condition (412) or a missing zone is the caller's to handle."""
        from lzengine.retry import Classification, classify

        for attempt in range(TRANSIENT_ATTEMPTS):
            try:
                return operation()
            except ProviderError as error:
                last = attempt == TRANSIENT_ATTEMPTS - 1
                if last or error.status in (404, 412) or error.code.lower() in MISSING_PARENT \
                        or classify(error) is not Classification.RETRYABLE:
                    raise
                self.sleep(error.retry_after or min(2.0 ** attempt, 10.0))
        raise AssertionError("unreachable")

    # -- the record ------------------------------------------------------------------------------
    def _body(self, acquired: str) -> dict[str, Any]:
        now = self.clock()
        return {"properties": {
            "ttl": 60,
            "metadata": {"holder": self.holder, "host": socket.gethostname(), "pid": str(os.getpid()),
                         "run": self.run, "acquired": acquired, "expires": _iso(now + self.lease_s)},
            "txtRecords": [{"value": [f"lzengine run lock of {self.control.landing_zone}, held by {self.holder}"]}],
        }}

    def _put(self, *, if_match: str | None = None, acquired: str | None = None) -> LockInfo:
        body = self._body(acquired or _iso(self.clock()))
        record = self._call(lambda: self.adapter.put_txt_record(
            self.control.resource_group, self.control.name, LOCK_RECORD, body,
            if_match=if_match, if_none_match=if_match is None))
        return LockInfo.from_record({**body, **{k: v for k, v in (record or {}).items() if k == "etag"}})

    def _current(self) -> LockInfo | None:
        record = self._call(lambda: self.adapter.get_txt_record(
            self.control.resource_group, self.control.name, LOCK_RECORD))
        return LockInfo.from_record(record) if record else None

    # -- protocol --------------------------------------------------------------------------------
    def acquire(self) -> LockInfo:
        """Take the lock, waiting up to ``timeout_s``; raises ``LockHeld`` when it stays taken."""
        started = self.monotonic()
        watched: tuple[str, float] | None = None  # (etag, since) of the holder's record
        announced = ""
        created_parent = False
        while True:
            try:
                self.info = self._put()
                break
            except ProviderError as error:
                if error.code.lower() in MISSING_PARENT and not created_parent:
                    self.created |= self.control.ensure(self.adapter, self.resource_group_body)
                    created_parent = True
                    continue
                if error.status != 412:
                    raise
            current = self._current()
            if current is None:
                continue  # released in between: try again at once
            if current.run == self.run:  # our own PUT went through but its answer was lost
                self.info = current
                break
            self.waited = True
            now = self.monotonic()
            if watched is None or watched[0] != current.etag:
                watched = (current.etag, now)
            if self._stale(current, now - watched[1]):
                try:
                    self.info = self._put(if_match=current.etag)
                    self.took_over = current
                    break
                except ProviderError as error:
                    if error.status != 412:
                        raise
                    continue  # another waiter took it over first
            waited = now - started
            if waited >= self.timeout_s:
                raise LockHeld(self.control.landing_zone, current, waited)
            if self.on_wait is not None and announced != current.run:
                announced = current.run
                self.on_wait(current)
            self.sleep(max(0.0, min(self.poll_s, self.timeout_s - waited)))
        self.acquired_at = self.clock()
        return self.info

    def _stale(self, current: LockInfo, unchanged_for_s: float) -> bool:
        expires = _parse_iso(current.expires)
        if expires is not None and expires + SKEW_S < self.clock():
            return True
        return unchanged_for_s > self.lease_s + SKEW_S

    def renew(self) -> bool:
        """Push ``expires`` one lease further (``If-Match``); False when the lock was taken over."""
        with self._guard:
            if self.info is None or self.lost:
                return False
            try:
                self.info = self._put(if_match=self.info.etag, acquired=self.info.acquired)
                return True
            except ProviderError as error:
                if error.status in (412, 404):
                    self.lost = True
                    return False
                raise

    def release(self) -> None:
        """Delete the record if it is still ours (``If-Match``)."""
        with self._guard:
            self.released_at = self.clock()  # the run's work under the lock ends here
            if self.info is not None and not self.lost:
                try:
                    etag = self.info.etag
                    self._call(lambda: self.adapter.delete_txt_record(
                        self.control.resource_group, self.control.name, LOCK_RECORD, if_match=etag))
                except ProviderError as error:
                    if error.status != 412:
                        raise

    def as_dict(self) -> dict[str, Any]:
        """For reports: who held the lock, and when this run acquired and released it (UTC)."""
        return {
            **(self.info.as_dict() if self.info else {}),
            "acquired_at": self.acquired_at, "released_at": self.released_at, "lost": self.lost,
            "took_over": self.took_over.as_dict() if self.took_over else None,
        }


@contextlib.contextmanager
def zone_lock(
    adapter: Adapter, control: ControlZone, *, holder: str | None = None, timeout_s: float = DEFAULT_TIMEOUT_S,
    lease_s: float = DEFAULT_LEASE_S, poll_s: float = DEFAULT_POLL_S, resource_group_body: dict[str, Any] | None = None,
    on_wait: Callable[[LockInfo], None] | None = None, clock: Callable[[], float] = time.time,
    monotonic: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
    wait: Callable[[threading.Event, float], bool] | None = None,
) -> Iterator[ZoneLock]:
    """Hold the landing zone's lock for the ``with`` block, renewed by a heartbeat thread.

    ``resource_group_body``: the hub resource group's body, to create it (and the control zone)
    when a landing zone's very first run finds nothing. ``wait(event, seconds)`` is the
    heartbeat's pause (``Event.wait`` by default)."""
    lock = ZoneLock(adapter, control, holder=holder, timeout_s=timeout_s, lease_s=lease_s, poll_s=poll_s,
                    resource_group_body=resource_group_body, clock=clock, monotonic=monotonic, sleep=sleep,
                    on_wait=on_wait)
    lock.acquire()
    stop = threading.Event()
    pause = wait or (lambda event, seconds: event.wait(seconds))

    def heartbeat() -> None:
        while not pause(stop, lease_s / 3):
            try:
                if not lock.renew():
                    return
            except LzengineError:
                continue  # a transient failure: the next beat tries again, well within the lease

    beat = threading.Thread(target=heartbeat, name="lz-lock-heartbeat", daemon=True)
    beat.start()
    try:
        yield lock
    finally:
        stop.set()
        beat.join(timeout=10)
        lock.release()
