"""At scale: an N-spoke estate converges against a throttled emulator, paced by ARM's headers,
in virtual time (the emulator's bucket, the pacer and the retries share one clock)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from lzengine.adapters.azure_sdk import AzureSdkAdapter, Connection, StaticTokenCredential
from lzengine.adapters.pacing import Pacer
from lzengine.compile import compile_plan
from lzengine.emulator import Emulator
from lzengine.engine import Engine, EngineOptions
from lzengine.plan import load_plan_text
from lzengine.report import Status
from lzengine.retry import RetryPolicy
from tests.bench.estate import estate_text


class SharedClock:
    """Virtual seconds: every sleep (pacer, retries) advances the clock the emulator refills by."""

    def __init__(self) -> None:
        self.now = 1000.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


@pytest.fixture
def throttled() -> Iterator[tuple[Emulator, SharedClock]]:
    clock = SharedClock()
    with Emulator(time_scale=0.0, throttle="on", clock=clock) as emu:
        yield emu, clock


def converge(emu: Emulator, clock: SharedClock, spokes: int, pacer: Pacer) -> tuple[list, Pacer]:
    connection = Connection(emu.subscription_id, StaticTokenCredential(emu.token), base_url=emu.url,
                            ca_file=emu.ca_file, polling_interval=0.0)
    adapter = AzureSdkAdapter(connection, pacer=pacer)
    try:
        graph = compile_plan(load_plan_text(estate_text(spokes)), emu.subscription_id)
        engine = Engine(adapter, EngineOptions(retry=RetryPolicy(sleep=clock.sleep, clock=clock, max_attempts=5)))
        return engine.apply(graph).outcomes, pacer
    finally:
        adapter.close()


def test_a_five_spoke_estate_converges_against_throttled_arm_with_pacing(throttled) -> None:
    emu, clock = throttled
    outcomes, pacer = converge(emu, clock, 5, Pacer(clock=clock, sleep=clock.sleep))
    assert len(outcomes) > 250
    assert {o.status for o in outcomes} == {Status.OK}, [o.error for o in outcomes if o.error][:3]
    assert pacer.stats.waits > 0  # the bucket ran low and the pacer waited for its refill ...
    rejected = sum(emu.app.throttler.rejected.values())
    assert rejected <= len(outcomes) // 50, rejected  # ... so ARM rarely had to say 429

