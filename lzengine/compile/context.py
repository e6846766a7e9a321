"""The compiler's working state: the plan, the subscription, the names, the graph being built,
and the ARM ids every step needs.

Who uses it: each step module of ``lzengine.compile`` (``hub``, ``spoke``, ``workload``,
``governance``, ``raw``). ``Context.add`` is the one way a step adds a node: it writes the plan
address, kind, id, body and owner, and adds every ``Ref`` found in the body to the node's
dependencies, so a runtime reference is always a graph edge.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lzengine import ids, refs
from lzengine.compile.live import AddressesDoNotFit, LiveAddresses
from lzengine.graph import Graph, Node
from lzengine.kinds.base import ResourceKind
from lzengine.plan import layout
from lzengine.plan.hub import ExistingHub
from lzengine.plan.layout import PlannedSubnet
from lzengine.plan.models import Plan, Spoke
from lzengine.plan.naming import Names

#: Tag keys lzengine writes on every taggable resource it manages.
MANAGED_BY_TAG = "managed-by"
ZONE_TAG = "lzengine-zone"

PLATFORM = "platform"


class ResourceGroupName(str):
    """A resource group's name that also knows its subscription.

    ``Context.hub_rg()`` and ``Context.spoke_rg(spoke)`` return these, so every id a step builds
    from them (``rg_id``, ``res_id``, ``net_id``) lands in the owner's subscription (the hub's
    or the spoke's) without each step passing a subscription along. It is a plain ``str`` for
    everything else (names in bodies, comparisons)."""

    subscription: str

    def __new__(cls, name: str, subscription: str) -> ResourceGroupName:
        made = super().__new__(cls, name)
        made.subscription = subscription
        return made


class Context:
    def __init__(self, plan: Plan, subscription: str, live: LiveAddresses | None = None):
        self.plan = plan
        #: the plan's default subscription (the target's); the hub and each spoke may name their own
        self.subscription = subscription
        self.hub_subscription = plan.hub_subscription(subscription)
        self.names = Names(plan, subscription)
        self.graph = Graph()
        self.live: LiveAddresses = live or {}
        #: a hub the platform runs (``hub.existing``): read, never written; None: lzengine builds it
        self.existing: ExistingHub | None = plan.hub.existing
        self.hub_planned: list[PlannedSubnet] = layout.hub_subnets(plan.hub) if self.existing is None else []
        self.hub_prefixes = {} if self.existing is not None else self._carve(
            "hub", self.hub_vnet_id(), list(plan.hub.address_space), self.hub_planned)
        self.spoke_planned = {s.name: layout.spoke_subnets(s, i) for i, s in enumerate(plan.spokes)}
        self.spoke_prefixes = {
            s.name: self._carve(s.name, self.spoke_vnet_id(s), list(s.address_space), self.spoke_planned[s.name])
            for s in plan.spokes
        }

    def _carve(self, label: str, vnet_id: str, space: list[str], planned: list[PlannedSubnet]) -> dict[str, str]:
        """Prefixes of one VNet's subnets; subnets that exist keep their live prefix (see
        ``lzengine.plan.network.carve``), subnets the plan dropped keep their space occupied."""
        vnet = self.live.get(vnet_id.lower())
        if vnet is None:
            return layout.carve(space, planned)
        declared = {p.spec.name.lower() for p in planned}
        dropped = [name for name in vnet.subnets if name.lower() not in declared]
        occupied = [vnet.subnets[name] for name in dropped]
        prefixes = layout.carve(space, planned, vnet.subnets, occupied)
        missing = [p.spec for p in planned if p.spec.name not in prefixes]
        if missing:
            kept = ", ".join(f"{n} {p}" for n, p in sorted(vnet.subnets.items())) or "none"
            raise AddressesDoNotFit(
                f"{label}: no free block left in {', '.join(space)} for "
                + ", ".join(f"subnet {s.name!r} (/{s.size})" for s in missing)
                + f" without moving the subnets that exist (they keep their prefixes: {kept}); "
                "add a block to the address space, or give the subnet an explicit prefix"
                + (f", or first delete the subnets the plan no longer declares ({', '.join(dropped)}) with "
                   "'apply --prune' and add the new one in a later apply" if dropped else "")
            )
        return prefixes

    # -- nodes -----------------------------------------------------------------------------------
    def add(
        self,
        address: str,
        kind: ResourceKind,
        arm_id: str,
        body: dict[str, Any],
        depends_on: Iterable[str] = (),
        owner: str = PLATFORM,
    ) -> Node:
        deps = set(depends_on) | {r.address for r in refs.find(body)}
        deps.discard(address)
        node = Node(address=address, kind=kind, arm_id=arm_id, body=body, depends_on=frozenset(deps), owner=owner)
        self.graph.add(node)
        return node

    def tags(self) -> dict[str, str]:
        return {**self.plan.tags, MANAGED_BY_TAG: "lzengine", ZONE_TAG: self.plan.name}

    def located(self, **body: Any) -> dict[str, Any]:
        """A top-level resource body: location and tags, then the given keys."""
        return {"location": self.plan.location, "tags": self.tags(), **body}

    # -- ids ---------------------------------------------------------------------------------------
    def spoke_subscription(self, spoke: Spoke) -> str:
        return self.plan.spoke_subscription(spoke, self.subscription)

    def rg_id(self, group: str) -> str:
        return ids.resource_group_id(self._subscription_of(group), group)

    def hub_rg(self) -> ResourceGroupName:
        return ResourceGroupName(self.names.hub_resource_group(), self.hub_subscription)

    def spoke_rg(self, spoke: Spoke) -> ResourceGroupName:
        return ResourceGroupName(self.names.spoke_resource_group(spoke.name), self.spoke_subscription(spoke))

    def _subscription_of(self, group: str) -> str:
        return group.subscription if isinstance(group, ResourceGroupName) else self.subscription

    def res_id(self, group: str, namespace: str, *segments: tuple[str, str]) -> str:
        return ids.resource_id(self._subscription_of(group), group, namespace, *segments)

    def net_id(self, group: str, *segments: tuple[str, str]) -> str:
        return self.res_id(group, "Microsoft.Network", *segments)

    def hub_vnet_id(self) -> str:
        if self.existing is not None:
            return self.existing.virtual_network_id
        return self.net_id(self.hub_rg(), ("virtualNetworks", self.names.hub_vnet()))

    def spoke_vnet_id(self, spoke: Spoke) -> str:
        return self.net_id(self.spoke_rg(spoke), ("virtualNetworks", self.names.spoke_vnet(spoke.name)))

    def hub_subnet_id(self, name: str) -> str:
        return f"{self.hub_vnet_id()}/subnets/{name}"

    def spoke_subnet(self, spoke: Spoke, purpose: str) -> tuple[str, str]:
        """(address, id) of the spoke's subnet for ``purpose``."""
        spec = layout.subnet_for(self.spoke_planned[spoke.name], purpose)
        assert spec is not None, f"no {purpose} subnet in spoke {spoke.name}"
        return f"spokes.{spoke.name}.subnet.{spec.name}", f"{self.spoke_vnet_id(spoke)}/subnets/{spec.name}"

    def log_analytics_id(self) -> str | None:
        if self.existing is not None:
            return self.existing.log_analytics_workspace_id
        if self.plan.hub.log_analytics is None:
            return None
        return self.res_id(self.hub_rg(), "Microsoft.OperationalInsights", ("workspaces", self.names.log_analytics()))

    def dns_zone_id(self, zone: str) -> str:
        if self.existing is not None:
            zone_id = self.existing.zone_id(zone)
            assert zone_id is not None, f"hub.existing names no id for zone {zone}"  # plan checks
            return zone_id
        return self.net_id(self.hub_rg(), ("privateDnsZones", zone))

    def route_table_id(self, name: str, spoke: Spoke | None = None) -> str:
        """A route table of the hub, or the spoke's own copy (Azure wants a subnet's route table
        in its VNet's subscription and region, so each spoke has its own)."""
        if spoke is None:
            return self.net_id(self.hub_rg(), ("routeTables", self.names.route_table(name)))
        return self.net_id(self.spoke_rg(spoke), ("routeTables", self.names.spoke_route_table(spoke.name, name)))

