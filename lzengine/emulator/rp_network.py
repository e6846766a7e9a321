"""Microsoft.Network: virtual networks, subnets, peerings, network security groups and route tables.

The provider module of the network's core types: their registry rows (``SPECS``, how each speaks
ARM) and their behaviour (``HANDLERS``), collected by :mod:`lzengine.emulator.registry` and called
through :mod:`lzengine.emulator.hooks` with the backend lock held. Appliances (public IPs, Azure
Firewall, Bastion, Application Gateway) are :mod:`~lzengine.emulator.rp_network_appliances`, private
endpoints :mod:`~lzengine.emulator.rp_private_endpoints`, private DNS
:mod:`~lzengine.emulator.rp_privatedns`; they use the subnet helpers here. What it models:

* VNets and subnets: CIDR syntax, subnets inside the address space (``NetcfgSubnetRangeOutsideVnet``)
  and not overlapping (``NetcfgSubnetRangesOverlap``), references to NSGs / route tables
  (``InvalidResourceReference``), in-use subnets refused deletion (``InUseSubnetCannotBeDeleted``)
  and prefix changes under allocations (``InUsePrefixCannotBeDeleted``).
* Back-references computed at read time, never stored: a subnet's ``ipConfigurations``,
  ``privateEndpoints``, ``applicationGatewayIPConfigurations`` and ``serviceAssociationLinks``;
  an NSG's and a route table's ``subnets``.
* Peerings: overlap refused (``VnetAddressSpacesOverlap``,
  ``VnetAddressSpaceOverlapsWithAlreadyPeeredVnet``), ``Initiated`` until the reverse peering
  exists, ``remoteAddressSpace`` and sync level.

Error codes not seen in public material are marked [unconfirmed] where they are raised.
"""

from __future__ import annotations

import ipaddress
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from lzengine.emulator import errors
from lzengine.emulator.context import ProviderContext
from lzengine.emulator.handlers import Handler
from lzengine.emulator.paths import ResourcePath, id_key, parse_resource, split
from lzengine.emulator.rp_common import (
    find,
    local,
    old_props,
    props,
    ref,
    require,
    require_same_subscription,
    stable_guid,
)
from lzengine.emulator.store import Resource
from lzengine.emulator.typespec import REGIONS, DeleteMode, InlineChildren, PutMode, TypeSpec

if TYPE_CHECKING:
    from lzengine.emulator.lro import Operation

VNET = "microsoft.network/virtualnetworks"
SUBNET = "microsoft.network/virtualnetworks/subnets"
PEERING = "microsoft.network/virtualnetworks/virtualnetworkpeerings"
NSG = "microsoft.network/networksecuritygroups"
RULE = "microsoft.network/networksecuritygroups/securityrules"
ROUTE_TABLE = "microsoft.network/routetables"
ROUTE = "microsoft.network/routetables/routes"
NAT = "microsoft.network/natgateways"
# users of a subnet, looked up in the store for back-references (their behaviour is in other modules)
NIC = "microsoft.network/networkinterfaces"
PE = "microsoft.network/privateendpoints"
FIREWALL = "microsoft.network/azurefirewalls"
BASTION = "microsoft.network/bastionhosts"
APPGW = "microsoft.network/applicationgateways"
SITE = "microsoft.web/sites"

_NEXT_HOP_TYPES = ("virtualnetworkgateway", "vnetlocal", "internet", "virtualappliance", "none")

# ---------------------------------------------------------------------------- registry rows
NETWORK_VERSIONS = (
    "2018-10-01", "2019-02-01", "2019-04-01", "2019-06-01", "2019-09-01", "2019-11-01",
    "2020-03-01", "2020-04-01", "2020-05-01", "2020-06-01", "2020-07-01", "2020-08-01",
    "2020-11-01", "2021-02-01", "2021-03-01", "2021-05-01", "2021-08-01", "2022-01-01",
    "2022-05-01", "2022-07-01", "2022-09-01", "2022-11-01", "2023-02-01", "2023-04-01",
    "2023-05-01", "2023-06-01", "2023-09-01", "2023-11-01", "2024-01-01", "2024-03-01",
    "2024-05-01", "2024-07-01", "2024-10-01", "2025-01-01", "2025-03-01", "2025-05-01",
    "2025-07-01", "2026-01-01", "2026-03-01",
)  # fmt: skip

_NET_CREATE = PutMode(201, "Updating", async_header=True)
_NET_UPDATE = PutMode(200, "Updating", async_header=True)
_NET_DELETE = DeleteMode(202, "Deleting", async_header=True, location_header=True)


def network(type_: str, latency: tuple[float, float, float], **kw: object) -> TypeSpec:
    """A Microsoft.Network row: 201/200 with ``Updating`` and ``Azure-AsyncOperation``, 202 deletes,
    ``W/"guid"`` ETags per resource family, ``AnotherOperationInProgress`` while the family is busy."""
    spec = TypeSpec(
        type=type_,
        api_versions=NETWORK_VERSIONS,
        create=_NET_CREATE,
        update=_NET_UPDATE,
        delete=_NET_DELETE,
        latency=latency,
        etag="network",
        conflict_code="AnotherOperationInProgress",
        locations=REGIONS,
        normalize_location=True,
        bare_operation_status=True,
    )
    return replace(spec, **kw)  # type: ignore[arg-type]


SPECS: list[TypeSpec] = [
    network(
        "Microsoft.Network/virtualNetworks",
        (5.0, 5.0, 5.0),
        inline=(
            InlineChildren("subnets", "subnets", preserve_since="2023-09-01"),
            InlineChildren("virtualNetworkPeerings", "virtualNetworkPeerings", preserve_since=""),
        ),
    ),
    network("Microsoft.Network/virtualNetworks/subnets", (3.0, 3.0, 3.0)),
    network("Microsoft.Network/virtualNetworks/virtualNetworkPeerings", (10.0, 10.0, 5.0)),
    network(
        "Microsoft.Network/networkSecurityGroups",
        (3.0, 3.0, 3.0),
        inline=(InlineChildren("securityRules", "securityRules"),),
    ),
    network("Microsoft.Network/networkSecurityGroups/securityRules", (2.0, 2.0, 2.0)),
    network("Microsoft.Network/routeTables", (3.0, 3.0, 3.0), inline=(InlineChildren("routes", "routes"),)),
    network("Microsoft.Network/routeTables/routes", (2.0, 2.0, 2.0)),
    network("Microsoft.Network/natGateways", (5.0, 5.0, 5.0)),
    network("Microsoft.Network/applicationSecurityGroups", (2.0, 2.0, 2.0)),
    network("Microsoft.Network/ddosProtectionPlans", (10.0, 10.0, 10.0)),
    network("Microsoft.Network/networkWatchers", (2.0, 2.0, 2.0)),
    network("Microsoft.Network/virtualNetworkGateways", (2700.0, 1200.0, 900.0)),
    network("Microsoft.Network/privateLinkServices", (30.0, 20.0, 20.0)),
]
#: any other Microsoft.Network type speaks the network protocol
NAMESPACE_DEFAULTS: dict[str, TypeSpec] = {"microsoft.network": network("Microsoft.Network/*", (5.0, 5.0, 5.0))}


def check_cidr(value: Any, what: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(str(value), strict=True)
    except ValueError as exc:
        raise errors.bad_request(
            "InvalidAddressPrefixFormat" if "/" in str(value) else "InvalidCIDRNotation",
            f"The {what} {value} is not a valid CIDR prefix ({exc}).",
            target=what,
        ) from None


def _nets(values: Any) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    out = []
    for v in values or []:
        try:
            out.append(ipaddress.ip_network(str(v), strict=False))
        except ValueError:
            continue
    return out


def vnet_space(body: dict[str, Any]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return _nets((props(body).get("addressSpace") or {}).get("addressPrefixes"))


def subnet_prefixes(p: dict[str, Any]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    values = [p["addressPrefix"]] if p.get("addressPrefix") else []
    values += list(p.get("addressPrefixes") or [])
    return _nets(values)


def _inside(net: Any, space: list[Any]) -> bool:
    return any(net.version == s.version and net.subnet_of(s) for s in space)


def _overlap(a: list[Any], b: list[Any]) -> list[str]:
    return sorted({str(x) if x.prefixlen >= y.prefixlen else str(y)
                   for x in a for y in b if x.version == y.version and x.overlaps(y)})  # fmt: skip


def _vnet_name(vnet_id: str) -> str:
    return vnet_id.rstrip("/").rsplit("/", 1)[-1]


def _check_subnet_layout(vnet_id: str, space: list[Any], subnets: list[tuple[str, dict[str, Any]]]) -> None:
    """Every subnet inside the address space, no two overlapping."""
    seen: list[tuple[str, list[Any]]] = []
    for name, sp in subnets:
        nets = subnet_prefixes(sp)
        if space and any(not _inside(n, space) for n in nets):
            raise errors.bad_request(
                "NetcfgSubnetRangeOutsideVnet",
                f"Subnet '{name}' is not valid because its IP address range is outside the IP address "
                f"range of virtual network '{_vnet_name(vnet_id)}'.",
            )
        for _other, other_nets in seen:
            if _overlap(nets, other_nets):
                raise errors.bad_request(
                    "NetcfgSubnetRangesOverlap",
                    f"Subnet '{name}' is not valid because its IP address range overlaps with that of an "
                    f"existing subnet in virtual network '{_vnet_name(vnet_id)}'.",
                )
        seen.append((name, nets))


def subnet_users(ctx: ProviderContext, subnet_key: str) -> dict[str, list[Any]]:
    """What uses a subnet, as the subnet's read-only back-reference properties."""
    out: dict[str, list[Any]] = {"ipConfigurations": [], "privateEndpoints": [],
                                 "applicationGatewayIPConfigurations": [], "serviceAssociationLinks": []}
    store = ctx.store
    for nic in store.of_type(NIC):
        for cfg in props(nic.body).get("ipConfigurations") or []:
            if id_key(ref(props(cfg).get("subnet"))) == subnet_key:
                out["ipConfigurations"].append({"id": cfg.get("id")})
    for t in (FIREWALL, BASTION):
        for res in store.of_type(t):
            for cfg in props(res.body).get("ipConfigurations") or []:
                if id_key(ref(props(cfg).get("subnet"))) == subnet_key:
                    out["ipConfigurations"].append({"id": cfg.get("id")})
    for pe in store.of_type(PE):
        if id_key(ref(props(pe.body).get("subnet"))) == subnet_key:
            out["privateEndpoints"].append({"id": pe.id})
    for gw in store.of_type(APPGW):
        for cfg in props(gw.body).get("gatewayIPConfigurations") or []:
            if id_key(ref(props(cfg).get("subnet"))) == subnet_key:
                out["applicationGatewayIPConfigurations"].append({"id": cfg.get("id")})
    farms = []
    for site in store.of_type(SITE):
        sp = props(site.body)
        if id_key(str(sp.get("virtualNetworkSubnetId") or "")) == subnet_key:
            farm = str(sp.get("serverFarmId") or "")
            if farm.lower() not in [f.lower() for f in farms]:
                farms.append(farm)
    subnet = store.get(subnet_key)
    for farm in farms:
        sal_id = f"{subnet.id if subnet else subnet_key}/serviceAssociationLinks/AppServiceLink"
        out["serviceAssociationLinks"].append({
            "name": "AppServiceLink", "id": sal_id,
            "type": "Microsoft.Network/virtualNetworks/subnets/serviceAssociationLinks",
            "properties": {"provisioningState": "Succeeded", "linkedResourceType": "Microsoft.Web/serverfarms",
                           "link": farm, "enabledForArmDeployments": False, "allowDelete": False,
                           "locations": []},
        })  # fmt: skip
    return out


def ip_allocations(ctx: ProviderContext, subnet_key: str) -> list[tuple[str, str]]:
    """(private IP, ip configuration id) of every address allocated in a subnet (NICs, firewalls)."""
    out: list[tuple[str, str]] = []
    for t in (NIC, FIREWALL):
        for res in ctx.store.of_type(t):
            for cfg in props(res.body).get("ipConfigurations") or []:
                cp = props(cfg)
                if id_key(ref(cp.get("subnet"))) == subnet_key and cp.get("privateIPAddress"):
                    out.append((str(cp["privateIPAddress"]), str(cfg.get("id") or res.id)))
    return out


def used_ips(ctx: ProviderContext, subnet_key: str) -> set[str]:
    return {ip for ip, _ in ip_allocations(ctx, subnet_key)}


def allocate_ip(ctx: ProviderContext, subnet_id: str, by_id: str) -> str | None:
    """The first free address of a subnet (Azure keeps the first four and the last one)."""
    subnet = find(ctx, subnet_id)
    if subnet is None:
        return None
    nets = [n for n in subnet_prefixes(props(subnet.body)) if n.version == 4]
    if not nets:
        return None
    taken = used_ips(ctx, subnet.key)
    net = nets[0]
    for i in range(4, net.num_addresses - 1):
        candidate = str(net[i])
        if candidate not in taken:
            return candidate
    # code and wording as AKS surfaces the network RP's error ("<subnet> with address prefix <prefix> doesn't
    # have enough capacity for IP addresses."); Azure's ARM error-code documentation lists SubnetIsFull too
    raise errors.bad_request(
        "SubnetIsFull", f"Subnet {subnet_id} with address prefix {net} doesn't have enough capacity for IP "
        f"addresses (requested by {by_id}).")


def check_subnet_removal(ctx: ProviderContext, subnet: Resource) -> None:
    users = subnet_users(ctx, subnet.key)
    for key in ("ipConfigurations", "applicationGatewayIPConfigurations", "serviceAssociationLinks"):
        if users[key]:
            raise errors.bad_request(
                "InUseSubnetCannotBeDeleted",
                f"Subnet {subnet.body.get('name')} is in use by {users[key][0]['id']} and cannot be deleted. "
                "In order to delete the subnet, delete all the resources within the subnet. See "
                "aka.ms/deletesubnet.",
            )


# Validators: (ctx, rp, body, existing, parent_body); ``parent_body`` is the parent's new body when the
# resource is written inline (a subnet inside a VNet PUT): checks across siblings are then the parent's.
def _validate_vnet_put(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                       parent_body: dict[str, Any] | None) -> None:
    _validate_vnet(ctx, rp, body, existing)


def _validate_subnet_put(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any],
                         existing: Resource | None, parent_body: dict[str, Any] | None) -> None:
    _validate_subnet(ctx, rp, props(body), parent_body)


def _validate_nsg(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                  parent_body: dict[str, Any] | None) -> None:
    _check_rules([(str(r.get("name")), props(r)) for r in props(body).get("securityRules") or []
                  if isinstance(r, dict)])


def _validate_rule(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None,
                   parent_body: dict[str, Any] | None) -> None:
    if parent_body is not None:
        _check_rules([(rp.name, props(body))])
        return
    rules = [(c.body["name"], props(c.body)) for c in ctx.store.children(id_key(rp.parent_id), RULE)
             if c.body["name"].lower() != rp.name.lower()]
    _check_rules([*rules, (rp.name, props(body))])


def _validate_route_put(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any],
                        existing: Resource | None, parent_body: dict[str, Any] | None) -> None:
    _validate_route(rp.name, props(body))


def _validate_peering_put(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any],
                          existing: Resource | None, parent_body: dict[str, Any] | None) -> None:
    _validate_peering(ctx, rp, props(body))


def _validate_vnet(ctx: ProviderContext, rp: ResourcePath, body: dict[str, Any], existing: Resource | None) -> None:
    p = props(body)
    for prefix in (p.get("addressSpace") or {}).get("addressPrefixes") or []:
        check_cidr(prefix, "addressSpace.addressPrefixes")
    space = vnet_space(body)
    if isinstance(p.get("subnets"), list):
        inline = [(str(s.get("name")), props(s)) for s in p["subnets"] if isinstance(s, dict)]
        for _name, sp in inline:
            for prefix in ([sp["addressPrefix"]] if sp.get("addressPrefix") else []) + list(
                    sp.get("addressPrefixes") or []):
                check_cidr(prefix, "addressPrefix")
        _check_subnet_layout(rp.id, space, inline)
    elif existing is not None and ctx.api_version[:10] >= "2023-09-01":
        # from 2023-09-01 an omitted 'subnets' keeps them: they must still fit the new space
        kept = [(c.body["name"], props(c.body)) for c in ctx.store.children(existing.key, SUBNET)]
        _check_subnet_layout(rp.id, space, kept)


def _validate_subnet(ctx: ProviderContext, rp: ResourcePath, p: dict[str, Any],
                     parent_body: dict[str, Any] | None) -> None:
    prefixes = [p["addressPrefix"]] if p.get("addressPrefix") else []
    prefixes += list(p.get("addressPrefixes") or [])
    for prefix in prefixes:
        check_cidr(prefix, "addressPrefix")
    vnet = parent_body if parent_body is not None else (find(ctx, rp.parent_id).body
                                                        if find(ctx, rp.parent_id) else None)
    location = str(vnet.get("location") or "") if vnet else None
    for key in ("networkSecurityGroup", "routeTable", "natGateway"):
        require(ctx, ref(p.get(key)), rp.id, location=location)
        require_same_subscription(ref(p.get(key)), rp.id)
    current = ctx.store.get(id_key(rp.id))
    if current is not None and prefixes:
        _check_prefix_change(ctx, current, p)
    if parent_body is None and vnet is not None:
        siblings = [(c.body["name"], props(c.body)) for c in ctx.store.children(id_key(rp.parent_id), SUBNET)
                    if c.body["name"].lower() != rp.name.lower()]
        _check_subnet_layout(rp.parent_id, vnet_space(vnet), [(rp.name, p), *siblings])


def _check_prefix_change(ctx: ProviderContext, subnet: Resource, p: dict[str, Any]) -> None:
    """A subnet's prefixes cannot drop addresses that are allocated, nor change under users that
    hold no address of their own (Bastion, Application Gateway, App Service integration).

    Azure answers ``InUsePrefixCannotBeDeleted`` ("IpPrefix X on Subnet Y has active allocations and
    cannot be deleted", quoted by a maintainer in hashicorp/terraform-provider-azurerm#11211, 2025) for
    the first; ``InUseSubnetCannotBeUpdated`` is the older, subnet-wide code still seen for the second
    (handled by Azure PowerShell's own tests and by azapi retry lists). A change that keeps every
    allocated address inside the new prefixes is accepted here [unconfirmed: Azure may refuse any
    prefix change of a subnet with allocations].
    """
    old_nets = subnet_prefixes(props(subnet.body))
    new_nets = subnet_prefixes(p)
    if sorted(map(str, old_nets)) == sorted(map(str, new_nets)):
        return
    name = subnet.body.get("name")
    for ip, cfg_id in ip_allocations(ctx, subnet.key):
        addr = ipaddress.ip_address(ip)
        if any(addr.version == n.version and addr in n for n in new_nets):
            continue
        held = next((str(n) for n in old_nets if addr.version == n.version and addr in n), ip)
        raise errors.bad_request(
            "InUsePrefixCannotBeDeleted",
            f"IpPrefix {held} on Subnet {name} has active allocations and cannot be deleted: {ip} is allocated "
            f"to {cfg_id}. Remove the resources from the subnet first, or keep a prefix that contains their "
            "addresses.")
    users = subnet_users(ctx, subnet.key)
    holders = [u["id"] for k in ("applicationGatewayIPConfigurations", "serviceAssociationLinks") for u in users[k]]
    holders += [u["id"] for u in users["ipConfigurations"] if "/bastionHostIpConfigurations/" in str(u["id"])]
    if holders:
        raise errors.bad_request(
            "InUseSubnetCannotBeUpdated",
            f"Subnet {name} is in use by {holders[0]} and its address prefix cannot be updated. Remove the "
            "resources from the subnet first.")


def _check_rules(rules: list[tuple[str, dict[str, Any]]]) -> None:
    seen: dict[tuple[int, str], str] = {}
    for name, rp in rules:
        try:
            priority = int(rp.get("priority"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            priority = -1
        if not 100 <= priority <= 4096:
            raise errors.bad_request(
                "SecurityRuleInvalidPriority",
                f"Security rule {name} has invalid Priority. Value provided: {rp.get('priority')} Allowed "
                "range 100-4096.")
        key = (priority, str(rp.get("direction") or "").lower())
        if key in seen:
            raise errors.bad_request(
                "SecurityRuleConflict",
                f"Security rule {name} conflicts with rule {seen[key]}. Rules cannot have the same Priority "
                "and Direction.")
        seen[key] = name


def _validate_route(name: str, p: dict[str, Any]) -> None:
    prefix = str(p.get("addressPrefix") or "")
    if "/" in prefix or prefix.replace(".", "").isdigit():
        check_cidr(prefix, "addressPrefix")
    hop = str(p.get("nextHopType") or "")
    if hop.lower() not in _NEXT_HOP_TYPES:
        raise errors.bad_request(
            "InvalidRequestFormat", f"Route {name} has an invalid nextHopType '{hop}'.")
    ip = p.get("nextHopIpAddress")
    if hop.lower() == "virtualappliance":
        try:
            ipaddress.ip_address(str(ip))
        except ValueError:  # code confirmed by Azure PowerShell's route table scenario tests
            raise errors.bad_request(
                "InvalidNextHopIpAddress",
                f"Route {name} has nextHopType VirtualAppliance and needs a valid nextHopIpAddress; got "
                f"'{ip}'.") from None
    elif ip:  # code confirmed by a public runbook quoting it for an update from VirtualAppliance to Internet
        raise errors.bad_request(
            "NextHopIpAddressNotAllowed",
            f"Route {name} has nextHopIpAddress specified, but nextHopType is {hop}: only VirtualAppliance "
            "routes take a next hop address.")


def _validate_peering(ctx: ProviderContext, rp: ResourcePath, p: dict[str, Any]) -> None:
    local_vnet = find(ctx, rp.parent_id)
    remote_id = ref(p.get("remoteVirtualNetwork"))
    remote = find(ctx, remote_id) if remote_id and local(ctx, remote_id) else None
    if remote is None and remote_id and local(ctx, remote_id):
        # the code and message Azure answers for a missing remote VNet, from any subscription
        # (quoted in FreddyAyala/AzureAIServicesLandingZone#2)
        raise errors.bad_request(
            "InvalidGlobalResourceReference",
            f"Resource {remote_id} referenced by resource {rp.id} was not found. Please make sure that the "
            "referenced resource exists.")
    if local_vnet is None or remote is None:
        return
    mine, theirs = vnet_space(local_vnet.body), vnet_space(remote.body)
    clash = _overlap(mine, theirs)
    if clash:
        raise errors.bad_request(
            "VnetAddressSpacesOverlap",
            f"Cannot create or update peering {rp.id}. Virtual networks {local_vnet.id} and {remote.id} cannot "
            f"be peered because their address spaces overlap. Overlapping address prefixes: {', '.join(clash)}.")
    for first, second, second_id in ((mine, remote, remote.id), (theirs, local_vnet, local_vnet.id)):
        for other in ctx.store.children(second.key, PEERING):
            third_id = ref(props(other.body).get("remoteVirtualNetwork"))
            third = find(ctx, third_id)
            if third is None or third.key in (local_vnet.key, remote.key):
                continue
            clash = _overlap(first, vnet_space(third.body))
            if clash:
                a = local_vnet.id if second is remote else remote.id
                raise errors.bad_request(
                    "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet",
                    f"Cannot create or update peering {rp.id}. Virtual networks {a} and {second_id} cannot be "
                    f"peered because address space of the first virtual network overlaps with address space "
                    f"of virtual network {third.id} already peered with the second virtual network. "
                    f"Overlapping address prefixes: {', '.join(clash)}.")


# After-put hooks: (ctx, rp, res, existing, op, state) fill the server-side properties of ``res``.
def _after_vnet(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None,
                op: Operation | None, state: str) -> None:
    p, old = res.body.setdefault("properties", {}), old_props(existing)
    p["resourceGuid"] = old.get("resourceGuid") or stable_guid("vnet", res.id)
    p.setdefault("enableDdosProtection", False)
    p.setdefault("privateEndpointVNetPolicies", "Disabled")
    if existing is not None and vnet_space(existing.body) != vnet_space(res.body):
        _mark_peerings_out_of_sync(ctx, res)


def _after_subnet(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None,
                  op: Operation | None, state: str) -> None:
    p = res.body.setdefault("properties", {})
    p.setdefault("privateEndpointNetworkPolicies", "Disabled")
    p.setdefault("privateLinkServiceNetworkPolicies", "Enabled")
    p.setdefault("delegations", [])
    for d in p["delegations"]:
        if isinstance(d, dict) and d.get("name"):
            d["id"] = f"{res.id}/delegations/{d['name']}"
            d.setdefault("type", "Microsoft.Network/virtualNetworks/subnets/delegations")
            dp = d.setdefault("properties", {})
            dp["provisioningState"] = "Succeeded"
            dp.setdefault("actions", _DELEGATION_ACTIONS.get(str(dp.get("serviceName", "")).lower(), []))


def _after_nsg(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None,
               op: Operation | None, state: str) -> None:
    p = res.body.setdefault("properties", {})
    p["resourceGuid"] = old_props(existing).get("resourceGuid") or stable_guid("nsg", res.id)
    p["defaultSecurityRules"] = _default_rules(res.id, state)


def _after_route_table(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None,
                       op: Operation | None, state: str) -> None:
    p = res.body.setdefault("properties", {})
    p.setdefault("disableBgpRoutePropagation", False)
    p["resourceGuid"] = old_props(existing).get("resourceGuid") or stable_guid("rt", res.id)


def _after_nat(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None,
               op: Operation | None, state: str) -> None:
    """A NAT gateway: Standard SKU and a 4-minute idle timeout unless given (the API's defaults)."""
    res.body.setdefault("sku", {"name": "Standard"})
    p = res.body.setdefault("properties", {})
    p.setdefault("idleTimeoutInMinutes", 4)
    p["resourceGuid"] = old_props(existing).get("resourceGuid") or stable_guid("nat", res.id)


def _after_peering(ctx: ProviderContext, rp: ResourcePath, res: Resource, existing: Resource | None,
                   op: Operation | None, state: str) -> None:
    _peering(ctx, res, existing)


_DELEGATION_ACTIONS = {
    "microsoft.web/serverfarms": ["Microsoft.Network/virtualNetworks/subnets/action"],
    "microsoft.app/environments": ["Microsoft.Network/virtualNetworks/subnets/join/action"],
    "microsoft.network/dnsresolvers": ["Microsoft.Network/virtualNetworks/subnets/join/action"],
}


def _space_of(vnet: Resource | None) -> dict[str, Any]:
    space = (props(vnet.body).get("addressSpace") if vnet is not None else None) or {"addressPrefixes": []}
    return {"addressPrefixes": list(space.get("addressPrefixes") or [])}


def _same_space(a: Any, b: Any) -> bool:
    def prefixes(x: Any) -> list[str]:
        return sorted(str(v) for v in ((x or {}).get("addressPrefixes") or []))
    return prefixes(a) == prefixes(b)


def _sync_level(ctx: ProviderContext, peering: Resource, reverse: Resource | None) -> str:
    """``FullyInSync`` / ``RemoteNotInSync`` (this side's view of the remote space is stale) /
    ``LocalNotInSync`` (the remote side's view of this VNet is stale) / ``LocalAndRemoteNotInSync``."""
    remote_ok = _same_space(props(peering.body).get("remoteAddressSpace"),
                            _space_of(find(ctx, ref(props(peering.body).get("remoteVirtualNetwork")))))
    local_ok = reverse is None or _same_space(props(reverse.body).get("remoteAddressSpace"),
                                              _space_of(find(ctx, _vnet_of(peering))))
    if remote_ok and local_ok:
        return "FullyInSync"
    if local_ok:
        return "RemoteNotInSync"
    return "LocalNotInSync" if remote_ok else "LocalAndRemoteNotInSync"


def _refresh_sync_levels(ctx: ProviderContext, peering: Resource, reverse: Resource | None) -> None:
    """Recompute ``peeringSyncLevel`` of a peering and of its reverse peering (stored if it exists)."""
    pp = props(peering.body)
    pp["peeringSyncLevel"] = _sync_level(ctx, peering, reverse)
    pp["remoteVirtualNetworkAddressSpace"] = pp.get("remoteAddressSpace")
    if reverse is not None:
        props(reverse.body)["peeringSyncLevel"] = _sync_level(ctx, reverse, peering)
        ctx.store.put(reverse)


def _mark_peerings_out_of_sync(ctx: ProviderContext, vnet: Resource) -> None:
    """A VNet's address space changed: every peering from or to it recomputes its sync level."""
    ctx.store.put(vnet)  # the new address space must be visible to the computation below
    touched = list(ctx.store.children(vnet.key, PEERING))
    touched += [o for o in ctx.store.of_type(PEERING)
                if id_key(ref(props(o.body).get("remoteVirtualNetwork"))) == vnet.key]
    for peering in touched:
        pp = props(peering.body)
        pp["peeringSyncLevel"] = _sync_level(ctx, peering, reverse_peering(ctx, peering))
        ctx.store.put(peering)


_RULES = (
    ("AllowVnetInBound", "Inbound", "Allow", 65000, "VirtualNetwork", "VirtualNetwork",
     "Allow inbound traffic from all VMs in VNET"),
    ("AllowAzureLoadBalancerInBound", "Inbound", "Allow", 65001, "AzureLoadBalancer", "*",
     "Allow inbound traffic from azure load balancer"),
    ("DenyAllInBound", "Inbound", "Deny", 65500, "*", "*", "Deny all inbound traffic"),
    ("AllowVnetOutBound", "Outbound", "Allow", 65000, "VirtualNetwork", "VirtualNetwork",
     "Allow outbound traffic from all VMs to all VMs in VNET"),
    ("AllowInternetOutBound", "Outbound", "Allow", 65001, "*", "Internet",
     "Allow outbound traffic from all VMs to Internet"),
    ("DenyAllOutBound", "Outbound", "Deny", 65500, "*", "*", "Deny all outbound traffic"),
)  # fmt: skip


def _default_rules(nsg_id: str, state: str) -> list[dict[str, Any]]:
    out = []
    for name, direction, access, priority, src, dst, desc in _RULES:
        out.append({
            "name": name,
            "id": f"{nsg_id}/defaultSecurityRules/{name}",
            "type": "Microsoft.Network/networkSecurityGroups/defaultSecurityRules",
            "properties": {
                "provisioningState": state, "description": desc, "protocol": "*", "sourcePortRange": "*",
                "destinationPortRange": "*", "sourceAddressPrefix": src, "destinationAddressPrefix": dst,
                "access": access, "priority": priority, "direction": direction, "sourcePortRanges": [],
                "destinationPortRanges": [], "sourceAddressPrefixes": [], "destinationAddressPrefixes": [],
            },
        })  # fmt: skip
    return out


def _vnet_of(peering: Resource) -> str:
    return peering.id.rsplit("/virtualNetworkPeerings/", 1)[0]


def reverse_peering(ctx: ProviderContext, peering: Resource) -> Resource | None:
    remote_id = ref(props(peering.body).get("remoteVirtualNetwork"))
    if not remote_id:
        return None
    local_vnet = id_key(_vnet_of(peering))
    for other in ctx.store.children(id_key(remote_id), PEERING):
        if id_key(ref(props(other.body).get("remoteVirtualNetwork"))) == local_vnet:
            return other
    return None


def _peering(ctx: ProviderContext, res: Resource, existing: Resource | None) -> None:
    """A peering's view of the remote address space, and the sync level of both sides.

    A new peering, or a PUT with ``syncRemoteAddressSpace=true``, takes the remote VNet's current
    address space; a sync also refreshes the reverse peering's view of this VNet, so the link is in
    sync on both sides at once (the sync is an operation on the peering link). Any other PUT keeps
    the remote space the peering had. ``peeringSyncLevel`` of both sides is then derived from the
    data (:func:`_refresh_sync_levels`), so the two sides can never disagree.
    """
    p = res.body["properties"]
    old = props(existing.body) if existing else {}
    remote = find(ctx, ref(p.get("remoteVirtualNetwork")))
    sync = bool(ctx.query.get("syncRemoteAddressSpace", "").lower() == "true")
    if existing is not None and not sync and old.get("remoteAddressSpace") is not None:
        p["remoteAddressSpace"] = old["remoteAddressSpace"]
    else:
        p["remoteAddressSpace"] = _space_of(remote)
    rev = reverse_peering(ctx, res)
    if sync and rev is not None:
        rp_ = props(rev.body)
        rp_["remoteAddressSpace"] = _space_of(find(ctx, _vnet_of(res)))
        rp_["remoteVirtualNetworkAddressSpace"] = rp_["remoteAddressSpace"]
    _refresh_sync_levels(ctx, res, rev)
    p["remoteVirtualNetworkAddressSpace"] = p["remoteAddressSpace"]
    p["resourceGuid"] = old.get("resourceGuid") or stable_guid("peering", res.id)
    p.setdefault("allowVirtualNetworkAccess", True)
    p.setdefault("allowForwardedTraffic", False)
    p.setdefault("allowGatewayTransit", False)
    p.setdefault("useRemoteGateways", False)
    reverse = reverse_peering(ctx, res)
    if reverse is not None:
        p["peeringState"] = "Connected"
        props(reverse.body)["peeringState"] = "Connected"
        ctx.store.put(reverse)
    else:
        p["peeringState"] = "Initiated"


# Render hooks: (ctx, res, body) add read-time back-references (``body["properties"]`` is a copy).
def _render_subnet(ctx: ProviderContext, res: Resource, body: dict[str, Any]) -> None:
    p = body.setdefault("properties", {})
    for key, items in subnet_users(ctx, res.key).items():
        if items:
            p[key] = items


def _render_associated(key: str) -> Any:
    """Render hook of an NSG (``key`` networkSecurityGroup), a route table (routeTable) or a NAT gateway
    (natGateway): the subnets that use it."""
    def render(ctx: ProviderContext, res: Resource, body: dict[str, Any]) -> None:
        used = [{"id": s.id} for s in ctx.store.of_type(SUBNET) if id_key(ref(props(s.body).get(key))) == res.key]
        if used:
            body.setdefault("properties", {})["subnets"] = used
    return render


def _check_subnet_removal(ctx: ProviderContext, res: Resource) -> None:
    check_subnet_removal(ctx, res)


def _check_vnet_removal(ctx: ProviderContext, res: Resource) -> None:
    for subnet in ctx.store.children(res.key, SUBNET):
        check_subnet_removal(ctx, subnet)


def _check_association_removal(key: str, kind: str, code: str) -> Any:
    """Removal check of an NSG or a route table: refused while a subnet uses it."""
    def check(ctx: ProviderContext, res: Resource) -> None:
        users = [s.id for s in ctx.store.of_type(SUBNET) if id_key(ref(props(s.body).get(key))) == res.key]
        if users:
            raise errors.bad_request(
                code, f"{kind} {res.id} cannot be deleted because it is in use by the following resources: "
                f"{', '.join(users)}. In order to delete the {kind.lower()}, remove the association with the "
                "resource(s).")
    return check


def _removed_peering(ctx: ProviderContext, res: Resource) -> None:
    remote = reverse_peering(ctx, res)
    if remote is not None:
        props(remote.body)["peeringState"] = "Disconnected"
        ctx.store.put(remote)


def parse(resource_id: str) -> ResourcePath | None:
    return parse_resource(split(resource_id))

# ---------------------------------------------------------------------------- handlers
HANDLERS: dict[str, Handler] = {
    VNET: Handler(validate=_validate_vnet_put, after_put=_after_vnet, check_removal=_check_vnet_removal),
    SUBNET: Handler(validate=_validate_subnet_put, after_put=_after_subnet, check_removal=_check_subnet_removal,
                    render=_render_subnet),
    PEERING: Handler(validate=_validate_peering_put, after_put=_after_peering, on_removed=_removed_peering),
    NSG: Handler(validate=_validate_nsg, after_put=_after_nsg, render=_render_associated("networkSecurityGroup"),
                 check_removal=_check_association_removal(
                     "networkSecurityGroup", "Network security group", "InUseNetworkSecurityGroupCannotBeDeleted")),
    RULE: Handler(validate=_validate_rule),
    ROUTE_TABLE: Handler(after_put=_after_route_table, render=_render_associated("routeTable"),
                         check_removal=_check_association_removal(
                             "routeTable", "Route table", "InUseRouteTableCannotBeDeleted")),
    ROUTE: Handler(validate=_validate_route_put),
    NAT: Handler(after_put=_after_nat, render=_render_associated("natGateway")),
}
