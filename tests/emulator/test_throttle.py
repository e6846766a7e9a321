"""Per-subscription token buckets, rate-limit headers and the 429 answer."""

from __future__ import annotations

import pytest

from lzengine.emulator.throttle import Throttler

from .conftest import Arm, FakeClock


def test_bucket_limits_and_refill(clock: FakeClock) -> None:
    t = Throttler("on", 1.0, clock)
    results = [t.take("s", "writes") for _ in range(201)]
    assert [r.remaining for r in results[:3]] == [199, 198, 197]
    assert all(r.allowed for r in results[:200]) and not results[200].allowed
    assert results[200].wait == pytest.approx(0.1)  # 10 writes per second
    clock.advance(0.1)
    assert t.take("s", "writes").allowed
    assert t.take("other-sub", "writes").allowed  # buckets are per subscription
    reads = [t.take("s", "reads") for _ in range(251)]
    assert not reads[250].allowed and reads[250].wait == pytest.approx(0.04)


def test_scaled_mode_refills_faster(clock: FakeClock) -> None:
    t = Throttler("scaled", 0.01, clock)
    for _ in range(200):
        assert t.take("s", "deletes").allowed
    d = t.take("s", "deletes")
    assert not d.allowed and d.wait == pytest.approx(0.001)
    assert "Retry-After" not in t.retry_headers(d.wait) and t.retry_headers(d.wait)["retry-after-ms"] == "1"
    clock.advance(0.001)
    assert t.take("s", "deletes").allowed


def test_off_mode_never_throttles(clock: FakeClock) -> None:
    t = Throttler("off", 1.0, clock)
    assert all(t.take("s", "writes").allowed for _ in range(1000))


def test_bad_mode_rejected() -> None:
    with pytest.raises(ValueError):
        Throttler("sometimes")


def test_http_429_with_retry_after_and_headers(make_emu, clock: FakeClock) -> None:
    arm = Arm(make_emu(throttle="on", clock=clock))
    arm.make_rg()  # one write
    path = arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/absent")
    remaining = []
    for _ in range(200):
        r = arm.delete(path)
        assert r.status_code == 204
        remaining.append(int(r.headers["x-ms-ratelimit-remaining-subscription-deletes"]))
    assert remaining[:3] == [199, 198, 197] and remaining[-1] == 0
    r = arm.delete(path)
    assert r.status_code == 429
    assert r.headers["Retry-After"] == "1" and int(r.headers["retry-after-ms"]) == 100
    assert r.json()["error"]["code"] == "SubscriptionRequestsThrottled"
    # reads have their own bucket
    g = arm.get(path)
    assert g.status_code == 404 and g.headers["x-ms-ratelimit-remaining-subscription-reads"] == "249"
    w = arm.put(arm.rg("rg2"), {"location": "eastus"}, api="2025-04-01")
    assert w.headers["x-ms-ratelimit-remaining-subscription-writes"] == "198"
    clock.advance(0.1)
    assert arm.delete(path).status_code == 204
    # admin calls are never throttled
    for _ in range(5):
        arm.admin("GET", "/stats")


@pytest.mark.parametrize(("mode", "scale"), [("on", 0.0), ("on", 0.01), ("on", 1.0), ("scaled", 0.01),
                                             ("scaled", 0.5), ("scaled", 1.0), ("scaled", 3.0)])
def test_the_announced_wait_matches_the_refill_clock(mode: str, scale: float, clock: FakeClock) -> None:
    t = Throttler(mode, scale, clock)
    for kind in ("reads", "writes"):
        while t.take("s", kind).allowed:
            pass
        refused = t.take("s", kind)
        headers = t.retry_headers(refused.wait)
        wait = int(headers["retry-after-ms"]) / 1000
        assert "Retry-After" not in headers or int(headers["Retry-After"]) >= wait
        # the announcement is the bucket's own wait, rounded up to whole milliseconds
        assert refused.wait <= wait < refused.wait + 0.001 + 1e-9
        clock.advance(refused.wait * 0.9)
        assert not t.take("s", kind).allowed  # not accepted before its refill ...
        clock.advance(wait - refused.wait * 0.9 + 1e-9)
        assert t.take("s", kind).allowed  # ... and accepted once the announced wait has passed
    assert t.rejected["reads"] == 3 and t.rejected["writes"] == 3


def test_scaled_mode_at_time_scale_zero_never_throttles(clock: FakeClock) -> None:
    t = Throttler("scaled", 0.0, clock)
    assert all(t.take("s", "writes").allowed for _ in range(1000)) and t.rejected["writes"] == 0
