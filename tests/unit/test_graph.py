"""Graph ordering and deterministic cycle messages."""

from __future__ import annotations

import pytest

from lzengine.graph import CycleError, Graph, Node
from lzengine.kinds import KINDS_BY_NAME

KIND = KINDS_BY_NAME["subnet"]


def node(address: str, *deps: str) -> Node:
    return Node(address, KIND, f"/id/{address}", {}, frozenset(deps))


def test_order_puts_dependencies_first_and_keeps_declaration_order() -> None:
    graph = Graph()
    for n in (node("rg"), node("vnet", "rg"), node("s2", "vnet"), node("s1", "vnet"), node("other")):
        graph.add(n)
    assert graph.order() == ["rg", "other", "vnet", "s2", "s1"]
    assert graph.dependents("rg") == {"vnet", "s1", "s2"}


@pytest.mark.parametrize("rotation", range(3))
def test_cycle_message_is_the_same_whatever_the_declaration_order(rotation: int) -> None:
    nodes = [node("b", "a"), node("c", "b"), node("a", "c")]
    graph = Graph()
    for n in nodes[rotation:] + nodes[:rotation]:
        graph.add(n)
    with pytest.raises(CycleError) as caught:
        graph.order()
    assert str(caught.value) == "dependency cycle: a -> b -> c -> a"


def test_duplicate_address_is_refused() -> None:
    graph = Graph()
    graph.add(node("a"))
    with pytest.raises(ValueError):
        graph.add(node("a"))


def test_serialization_keys_follow_the_kind() -> None:
    from lzengine.executor import serialization_key

    vnet = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v"
    subnet = Node("s", KINDS_BY_NAME["subnet"], f"{vnet}/subnets/a", {})
    assert serialization_key(subnet, subnet.body) == vnet.lower()
    endpoint = Node("p", KINDS_BY_NAME["private_endpoint"],
                    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pep",
                    {"properties": {"subnet": {"id": f"{vnet}/subnets/PEP"}}})
    assert serialization_key(endpoint, endpoint.body) == f"{vnet}/subnets/pep".lower()
    rg = Node("rg", KINDS_BY_NAME["resource_group"], "/subscriptions/s/resourceGroups/rg", {})
    assert serialization_key(rg, rg.body) is None
