"""Resolve an existing hub (``hub.existing``) before anything is written: every id the plan gives
must name a resource this identity can read, and its facts must fit the spokes.

Who uses it: the engine's ``plan`` (so ``plan``, ``apply``, ``drift`` and ``verify`` stop with
every problem at once, exit 1) and ``lzengine.api`` before ``apply`` takes the run lock (whose
first run writes the control zone), so an unresolved id stops ``apply`` before its first write.
``destroy`` does not resolve: a spoke can be removed after its hub is gone.

What is checked, per read-only node of the graph (``lzengine.kinds.existing``): it exists; an
existing firewall has a private IP in its ``ipConfigurations`` (the spokes' default route); the
spokes' address spaces overlap neither the existing hub VNet's address space nor the address
space of a VNet already peered with it (Azure refuses such a peering:
``VnetAddressSpaceOverlapsWithAlreadyPeeredVnet``). Pure apart from ``read_existing``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from typing import Any

from lzengine.errors import LzengineError, ProviderError
from lzengine.graph import Graph, Node
from lzengine.refs import get_path

FIREWALL_PRIVATE_IP = "properties.ipConfigurations.0.properties.privateIPAddress"
#: the plan field that names each read-only node, by address (zones: by prefix)
FIELDS = {"hub.vnet": "virtual_network_id", "hub.firewall": "firewall_id",
          "hub.log_analytics": "log_analytics_workspace_id"}

#: a read that found nothing (None) or could not read (the error)
Observed = Mapping[str, "dict[str, Any] | None | ProviderError"]


class ExistingHubUnresolved(LzengineError):
    """Ids of ``hub.existing`` that do not resolve, or facts of the existing hub that do not fit;
    ``problems`` lists every one."""

    code = "ExistingHubUnresolved"

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("the existing hub does not resolve (nothing was written):\n"
                         + "\n".join(f"  - {p}" for p in problems))


def read_only_nodes(graph: Graph) -> list[Node]:
    return [n for n in graph if n.kind.read_only]


def field_of(address: str) -> str:
    """The ``hub.existing`` field that names the node at ``address``."""
    if address.startswith("hub.dns_zone."):
        return f"private_dns_zone_ids / private_dns_resource_group_id (zone {address[len('hub.dns_zone.'):]})"
    return FIELDS.get(address, address)


def problems(graph: Graph, observed: Observed) -> list[str]:
    """Every problem of the existing hub in ``graph``, given the read-only nodes' live bodies."""
    found: list[str] = []
    for node in read_only_nodes(graph):
        body = observed.get(node.address)
        where = f"hub.existing.{field_of(node.address)}: {node.arm_id}"
        if isinstance(body, ProviderError):
            found.append(f"{where} cannot be read ({body.code}): give this identity Reader on it")
        elif body is None:
            found.append(f"{where} does not exist (lzengine reads it and never creates it)")
        elif node.address == "hub.firewall" and not get_path(body, FIREWALL_PRIVATE_IP):
            found.append(f"{where} has no private IP in its ipConfigurations yet; the spokes' default route needs "
                         "it (wait for the firewall, or give existing.firewall_private_ip)")
    hub = observed.get("hub.vnet")
    if isinstance(hub, dict):
        found += _overlaps(graph, hub)
    return found


def _overlaps(graph: Graph, hub: dict[str, Any]) -> list[str]:
    """Spoke address spaces that overlap the hub's, or a VNet already peered with the hub (other
    than this plan's spokes)."""
    ours = {str(n.body.get("properties", {}).get("remoteVirtualNetwork", {}).get("id", "")).lower()
            for n in graph if n.address.endswith(".peering.from_hub")}
    spokes = {n.arm_id.lower(): n for n in graph if n.address.startswith("spokes.") and n.address.endswith(".vnet")}
    taken: list[tuple[str, str]] = [(p, "the existing hub VNet's address space")
                                    for p in get_path(hub, "properties.addressSpace.addressPrefixes") or []]
    for peering in get_path(hub, "properties.virtualNetworkPeerings") or []:
        remote = str(get_path(peering, "properties.remoteVirtualNetwork.id") or "").lower()
        if remote in spokes or remote in ours:
            continue
        for prefix in get_path(peering, "properties.remoteAddressSpace.addressPrefixes") or []:
            taken.append((prefix, f"the address space of {remote or 'a VNet'} (peered with the hub by "
                                  f"{peering.get('name')})"))
    found = []
    for node in spokes.values():
        for prefix in get_path(node.body, "properties.addressSpace.addressPrefixes") or []:
            for other, what in taken:
                if _overlap(str(prefix), str(other)):
                    found.append(f"{node.address.rsplit('.', 1)[0]}.address_space {prefix} overlaps {other}, "
                                 f"{what}: choose a free block")
    return found


def _overlap(a: str, b: str) -> bool:
    try:
        return ipaddress.ip_network(a, strict=False).overlaps(ipaddress.ip_network(b, strict=False))
    except ValueError:
        return False


def read_existing(graph: Graph, read: Callable[[Node], dict[str, Any] | None]) -> dict[str, Any]:
    """The live body (or the read's ProviderError) of every read-only node, one read each."""
    out: dict[str, Any] = {}
    for node in read_only_nodes(graph):
        try:
            out[node.address] = read(node)
        except ProviderError as error:
            if error.status != 403:
                raise
            out[node.address] = error
    return out


def check(graph: Graph, observed: Observed) -> None:
    """Raise ``ExistingHubUnresolved`` listing every problem, if there is one."""
    found = problems(graph, observed)
    if found:
        raise ExistingHubUnresolved(found)


def waiting_on_platform(graph: Graph, observed: Mapping[str, dict[str, Any] | None]) -> list[str]:
    """Notes for what an existing hub's platform team does itself (``existing.peering`` /
    ``existing.dns_links: platform``): lzengine writes neither and says what it waits on."""
    if not read_only_nodes(graph):
        return []
    notes: list[str] = []
    zones = [n.address for n in graph if n.kind.read_only and n.address.startswith("hub.dns_zone.")]
    for node in graph:
        if not (node.address.startswith("spokes.") and node.address.endswith(".peering.to_hub")):
            continue
        spoke = node.address[len("spokes."):-len(".peering.to_hub")]
        if f"spokes.{spoke}.peering.from_hub" not in graph.nodes:
            state = get_path(observed.get(node.address) or {}, "properties.peeringState")
            notes.append(f"spokes.{spoke}: the hub side of the peering is the platform's (hub.existing.peering: "
                         "platform); " + ("it exists: Connected" if state == "Connected" else
                                          f"waiting on the platform: the spoke's peering stays {state or 'Initiated'} "
                                          "until the platform peers the hub with it"))
        if not any(f"{zone}.link.{spoke}" in graph.nodes for zone in zones) and zones:
            notes.append(f"spokes.{spoke}: the links of the hub's private DNS zones to its VNet are the platform's "
                         "(hub.existing.dns_links: platform); waiting on the platform for names of its private "
                         "endpoints to resolve in the spoke ('lzengine verify' checks them)")
    return notes
