"""Library-level fixtures: an Engine wired to the test emulator, running retries in virtual time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import requests

from lzengine.adapters.azure_sdk import AzureSdkAdapter, Connection, StaticTokenCredential
from lzengine.compile import compile_plan
from lzengine.engine import Engine, EngineOptions
from lzengine.graph import Graph
from lzengine.plan import load_plan_text
from lzengine.retry import RetryPolicy


@dataclass
class VirtualClock:
    """Retry waits advance this clock instead of sleeping."""

    now: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


@dataclass
class Harness:
    emulator: object
    clock: VirtualClock
    adapter: AzureSdkAdapter

    def engine(self, **options: object) -> Engine:
        retry = RetryPolicy(sleep=self.clock.sleep, clock=self.clock)
        return Engine(self.adapter, EngineOptions(retry=retry, **options))  # type: ignore[arg-type]

    def graph(self, plan_text: str) -> Graph:
        return compile_plan(load_plan_text(plan_text), self.emulator.emu.subscription_id)

    def faults(self, **spec: object) -> None:
        emu = self.emulator.emu
        requests.put(f"{emu.url}/_emulator/faults", json=spec, headers={"Authorization": f"Bearer {emu.token}"},
                      verify=emu.ca_file, timeout=10).raise_for_status()


@pytest.fixture
def harness(emulator) -> Iterator[Harness]:
    emu = emulator.emu
    connection = Connection(emu.subscription_id, StaticTokenCredential(emu.token), base_url=emu.url,
                            ca_file=emu.ca_file, polling_interval=0.01)
    adapter = AzureSdkAdapter(connection)
    yield Harness(emulator, VirtualClock(), adapter)
    adapter.close()
