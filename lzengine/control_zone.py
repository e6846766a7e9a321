"""The control zone: one private DNS zone per landing zone where lzengine keeps, in Azure itself,
what must outlive a run without a local state file.

Who uses it: ``lzengine.ownership`` (one TXT record set per child resource lzengine created, so
``apply --prune`` can delete children, which carry no tags, and nothing else) and
``lzengine.zone_lock`` (the run lock, one TXT record set written with ``If-None-Match: *``).

Why a private DNS zone: it is an ordinary ARM resource in the hub's resource group (no extra
service, reachable from any machine or CI runner with the same credentials), its record sets
are cheap, listed in one paged call, carry ``metadata`` (string pairs) and support optimistic
concurrency (``If-Match`` / ``If-None-Match``). Limits (Azure DNS documentation, "Azure Private
DNS limits"): 25,000 record sets per private zone, 1,000 private zones per subscription, at
least two labels in a zone name. The zone is linked to no virtual network, so it never takes
part in name resolution.

Naming: ``<landing zone name>.lzengine.internal`` in the hub's resource group (the plan's
``hub.resource_group`` node), so in the hub's subscription when hub and spokes live apart.
Access: whoever applies must be able to write TXT record sets in it
(``Microsoft.Network/privateDnsZones/TXT/*``, e.g. the built-in Private DNS Zone
Contributor role on the zone): the README lists it in a team's minimum.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lzengine import ids
from lzengine.adapters.base import Adapter
from lzengine.compile import MANAGED_BY_TAG, ZONE_TAG
from lzengine.graph import Graph
from lzengine.kinds import KINDS_BY_NAME

CONTROL_SUFFIX = "lzengine.internal"
#: the plan address of the hub's resource group, where the control zone lives
HUB_RESOURCE_GROUP = "hub.resource_group"


def hub_resource_group_body(plan: Any) -> dict[str, Any]:
    """The body the compiler gives the hub's resource group (location, the plan's tags and
    lzengine's), for the lock of a landing zone's very first run, which must create it."""
    return {"location": plan.location, "tags": {**plan.tags, MANAGED_BY_TAG: "lzengine", ZONE_TAG: plan.name}}


@dataclass(frozen=True)
class ControlZone:
    """Where one landing zone's control records live."""

    subscription: str
    resource_group: str
    landing_zone: str

    @property
    def name(self) -> str:
        return f"{self.landing_zone.lower()}.{CONTROL_SUFFIX}"

    @property
    def arm_id(self) -> str:
        return ids.resource_id(self.subscription, self.resource_group, "Microsoft.Network",
                               ("privateDnsZones", self.name))

    @classmethod
    def of_graph(cls, graph: Graph, landing_zone: str, subscription: str) -> ControlZone:
        """The control zone of a compiled plan: in the hub's resource group, in the hub's
        subscription (``subscription``, the default, only for an id that names none)."""
        node = graph.nodes.get(HUB_RESOURCE_GROUP)
        if node is None:
            raise ValueError(f"the graph has no {HUB_RESOURCE_GROUP} node; every plan has a hub")
        return cls(ids.subscription_of(node.arm_id) or subscription, ids.parse_name(node.arm_id), landing_zone)

    @classmethod
    def of_plan(cls, plan: Any, subscription: str) -> ControlZone:
        """The control zone of a plan (``lzengine.plan.models.Plan``), before compiling it: in the
        hub's subscription (``hub.subscription``, else ``subscription``, the plan's default)."""
        from lzengine.plan.naming import Names

        return cls(plan.hub_subscription(subscription), Names(plan, subscription).hub_resource_group(), plan.name)

    def body(self) -> dict[str, Any]:
        return {"location": "global", "tags": {MANAGED_BY_TAG: "lzengine", ZONE_TAG: self.landing_zone}}

    def exists(self, adapter: Adapter) -> bool:
        return adapter.read(KINDS_BY_NAME["private_dns_zone"], self.arm_id) is not None

    def ensure(self, adapter: Adapter, resource_group_body: dict[str, Any] | None = None) -> set[str]:
        """Create the zone when it is missing; with ``resource_group_body``, also the hub's resource
        group when that is missing (the lock of a landing zone's very first apply). Returns the
        lower-cased ids it created."""
        if self.exists(adapter):
            return set()
        created = set()
        if resource_group_body is not None:
            group = KINDS_BY_NAME["resource_group"]
            group_id = ids.resource_group_id(self.subscription, self.resource_group)
            if adapter.read(group, group_id) is None:
                adapter.write(group, group_id, resource_group_body)
                created.add(group_id.lower())
        adapter.write(KINDS_BY_NAME["private_dns_zone"], self.arm_id, self.body())
        return created | {self.arm_id.lower()}
