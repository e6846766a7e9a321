"""Decide what ``apply --prune`` deletes, and in which order: pure functions, no calls.

Who uses it: ``lzengine.engine.Engine.plan_prune``, which gathers the facts (the tagged
resources ARM lists, the ownership records, the live bodies of the orphans) and turns this
module's answer into a graph of deletions the executor walks dependents first.

What is an orphan: a resource this landing zone manages — tagged ``managed-by: lzengine`` and
``lzengine-zone: <zone>`` (top-level), or holding a valid ownership record (children and
extension resources, see ``lzengine.ownership``) — that the plan no longer declares. Nothing
else is ever deleted.

Order, so that Azure accepts every delete:

- containment: a child goes before what contains it;
- a recorded child whose parent resource is deleted as well is not deleted on its own (it goes
  with its parent; its record is forgotten when the parent is gone);
- references ("detach before delete"): a resource whose live body points at another orphan (a
  subnet at its NSG and route table, a peering or DNS link at a removed VNet, a private endpoint
  at its subnet) is deleted first. Properties in which ARM lists *who points at* a resource
  (``BACK_REFERENCE_KEYS``) are not references; an edge that would close a cycle is dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: Read-only properties in which ARM lists the resources that point at this one (a subnet's NIC
#: ip configurations and private endpoints, an NSG's subnets and NICs, an account's private
#: endpoint connections, a public IP's ip configuration). Following them would invert the order.
BACK_REFERENCE_KEYS = frozenset(k.lower() for k in (
    "privateEndpointConnections", "privateEndpoints", "privateEndpoint", "serviceAssociationLinks",
    "resourceNavigationLinks", "applicationGatewayIPConfigurations", "ipConfigurationProfiles",
    "ipConfiguration", "networkInterfaces", "virtualMachine", "linkedResources",
))
#: Keys that list back-references in some types and forward ones in others: back-references
#: there are bare ``[{"id": ...}]`` lists (an NSG's ``subnets``, a subnet's ``ipConfigurations``),
#: forward ones carry bodies (a VNet's ``subnets``, a firewall's ``ipConfigurations``).
BARE_LIST_BACK_REFERENCE_KEYS = frozenset(k.lower() for k in ("subnets", "ipConfigurations"))

RESOURCE_GROUP_TYPE = "microsoft.resources/resourcegroups"
#: Resources Azure creates for another one and deletes with it, by type: the body path of their
#: owner's id. A private endpoint's network interface lives in the endpoint's resource group and
#: carries no tags; it never keeps a group from being pruned when its endpoint is pruned too.
CREATED_WITH = {"microsoft.network/networkinterfaces": "properties.privateEndpoint.id"}


@dataclass
class Orphan:
    """One resource to delete (or, ``covered_by`` set, to leave to the deletion of its parent)."""

    arm_id: str
    arm_type: str
    recorded: bool
    covered_by: str | None = None


def find_orphans(declared: Iterable[str], tagged: Iterable[tuple[str, str]],
                 recorded: Mapping[str, tuple[str, str]], keep: Iterable[str] = ()) -> dict[str, Orphan]:
    """Lower-cased id → Orphan: tagged (id, type) pairs and recorded ids the plan does not declare.
    ``keep``: ids never pruned although undeclared (the control zone itself)."""
    skip = {i.lower() for i in declared} | {k.lower() for k in keep}
    found: dict[str, Orphan] = {}
    for arm_id, arm_type in tagged:
        if arm_id.lower() not in skip:
            found[arm_id.lower()] = Orphan(arm_id, arm_type, recorded=False)
    for lowered, (arm_id, arm_type) in recorded.items():
        if lowered not in skip and lowered not in found:
            found[lowered] = Orphan(arm_id, arm_type, recorded=True)
    for lowered, orphan in found.items():
        if not orphan.recorded:
            continue
        parents = [o for o in found if o != lowered and lowered.startswith(o + "/")
                   and found[o].arm_type.lower() != RESOURCE_GROUP_TYPE]
        if parents:
            orphan.covered_by = min(parents, key=len)
    return found


def references(body: Any, key: str = "") -> set[str]:
    """Every lower-cased ARM id string in a live body, outside back-reference properties."""
    found: set[str] = set()
    if isinstance(body, dict):
        for k, v in body.items():
            lowered = k.lower()
            if lowered in BACK_REFERENCE_KEYS:
                continue
            if lowered in BARE_LIST_BACK_REFERENCE_KEYS and isinstance(v, list) and v and all(
                    isinstance(i, dict) and set(i) <= {"id", "etag"} for i in v):
                continue
            found |= references(v, lowered)
    elif isinstance(body, list):
        for item in body:
            found |= references(item, key)
    elif isinstance(body, str) and body.lower().startswith("/subscriptions/"):
        found.add(body.lower().rstrip("/"))
    return found


def order_edges(orphans: Mapping[str, Orphan], bodies: Mapping[str, Any]) -> dict[str, set[str]]:
    """Lower-cased id → the lower-cased ids that must be deleted *before* it (its dependents):
    contained resources and resources whose body references it (or something inside it)."""
    active = [o for o, orphan in orphans.items() if orphan.covered_by is None]
    before: dict[str, set[str]] = {o: set() for o in active}
    for o in active:
        for other in active:
            if other != o and other.startswith(o + "/"):
                before[o].add(other)  # containment: children first
    for referrer in active:
        for target_id in sorted(references(bodies.get(referrer))):
            for target in active:
                if target == referrer or referrer.startswith(target + "/") or target.startswith(referrer + "/"):
                    continue
                if (target_id == target or target_id.startswith(target + "/")) \
                        and not _reaches(before, referrer, target):
                    before[target].add(referrer)
    return before


def _reaches(before: Mapping[str, set[str]], start: str, goal: str) -> bool:
    """Whether ``goal`` must already be deleted before ``start`` (adding the reverse would cycle)."""
    seen, stack = set(), [start]
    while stack:
        current = stack.pop()
        if current == goal:
            return True
        if current in seen:
            continue
        seen.add(current)
        stack.extend(before.get(current, ()))
    return False
