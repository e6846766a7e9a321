"""Cost that grows gently: overlap checks and carving are sort-based and still say exactly what
the pairwise versions said; the graph answers walks from one pass over its edges; an executor left
to size itself keeps as many long operations in flight as the work needs.

The reference implementations below are the obvious pairwise ones; hypothesis compares them with
the fast ones. The size tests count work (calls of ``IPv4Network.overlaps``), not seconds, so
they hold on a loaded machine.
"""

from __future__ import annotations

import ipaddress
import threading
from dataclasses import replace
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from lzengine.diff import Action, Change
from lzengine.executor import AUTO_MAX, AUTO_MIN, ChangeSet, Executor, auto_parallelism
from lzengine.graph import Graph, Node
from lzengine.kinds import KINDS_BY_NAME
from lzengine.plan import network
from lzengine.plan.base import SubnetSpec
from lzengine.report import NilReporter, Status
from lzengine.retry import RetryPolicy

block = st.builds(lambda first, length: ipaddress.IPv4Network((first << 16, length), strict=False),
                  st.integers(0, 40), st.integers(14, 28))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.builds(lambda b, shift: ipaddress.IPv4Network(
    (int(b.network_address) + (shift << (32 - b.prefixlen)) % (1 << 16), b.prefixlen), strict=False),
    block, st.integers(0, 7)), max_size=25))
def test_overlapping_earlier_equals_the_pairwise_check(blocks: list[ipaddress.IPv4Network]) -> None:
    expected = [[j for j in range(i) if blocks[i].overlaps(blocks[j])] for i in range(len(blocks))]
    assert network.overlapping_earlier(blocks) == expected


def _first_free_by_trying_every_block(net: ipaddress.IPv4Network, size: int,
                                      taken: list[ipaddress.IPv4Network]) -> ipaddress.IPv4Network | None:
    return next((c for c in net.subnets(new_prefix=size) if not any(c.overlaps(t) for t in taken)), None)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 255), st.integers(22, 28)), max_size=12), st.integers(20, 28))
def test_taken_finds_the_same_first_free_block_as_trying_every_block(blocks: list[tuple[int, int]], size: int) -> None:
    net = ipaddress.IPv4Network("10.9.0.0/20")
    taken_list = [ipaddress.IPv4Network((int(net.network_address) + third * 256 % 4096, length), strict=False)
                  for third, length in blocks]
    taken = network.Taken(taken_list)
    assert taken.first_free(net, size) == _first_free_by_trying_every_block(net, size, taken_list)
    probe = ipaddress.IPv4Network(("10.9.4.0", size), strict=False)
    assert taken.overlaps(probe) == any(probe.overlaps(t) for t in taken_list)


def test_a_thousand_subnets_are_checked_without_comparing_every_pair() -> None:
    specs = [SubnetSpec(name=f"s{i}", size=28) for i in range(1000)]
    with mock.patch.object(ipaddress.IPv4Network, "overlaps", autospec=True,
                           side_effect=ipaddress.IPv4Network.overlaps) as overlaps:
        prefixes, findings = network.carve(["10.0.0.0/16"], specs)
        findings += network.check_subnets(["10.0.0.0/16"], specs, prefixes)
    assert not findings and len(set(prefixes.values())) == 1000
    assert overlaps.call_count < 1000  # the pairwise versions made ~500,000 calls


def test_overlaps_are_still_all_reported_in_declaration_order() -> None:
    specs = [SubnetSpec(name="a", prefix="10.0.0.0/24"), SubnetSpec(name="b", prefix="10.0.1.0/24"),
             SubnetSpec(name="c", prefix="10.0.0.0/23"), SubnetSpec(name="d", prefix="10.0.0.128/25")]
    prefixes = {s.name: str(s.prefix) for s in specs}
    messages = [f.message for f in network.check_subnets(["10.0.0.0/16"], specs, prefixes)]
    assert messages == [
        "subnet 'c' (10.0.0.0/23) overlaps subnet 'a' (10.0.0.0/24)",
        "subnet 'c' (10.0.0.0/23) overlaps subnet 'b' (10.0.1.0/24)",
        "subnet 'd' (10.0.0.128/25) overlaps subnet 'a' (10.0.0.0/24)",
        "subnet 'd' (10.0.0.128/25) overlaps subnet 'c' (10.0.0.0/23)",
    ]
    vnets = [("hub", ("hub", "address_space"), ["10.0.0.0/16"]),
             ("s1", ("spokes", 0, "address_space"), ["10.1.0.0/16", "10.0.5.0/24"]),
             ("s2", ("spokes", 1, "address_space"), ["10.1.2.0/24"])]
    assert [(f.path, f.message) for f in network.check_vnet_overlaps(vnets)] == [
        (("spokes", 0, "address_space", 1), "address space 10.0.5.0/24 of 's1' overlaps 10.0.0.0/16 of 'hub'"),
        (("spokes", 1, "address_space", 0), "address space 10.1.2.0/24 of 's2' overlaps 10.1.0.0/16 of 's1'"),
    ]


def test_graph_walk_maps_come_from_one_pass() -> None:
    kind = KINDS_BY_NAME["subnet"]
    graph = Graph()
    for address, deps in (("rg", ()), ("vnet", ("rg",)), ("s1", ("vnet",)), ("s2", ("vnet", "rg")), ("x", ("gone",))):
        graph.add(Node(address, kind, f"/id/{address}", {}, frozenset(deps)))
    assert graph.prerequisites_map() == {"rg": frozenset(), "vnet": {"rg"}, "s1": {"vnet"}, "s2": {"vnet", "rg"},
                                         "x": {"gone"}}
    assert graph.prerequisites_map(reverse=True) == {"rg": {"vnet", "s2"}, "vnet": {"s1", "s2"}, "s1": frozenset(),
                                                     "s2": frozenset(), "x": frozenset()}
    assert graph.dependents("rg") == {"vnet", "s1", "s2"}


class CountingAdapter:
    """Writes wait until as many run at once as the test expects (or a guard expires); records
    the most that ran at the same time."""

    subscription_id = "s"

    def __init__(self, expect: int) -> None:
        self.expect, self.running, self.most = expect, 0, 0
        self.lock = threading.Condition()

    def read(self, kind, arm_id):
        return None

    def write(self, kind, arm_id, body, progress=None, options=None):
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
            self.lock.notify_all()
            self.lock.wait_for(lambda: self.most >= self.expect, timeout=5)
            self.running -= 1
        return dict(body)

    def delete(self, kind, arm_id):
        return None


def _many_slow_groups(count: int) -> tuple[Graph, ChangeSet]:
    """``count`` independent search services (420 s expected each) behind nothing: the work is
    ``count`` times the critical path."""
    kind = KINDS_BY_NAME["search_service"]
    graph = Graph()
    for i in range(count):
        graph.add(Node(f"s{i}", kind, f"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Search/"
                                      f"searchServices/s{i}", {}))
    changes = {a: Change(Action.CREATE, a, graph.nodes[a].arm_id, "t") for a in graph.nodes}
    return graph, ChangeSet(changes=changes, observed=dict.fromkeys(graph.nodes))


def test_auto_parallelism_follows_the_work_within_bounds() -> None:
    for count, workers in ((1, AUTO_MIN), (5, AUTO_MIN), (40, 60), (1000, AUTO_MAX)):
        graph, changes = _many_slow_groups(count)
        rank = {a: 420.0 for a in graph.nodes}
        assert auto_parallelism(graph, changes, rank) == workers, count
    graph, changes = _many_slow_groups(40)
    nothing = ChangeSet(changes={a: replace(c, action=Action.NOOP) for a, c in changes.changes.items()},
                        observed=changes.observed)
    assert auto_parallelism(graph, nothing, dict.fromkeys(graph.nodes, 0.0)) == AUTO_MIN


def test_an_executor_left_to_auto_runs_as_many_operations_as_the_work_needs() -> None:
    graph, changes = _many_slow_groups(40)
    adapter = CountingAdapter(expect=40)
    outcomes = Executor(adapter, RetryPolicy(sleep=lambda s: None), parallelism=None,
                        reporter=NilReporter()).run(graph, changes)
    assert {o.status for o in outcomes} == {Status.OK}
    assert adapter.most == 40  # all forty at once (auto gives 60 workers); a fixed 8 would allow 8
    fixed = CountingAdapter(expect=9)
    Executor(fixed, RetryPolicy(sleep=lambda s: None), parallelism=8, reporter=NilReporter()).run(graph, changes)
    assert fixed.most == 8
