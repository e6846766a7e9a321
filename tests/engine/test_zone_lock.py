"""The landing zone's run lock against the emulator, through the real private DNS SDK client, in
virtual time: one holder at a time, a waiter that gives up naming the holder, a lease that
expires when its holder stops renewing, and a release that never deletes someone else's lock."""

from __future__ import annotations

import threading

import pytest

from lzengine.control_zone import ControlZone
from lzengine.zone_lock import LOCK_RECORD, SKEW_S, LockHeld, ZoneLock, zone_lock

T0 = 1_800_000_000.0  # a fixed wall-clock instant (2027-01-15), so timestamps are predictable


class Time:
    """A wall clock and a monotonic clock that only move when someone sleeps."""

    def __init__(self) -> None:
        self.wall = T0
        self.mono = 0.0
        self.on_sleep: list = []

    def sleep(self, seconds: float) -> None:
        self.wall += seconds
        self.mono += seconds
        for hook in list(self.on_sleep):
            hook()


@pytest.fixture
def control(harness) -> ControlZone:
    harness.adapter.write(_kind("resource_group"), _rg(harness), {"location": "swedencentral"})
    return ControlZone(harness.emulator.emu.subscription_id, "rg-hub", "contoso-ai")


def _kind(name: str):
    from lzengine.kinds import KINDS_BY_NAME

    return KINDS_BY_NAME[name]


def _rg(harness) -> str:
    return f"/subscriptions/{harness.emulator.emu.subscription_id}/resourceGroups/rg-hub"


def lock_for(harness, control, time: Time, holder: str, **options) -> ZoneLock:
    return ZoneLock(harness.adapter, control, holder=holder, clock=lambda: time.wall, monotonic=lambda: time.mono,
                    sleep=time.sleep, **options)


def test_first_holder_creates_the_control_zone_and_a_second_gives_up_naming_it(harness, control) -> None:
    time = Time()
    alice = lock_for(harness, control, time, "alice")
    info = alice.acquire()
    assert info.holder == "alice" and info.acquired == "2027-01-15T08:00:00Z"
    assert alice.created == {control.arm_id.lower()}  # the zone did not exist yet
    record = harness.adapter.get_txt_record("rg-hub", control.name, LOCK_RECORD)
    assert record["properties"]["metadata"]["holder"] == "alice"
    assert record["properties"]["metadata"]["expires"] == "2027-01-15T08:02:00Z"  # the default 120 s lease

    bob = lock_for(harness, control, time, "bob", timeout_s=30, poll_s=5)
    waits: list = []
    bob.on_wait = waits.append
    with pytest.raises(LockHeld) as exc:
        bob.acquire()
    message = str(exc.value)
    assert "locked by alice on" in message and "since 2027-01-15T08:00:00Z" in message
    assert "waiting 30 s" in message
    assert [w.holder for w in waits] == ["alice"]  # announced once, then polled every 5 s
    assert time.mono == 30.0


def test_a_waiter_gets_the_lock_when_the_holder_releases_it(harness, control) -> None:
    time = Time()
    alice = lock_for(harness, control, time, "alice")
    alice.acquire()
    time.on_sleep.append(lambda: time.mono >= 10 and alice.released_at is None and alice.release())
    bob = lock_for(harness, control, time, "bob", timeout_s=60, poll_s=5)
    assert bob.acquire().holder == "bob"
    assert time.mono == 10.0 and bob.took_over is None
    assert bob.waited and not alice.waited  # bob's earlier decisions are stale: apply plans again
    record = harness.adapter.get_txt_record("rg-hub", control.name, LOCK_RECORD)
    assert record["properties"]["metadata"]["holder"] == "bob"


def test_an_expired_lease_is_taken_over_and_its_old_holder_cannot_release_it(harness, control) -> None:
    time = Time()
    dead = lock_for(harness, control, time, "crashed-runner", lease_s=60)
    dead.acquire()
    time.wall += 60 + SKEW_S + 1  # the holder died: nobody renewed its lease
    bob = lock_for(harness, control, time, "bob", timeout_s=0)
    assert bob.acquire().holder == "bob"
    assert bob.took_over is not None and bob.took_over.holder == "crashed-runner"
    # the old holder wakes up: its renewal fails (412) and its release leaves bob's lock alone
    assert dead.renew() is False and dead.lost
    dead.release()
    record = harness.adapter.get_txt_record("rg-hub", control.name, LOCK_RECORD)
    assert record["properties"]["metadata"]["holder"] == "bob"


def test_a_holder_whose_record_stops_changing_is_dead_whatever_the_clocks_say(harness, control) -> None:
    time = Time()
    frozen = lock_for(harness, control, time, "frozen", lease_s=60)
    frozen.acquire()
    # the waiter's wall clock lags far behind (expires looks like the future), but it watches the
    # same etag for longer than the lease: the holder stopped renewing
    lagging = Time()
    lagging.wall = T0 - 3600
    bob = ZoneLock(harness.adapter, control, holder="bob", lease_s=60, timeout_s=600, poll_s=10,
                   clock=lambda: lagging.wall, monotonic=lambda: lagging.mono, sleep=lagging.sleep)
    assert bob.acquire().holder == "bob"
    assert 60 + SKEW_S < lagging.mono <= 60 + SKEW_S + 10


def test_the_heartbeat_renews_the_lease_and_release_deletes_the_record(harness, control) -> None:
    time = Time()
    beats = threading.Semaphore(0)
    done = threading.Event()

    def wait(stop: threading.Event, seconds: float) -> bool:
        assert seconds == pytest.approx(40.0)  # a third of the lease
        time.wall += seconds
        if done.is_set():
            return stop.wait()  # the test has seen enough beats: wait for the block's end
        beats.release()
        return stop.is_set()

    with zone_lock(harness.adapter, control, holder="alice", clock=lambda: time.wall, wait=wait) as lock:
        first = lock.info.etag
        assert beats.acquire(timeout=10) and beats.acquire(timeout=10)
        done.set()
        with lock._guard:  # the renewal in flight, if any, has finished
            record = harness.adapter.get_txt_record("rg-hub", control.name, LOCK_RECORD)
        assert record["etag"] != first
        assert record["properties"]["metadata"]["acquired"] == "2027-01-15T08:00:00Z"
        assert record["properties"]["metadata"]["expires"] > "2027-01-15T08:02:00Z"
    assert harness.adapter.get_txt_record("rg-hub", control.name, LOCK_RECORD) is None
    assert lock.released_at is not None and not lock.lost
