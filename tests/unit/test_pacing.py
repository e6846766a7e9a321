"""The pacer spends ARM's per-subscription budget from its headers, in virtual time."""

from __future__ import annotations

import pytest

from lzengine.adapters.pacing import Pacer, operation_class, remaining_from, subscription_of


class Time:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_classes_and_subscriptions_from_requests() -> None:
    assert [operation_class(m) for m in ("GET", "head", "PUT", "PATCH", "POST", "DELETE")] == \
        ["reads", "reads", "writes", "writes", "writes", "deletes"]
    assert subscription_of("https://management.azure.com/subscriptions/ABC/resourceGroups/x?api-version=1") == "abc"
    assert subscription_of("https://management.azure.com/providers/Microsoft.Network?api-version=1") == "tenant"
    assert remaining_from({"x-ms-ratelimit-remaining-subscription-writes": "17",
                           "x-ms-ratelimit-remaining-subscription-global-writes": "12"}, "writes") == 12
    assert remaining_from({}, "reads") is None


def test_no_header_no_pacing() -> None:
    t = Time()
    pacer = Pacer(clock=t, sleep=t.sleep)
    for _ in range(1000):
        pacer.before("s", "writes")
        pacer.after("s", "writes", remaining=None)
    assert t.sleeps == []


def test_a_low_budget_waits_for_the_refill_instead_of_meeting_a_429() -> None:
    t = Time()
    pacer = Pacer(clock=t, sleep=t.sleep)
    pacer.before("s", "writes")
    pacer.after("s", "writes", remaining=2)  # two writes left; ARM refills 10 a second
    pacer.before("s", "writes")  # spends the one above the reserve
    assert t.sleeps == []
    pacer.before("s", "writes")  # would take the reserve: waits one refill
    assert t.sleeps == [pytest.approx(0.1)]
    pacer.before("other", "writes")  # another subscription has its own budget
    pacer.before("s", "reads")  # and reads their own
    assert len(t.sleeps) == 1


def test_a_429_holds_the_class_back_for_its_retry_after() -> None:
    t = Time()
    pacer = Pacer(clock=t, sleep=t.sleep)
    pacer.before("s", "reads")
    pacer.after("s", "reads", remaining=None, throttled=True, retry_after=3.0)
    pacer.before("s", "reads")
    assert sum(t.sleeps) >= 3.0 and pacer.stats.throttled == 1


def test_speedup_follows_a_faster_refilling_target() -> None:
    t = Time()
    pacer = Pacer(speedup=100, clock=t, sleep=t.sleep)
    pacer.before("s", "deletes")
    pacer.after("s", "deletes", remaining=0)
    pacer.before("s", "deletes")
    assert t.sleeps == [pytest.approx(2 / 1000)]  # 10/s x 100: two tokens (one + the reserve) in 2 ms
