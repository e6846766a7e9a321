"""Critical-path-aware pacing, in virtual time: when the write budget is short, the request with
the highest priority (the executor's rank: expected seconds to the end of the run) gets the next
token, so a long serialised chain is not starved by many short independent writes; and the
executor ranks the writes of one serialisation key as a chain and paces each with its rank."""

from __future__ import annotations

import heapq
import itertools
import threading
from collections.abc import Callable
from dataclasses import replace

from lzengine.adapters import pacing
from lzengine.adapters.pacing import Pacer, paced_as
from lzengine.diff import Action, Change
from lzengine.executor import ChangeSet, Executor, _downstream_time
from lzengine.graph import Graph, Node
from lzengine.kinds import KINDS_BY_NAME
from lzengine.report import NilReporter
from lzengine.retry import RetryPolicy

#: a safety net only: virtual time never waits on the wall clock unless a thread hangs
GUARD_S = 20


class VirtualTime:
    """Virtual seconds for a set of threads: time moves only when every thread sleeps, and then
    straight to the earliest wake-up (ties in the order they fell asleep). Deterministic."""

    def __init__(self) -> None:
        self.now = 0.0
        self._cond = threading.Condition()
        self._sleepers: list[tuple[float, int, list[bool]]] = []
        self._active = 0
        self._seq = itertools.count()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._cond:
            woken = [False]
            heapq.heappush(self._sleepers, (self.now + max(0.0, seconds), next(self._seq), woken))
            self._active -= 1
            self._cond.notify_all()
            while not woken[0]:
                assert self._cond.wait(GUARD_S), "virtual time stalled"

    def run(self, targets: list[Callable[[], None]]) -> None:
        def wrapped(target: Callable[[], None]) -> Callable[[], None]:
            def body() -> None:
                try:
                    target()
                finally:
                    with self._cond:
                        self._active -= 1
                        self._cond.notify_all()
            return body

        threads = [threading.Thread(target=wrapped(t)) for t in targets]
        with self._cond:
            self._active = len(threads)
        for thread in threads:
            thread.start()
        with self._cond:
            while self._active or self._sleepers:
                if self._active == 0:
                    wake, _, woken = heapq.heappop(self._sleepers)
                    self.now = max(self.now, wake)
                    woken[0] = True
                    self._active += 1
                    self._cond.notify_all()
                else:
                    assert self._cond.wait(GUARD_S), "a thread neither slept nor finished"
        for thread in threads:
            thread.join(GUARD_S)


def chain_against_bulk(chain_priority: float) -> tuple[float, float]:
    """A serialised chain of 20 one-second writes beside 40 writers of five short writes each,
    all on one subscription whose write budget is empty and refills at ARM's 10/s. Returns
    (when the chain finished, when the last of the other writers finished), in virtual seconds."""
    clock = VirtualTime()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    pacer.after("s", "writes", remaining=0)  # the header of an answer: nothing left
    finished: dict[str, float] = {}

    def writer(name: str, priority: float, writes: int, latency: float) -> Callable[[], None]:
        def run() -> None:
            with paced_as(priority, name):
                for _ in range(writes):
                    pacer.before("s", "writes")
                    pacer.after("s", "writes", remaining=None)
                    clock.sleep(latency)
            finished[name] = clock.now
        return run

    clock.run([writer("chain", chain_priority, 20, 1.0)]
              + [writer(f"bulk-{i}", 1.0, 5, 0.1) for i in range(40)])
    return finished.pop("chain"), max(finished.values())


def test_the_best_ranked_write_gets_the_next_token_so_a_serialised_chain_is_not_starved() -> None:
    first_come, first_come_bulk = chain_against_bulk(chain_priority=1.0)
    ranked, ranked_bulk = chain_against_bulk(chain_priority=100.0)
    # the 220 writes need 22 s of ARM's budget either way, so the short writes end about then
    # whatever the order: ranking moves no work, it only gives the chain its tokens first
    assert 20.0 < first_come_bulk < 23.5 and 20.0 < ranked_bulk < 23.5, (first_come_bulk, ranked_bulk)
    # first come, first served: each link of the chain queues behind ~40 writers (4 s a link)
    assert first_come > 30.0
    # ranked: each link waits for one token at most, so the chain ends near its own 20 s
    assert ranked < 23.5, ranked


def test_equal_priorities_are_served_in_arrival_order() -> None:
    clock = VirtualTime()
    pacer = Pacer(clock=clock, sleep=clock.sleep, reserve=0.0)
    pacer.after("s", "writes", remaining=0)
    granted: list[str] = []

    def one(name: str, delay: float) -> Callable[[], None]:
        def run() -> None:
            clock.sleep(delay)
            with paced_as(5.0, name):
                pacer.before("s", "writes")
            granted.append(name)
        return run

    clock.run([one("first", 0.0), one("second", 0.01), one("third", 0.02)])
    assert granted == ["first", "second", "third"]
    assert set(pacer.waited_by) == {("first", "writes"), ("second", "writes"), ("third", "writes")}


def hub_with_peerings(spokes: int) -> tuple[Graph, dict[str, Change]]:
    """A hub VNet whose peerings (one per spoke, ARM takes them one at a time) each wait for
    their spoke's VNet, beside independent short writes of the same expected length."""
    vnet, peering = KINDS_BY_NAME["virtual_network"], KINDS_BY_NAME["virtual_network_peering"]
    rg = KINDS_BY_NAME["resource_group"]
    hub = "/subscriptions/s/resourceGroups/hub/providers/Microsoft.Network/virtualNetworks/hub"
    graph = Graph()
    graph.add(Node("hub", vnet, hub, {}))
    for i in range(spokes):
        spoke = f"/subscriptions/s/resourceGroups/s{i}/providers/Microsoft.Network/virtualNetworks/s{i}"
        graph.add(Node(f"spoke-{i}", vnet, spoke, {}))
        graph.add(Node(f"peering-{i}", peering, f"{hub}/virtualNetworkPeerings/to-s{i}", {},
                       frozenset({"hub", f"spoke-{i}"})))
        graph.add(Node(f"other-{i}", replace(rg, expected_s=30.0), f"/subscriptions/s/resourceGroups/o{i}", {}))
    return graph, {a: Change(Action.CREATE, a, graph.nodes[a].arm_id, "t") for a in graph.nodes}


def test_the_writes_of_one_serialisation_key_rank_as_a_chain() -> None:
    graph, changes = hub_with_peerings(10)
    changeset = ChangeSet(changes=changes, observed=dict.fromkeys(graph.nodes))
    rank = _downstream_time(graph, changeset, graph.prerequisites_map(), reverse=False)
    step = KINDS_BY_NAME["virtual_network_peering"].expected_s
    peerings = sorted((rank[f"peering-{i}"] for i in range(10)), reverse=True)
    # the queue's head carries the whole queue behind it, the next one less by one write ...
    assert peerings == [step * (10 - i) for i in range(10)]
    # ... and the spoke VNet that feeds the head outranks every independent write
    assert max(rank[f"spoke-{i}"] for i in range(10)) > rank["other-0"]
    assert rank["hub"] >= peerings[0] + KINDS_BY_NAME["virtual_network"].expected_s


def test_each_operation_is_paced_with_its_rank() -> None:
    graph, changes = hub_with_peerings(3)
    seen: dict[str, float] = {}

    class Adapter:
        subscription_id = "s"

        def read(self, kind, arm_id):
            return None

        def write(self, kind, arm_id, body, progress=None, options=None):
            seen[arm_id.rsplit("/", 1)[-1]] = pacing._current()[0]
            return dict(body)

        def delete(self, kind, arm_id):
            return None

    changeset = ChangeSet(changes=changes, observed=dict.fromkeys(graph.nodes))
    Executor(Adapter(), RetryPolicy(sleep=lambda s: None), parallelism=2, reporter=NilReporter()).run(graph, changeset)
    rank = _downstream_time(graph, changeset, graph.prerequisites_map(), reverse=False)
    assert seen["hub"] == rank["hub"] and seen["s0"] == rank["spoke-0"] and seen["to-s0"] == rank["peering-0"]
    assert pacing._current() == (0.0, None)  # outside an operation: no priority, no label
