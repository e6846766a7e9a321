"""Serialisation lives in the scheduler: a resource whose key is busy stays queued, and no worker
waits on a lock while other work is ready."""

from __future__ import annotations

import threading

from lzengine.diff import Action, Change
from lzengine.executor import ChangeSet, Executor
from lzengine.graph import Graph, Node
from lzengine.kinds import KINDS_BY_NAME
from lzengine.report import NilReporter, Status
from lzengine.retry import RetryPolicy

VNET = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub"
#: a safety net only: every wait below is released by the test long before
GUARD_S = 20


class GatedAdapter:
    """Writes block until the test opens their gate; records what runs at the same time."""

    subscription_id = "s"

    def __init__(self) -> None:
        self.gates: dict[str, threading.Event] = {}
        self.started: dict[str, threading.Event] = {}
        self.running: set[str] = set()
        self.overlaps: list[set[str]] = []
        self.lock = threading.Lock()

    def prepare(self, arm_id: str) -> None:
        self.gates[arm_id] = threading.Event()
        self.started[arm_id] = threading.Event()

    def read(self, kind, arm_id):
        return None

    def write(self, kind, arm_id, body, progress=None, options=None):
        with self.lock:
            self.running.add(arm_id)
            self.overlaps.append(set(self.running))
        self.started[arm_id].set()
        assert self.gates[arm_id].wait(GUARD_S), f"gate of {arm_id} never opened"
        with self.lock:
            self.running.discard(arm_id)
        return dict(body)

    def delete(self, kind, arm_id):
        return None


def test_a_busy_key_keeps_its_resource_queued_while_workers_take_other_work() -> None:
    subnet, rg = KINDS_BY_NAME["subnet"], KINDS_BY_NAME["resource_group"]
    graph = Graph()
    for name in ("a", "b", "c"):
        graph.add(Node(f"subnet-{name}", subnet, f"{VNET}/subnets/{name}", {}))
    graph.add(Node("other", rg, "/subscriptions/s/resourceGroups/other", {}))
    changes = {a: Change(Action.CREATE, a, graph.nodes[a].arm_id, "t") for a in graph.nodes}
    adapter = GatedAdapter()
    for node in graph:
        adapter.prepare(node.arm_id)
    clock = [0.0]
    executor = Executor(adapter, RetryPolicy(sleep=lambda s: None, clock=lambda: clock[0]), parallelism=2,
                        reporter=NilReporter(), clock=lambda: clock[0])
    result: list = []
    runner = threading.Thread(target=lambda: result.append(executor.run(graph, ChangeSet(
        changes=changes, observed=dict.fromkeys(graph.nodes)))))
    runner.start()
    first = f"{VNET}/subnets/a"
    # two workers, one key busy: the second worker takes the independent resource instead of
    # waiting for the subnet lock
    assert adapter.started[first].wait(GUARD_S)
    assert adapter.started["/subscriptions/s/resourceGroups/other"].wait(GUARD_S)
    assert not adapter.started[f"{VNET}/subnets/b"].is_set()
    adapter.gates["/subscriptions/s/resourceGroups/other"].set()
    # the free worker finds only parked work: it stays idle rather than block on the key
    adapter.gates[first].set()
    for name in ("b", "c"):
        arm_id = f"{VNET}/subnets/{name}"
        assert adapter.started[arm_id].wait(GUARD_S)
        adapter.gates[arm_id].set()
    runner.join(GUARD_S)
    assert not runner.is_alive()
    assert {o.status for o in result[0]} == {Status.OK}
    # the subnets of one VNet never ran at the same time
    assert all(sum(a.startswith(VNET) for a in overlap) <= 1 for overlap in adapter.overlaps)


def test_private_dns_zone_links_of_one_zone_run_side_by_side() -> None:
    link = KINDS_BY_NAME["private_dns_zone_link"]
    zone = ("/subscriptions/s/resourceGroups/dns/providers/Microsoft.Network/privateDnsZones/"
            "privatelink.openai.azure.com")
    graph = Graph()
    for name in ("spoke1", "spoke2"):
        graph.add(Node(f"link-{name}", link, f"{zone}/virtualNetworkLinks/{name}", {}))
    changes = {a: Change(Action.CREATE, a, graph.nodes[a].arm_id, "t") for a in graph.nodes}
    adapter = GatedAdapter()
    for node in graph:
        adapter.prepare(node.arm_id)
    executor = Executor(adapter, RetryPolicy(sleep=lambda s: None), parallelism=2, reporter=NilReporter())
    runner = threading.Thread(target=lambda: executor.run(graph, ChangeSet(
        changes=changes, observed=dict.fromkeys(graph.nodes))))
    runner.start()
    for node in graph:
        assert adapter.started[node.arm_id].wait(GUARD_S)
    for node in graph:
        adapter.gates[node.arm_id].set()
    runner.join(GUARD_S)
    assert max(len(o) for o in adapter.overlaps) == 2
