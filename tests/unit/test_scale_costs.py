"""Nothing quadratic where plans grow: overlap checks and carving are sort-based and still say
exactly what the pairwise versions said; the graph answers walks from one pass over its edges.

The reference implementations below are the obvious pairwise ones; hypothesis compares them with
the fast ones. The size tests count work (calls of ``IPv4Network.overlaps``), not seconds, so
they hold on a loaded machine.
"""

from __future__ import annotations

import ipaddress
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from lzengine.graph import Graph, Node
from lzengine.kinds import KINDS_BY_NAME
from lzengine.plan import network
from lzengine.plan.base import SubnetSpec

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
