"""Spokes in different subscriptions do not share one throttling budget: the emulator keeps ARM's
token buckets per subscription and says what is left in each answer, and the engine's pacer keeps
one estimate per subscription from those answers (``lzengine.adapters.pacing``)."""

from __future__ import annotations

from collections import Counter

from lzengine import ids
from lzengine.adapters.azure_sdk import AzureSdkAdapter, Connection, StaticTokenCredential
from lzengine.compile import compile_plan
from lzengine.emulator import Emulator
from lzengine.engine import Engine
from lzengine.plan import load_plan
from tests.conftest import PLANS

HUB_SUB = "c0ee0000-0000-4000-8000-000000000001"
CHAT_SUB = "1a000000-0000-4000-8000-000000000001"
SEARCH_SUB = "1a000000-0000-4000-8000-000000000002"


def test_each_subscription_is_paced_on_its_own_budget() -> None:
    graph = compile_plan(load_plan(PLANS / "multi-subscription.yaml"), HUB_SUB)
    per_subscription = Counter(ids.subscription_of(n.arm_id) for n in graph)
    assert set(per_subscription) == {HUB_SUB, CHAT_SUB, SEARCH_SUB}
    # ARM's buckets, on an emulator clock that stands still (nothing refills: each budget shows
    # exactly what was spent from it), zero provisioning time
    with Emulator(time_scale=0.0, throttle="on", subscriptions=[HUB_SUB, CHAT_SUB, SEARCH_SUB],
                  clock=lambda: 1000.0) as emu:
        adapter = AzureSdkAdapter(Connection(HUB_SUB, StaticTokenCredential(emu.token), base_url=emu.url,
                                             ca_file=emu.ca_file, polling_interval=0.0))
        try:
            report = Engine(adapter).apply(graph)
            assert report.exit_code == 0
            budgets = adapter.pacer.budgets()
        finally:
            adapter.close()
    # one write budget per subscription, learnt from that subscription's own answers: each spent
    # about as many writes as that subscription has resources (at most one per resource, give or
    # take the requests in flight when its last answer came), not the ~100 of the whole plan
    spent = {sub: 200 - left for (sub, op_class), left in budgets.items() if op_class == "writes" and left is not None}
    assert set(spent) == {HUB_SUB, CHAT_SUB, SEARCH_SUB}
    for sub, count in spent.items():
        assert 0 < count <= per_subscription[sub] + 8, (sub, count, per_subscription[sub])
    assert sum(per_subscription.values()) > max(per_subscription.values()) + 8  # the check can tell
    assert adapter.pacer.stats.throttled == 0
