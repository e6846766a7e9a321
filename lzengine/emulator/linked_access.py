"""Linked-access checks: the extra permission ARM demands when a write references another resource.

Called by :mod:`lzengine.emulator.app` after the request's own action (``.../write``) was allowed,
for PUT and PATCH by principals other than the admin. Azure checks, for each resource a body links
(a subnet a private endpoint sits in, a route table a subnet uses, a VNet a private DNS zone links),
that the caller also holds a ``join``-style action on the linked resource; without it the write is
refused with 403 ``LinkedAuthorizationFailed`` naming both actions and the linked scope (messages
quoted in microsoft/planetary-computer-hub#25 for ``routeTables/join/action``, openshift/release#76853
for ``virtualNetworks/subnets/join/action``, Azure/terraform-azurerm-avm-ptn-hubnetworking#81).

The table is data: lower-case resource type → (path in the request body, action on the linked
resource). A path is dot-separated; ``[]`` walks every element of a list; the value at the end is an
``{"id": ...}`` reference or a plain id string. Every reference present in the body is checked, not only
changed ones (Azure re-checks on every write) [unconfirmed for unchanged references].
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

SUBNET_JOIN = "Microsoft.Network/virtualNetworks/subnets/join/action"
PIP_JOIN = "Microsoft.Network/publicIPAddresses/join/action"
NSG_JOIN = "Microsoft.Network/networkSecurityGroups/join/action"
ROUTE_TABLE_JOIN = "Microsoft.Network/routeTables/join/action"
NAT_JOIN = "Microsoft.Network/natGateways/join/action"
_SUBNET_LINKS = (
    ("properties.networkSecurityGroup", NSG_JOIN),
    ("properties.routeTable", ROUTE_TABLE_JOIN),
    ("properties.natGateway", NAT_JOIN),
)

#: lower-case type → (body path, action required on the referenced resource)
LINKS: dict[str, tuple[tuple[str, str], ...]] = {
    "microsoft.network/virtualnetworks": (
        *((f"properties.subnets[].{path}", action) for path, action in _SUBNET_LINKS),
        ("properties.ddosProtectionPlan", "Microsoft.Network/ddosProtectionPlans/join/action"),
    ),
    "microsoft.network/virtualnetworks/subnets": _SUBNET_LINKS,
    "microsoft.network/virtualnetworks/virtualnetworkpeerings": (
        ("properties.remoteVirtualNetwork", "Microsoft.Network/virtualNetworks/peer/action"),
    ),
    "microsoft.network/privateendpoints": (("properties.subnet", SUBNET_JOIN),),
    "microsoft.network/privateendpoints/privatednszonegroups": (
        ("properties.privateDnsZoneConfigs[].properties.privateDnsZoneId",
         "Microsoft.Network/privateDnsZones/join/action"),
    ),
    "microsoft.network/privatednszones/virtualnetworklinks": (
        ("properties.virtualNetwork", "Microsoft.Network/virtualNetworks/join/action"),
    ),
    "microsoft.network/networkinterfaces": (
        ("properties.ipConfigurations[].properties.subnet", SUBNET_JOIN),
        ("properties.ipConfigurations[].properties.publicIPAddress", PIP_JOIN),
        ("properties.networkSecurityGroup", NSG_JOIN),
    ),
    "microsoft.network/azurefirewalls": (
        ("properties.ipConfigurations[].properties.subnet", SUBNET_JOIN),
        ("properties.ipConfigurations[].properties.publicIPAddress", PIP_JOIN),
        ("properties.managementIpConfiguration.properties.subnet", SUBNET_JOIN),
        ("properties.managementIpConfiguration.properties.publicIPAddress", PIP_JOIN),
        ("properties.firewallPolicy", "Microsoft.Network/firewallPolicies/join/action"),
    ),
    "microsoft.network/bastionhosts": (
        ("properties.ipConfigurations[].properties.subnet", SUBNET_JOIN),
        ("properties.ipConfigurations[].properties.publicIPAddress", PIP_JOIN),
    ),
    "microsoft.network/applicationgateways": (
        ("properties.gatewayIPConfigurations[].properties.subnet", SUBNET_JOIN),
        ("properties.frontendIPConfigurations[].properties.publicIPAddress", PIP_JOIN),
        ("properties.frontendIPConfigurations[].properties.subnet", SUBNET_JOIN),
        ("properties.firewallPolicy", "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies/join/action"),
    ),
    "microsoft.web/sites": (
        ("properties.serverFarmId", "Microsoft.Web/serverfarms/join/action"),
        ("properties.virtualNetworkSubnetId", SUBNET_JOIN),
    ),
}

#: any type with user-assigned identities needs ``assign/action`` on each (Managed Identity Operator)
IDENTITY_ASSIGN = "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action"


def _walk(value: Any, parts: list[str]) -> Iterator[Any]:
    if not parts:
        yield value
        return
    head, rest = parts[0], parts[1:]
    many = head.endswith("[]")
    key = head[:-2] if many else head
    if not isinstance(value, dict) or key not in value:
        return
    inner = value[key]
    if many:
        for item in inner if isinstance(inner, list) else []:
            yield from _walk(item, rest)
    else:
        yield from _walk(inner, rest)


def _ref_id(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def linked_actions(type_lower: str, body: dict[str, Any]) -> list[tuple[str, str]]:
    """(action, linked resource id) pairs a write of ``body`` needs, in body order, without repeats."""
    out: list[tuple[str, str]] = []
    for path, action in LINKS.get(type_lower, ()):
        for value in _walk(body, path.split(".")):
            rid = _ref_id(value)
            if rid and (action, rid) not in out:
                out.append((action, rid))
    identity = body.get("identity")
    users = identity.get("userAssignedIdentities") if isinstance(identity, dict) else None
    if isinstance(users, dict):
        for uid in users:
            if isinstance(uid, str) and (IDENTITY_ASSIGN, uid) not in out:
                out.append((IDENTITY_ASSIGN, uid))
    return out
