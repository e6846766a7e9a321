"""Compiler steps for networks: resource groups, VNets, NSGs, route tables, subnets, peerings.

Who uses it: ``lzengine.compile.STEPS``. Secure defaults live here: an NSG on every subnet that
may have one (with the rules Azure Bastion and Application Gateway v2 require), an 'egress'
route table in each spoke sending 0.0.0.0/0 to the firewall's private IP (a runtime reference)
on every spoke subnet that should egress through the hub, and peering both ways. NSGs and route
tables sit beside their VNet (same resource group, so same subscription); peerings are written
on both sides, each in its own VNet's subscription.
"""

from __future__ import annotations

from typing import Any

from lzengine.compile import platform
from lzengine.compile.context import PLATFORM, Context
from lzengine.kinds import KINDS_BY_NAME
from lzengine.plan import addresses, checks
from lzengine.plan.layout import PlannedSubnet
from lzengine.plan.models import Spoke
from lzengine.refs import Ref

NO_NSG = checks.NO_NSG_SUBNETS
FIREWALL_PRIVATE_IP = "properties.ipConfigurations.0.properties.privateIPAddress"


def _rule(name: str, priority: int, direction: str, source: str, destination: str, ports: list[str],
          protocol: str = "Tcp") -> dict[str, Any]:
    return {
        "name": name,
        "properties": {
            "priority": priority,
            "direction": direction,
            "access": "Allow",
            "protocol": protocol,
            "sourceAddressPrefix": source,
            "sourcePortRange": "*",
            "destinationAddressPrefix": destination,
            "destinationPortRanges": ports,
        },
    }


#: Rules Azure Bastion requires on AzureBastionSubnet's NSG.
BASTION_RULES = [
    _rule("AllowHttpsInbound", 120, "Inbound", "Internet", "*", ["443"]),
    _rule("AllowGatewayManagerInbound", 130, "Inbound", "GatewayManager", "*", ["443"]),
    _rule("AllowAzureLoadBalancerInbound", 140, "Inbound", "AzureLoadBalancer", "*", ["443"]),
    _rule("AllowBastionHostCommunication", 150, "Inbound", "VirtualNetwork", "VirtualNetwork", ["8080", "5701"], "*"),
    _rule("AllowSshRdpOutbound", 100, "Outbound", "*", "VirtualNetwork", ["22", "3389"], "*"),
    _rule("AllowAzureCloudOutbound", 110, "Outbound", "*", "AzureCloud", ["443"]),
    _rule("AllowBastionCommunication", 120, "Outbound", "VirtualNetwork", "VirtualNetwork", ["8080", "5701"], "*"),
    _rule("AllowHttpOutbound", 130, "Outbound", "*", "Internet", ["80"], "*"),
]


def app_gateway_rules(https: bool) -> list[dict[str, Any]]:
    """Rules Application Gateway v2 requires (GatewayManager probes) plus its public listener."""
    return [
        _rule("AllowGatewayManagerInbound", 100, "Inbound", "GatewayManager", "*", ["65200-65535"]),
        _rule("AllowAzureLoadBalancerInbound", 110, "Inbound", "AzureLoadBalancer", "*", ["*"], "*"),
        _rule("AllowHttpsInbound" if https else "AllowHttpInbound", 120, "Inbound", "Internet", "*",
              ["443" if https else "80"]),
    ]


#: Rules API Management needs on its subnet in internal mode (classic tiers, stv2): the management
#: endpoint from the ApiManagement service tag and the infrastructure load balancer inbound; Storage,
#: SQL, Key Vault and Azure Monitor outbound (Microsoft Learn, "Virtual network configuration
#: reference: API Management", required ports). Clients reach the gateway from the VNet on 443.
AI_GATEWAY_RULES = [
    _rule("AllowApiManagementInbound", 100, "Inbound", "ApiManagement", "VirtualNetwork", ["3443"]),
    _rule("AllowAzureLoadBalancerInbound", 110, "Inbound", "AzureLoadBalancer", "VirtualNetwork", ["6390"]),
    _rule("AllowVnetHttpsInbound", 120, "Inbound", "VirtualNetwork", "VirtualNetwork", ["443"]),
    _rule("AllowStorageOutbound", 100, "Outbound", "VirtualNetwork", "Storage", ["443"]),
    _rule("AllowSqlOutbound", 110, "Outbound", "VirtualNetwork", "Sql", ["1433"]),
    _rule("AllowKeyVaultOutbound", 120, "Outbound", "VirtualNetwork", "AzureKeyVault", ["443"]),
    _rule("AllowAzureMonitorOutbound", 130, "Outbound", "VirtualNetwork", "AzureMonitor", ["1886", "443"]),
]
#: Subnets that keep Azure's default routes: an Application Gateway v2 and API Management in
#: internal mode answer their control plane directly (a 0.0.0.0/0 to a firewall breaks both).
DIRECT_ROUTE_PURPOSES = ("app-gateway", "ai-gateway")


def central_gateway_rules(ctx: Context) -> list[dict[str, Any]]:
    """The central gateway's rules: GatewayManager and the load balancer, and a public listener
    on 443 when an app has a certificate and on 80 when one has none."""
    central = ctx.plan.hub.app_gateway
    assert central is not None
    https = {bool(app.certificate_secret_id or app.certificate) for app in central.apps}
    rules = app_gateway_rules(True in https)
    if https == {True, False}:
        rules.append(_rule("AllowHttpInbound", 130, "Inbound", "Internet", "*", ["80"]))
    return rules


def resource_groups(ctx: Context) -> None:
    ctx.add("hub.resource_group", KINDS_BY_NAME["resource_group"], ctx.rg_id(ctx.hub_rg()),
            {"location": ctx.plan.location, "tags": ctx.tags()})
    for spoke in ctx.plan.spokes:
        # Hub before spokes: every spoke resource waits, at least, for the hub's resource group.
        ctx.add(f"spokes.{spoke.name}.resource_group", KINDS_BY_NAME["resource_group"], ctx.rg_id(ctx.spoke_rg(spoke)),
                {"location": ctx.plan.location, "tags": ctx.tags()}, {"hub.resource_group"}, owner=spoke.owner)


def route_tables(ctx: Context) -> None:
    """One copy of each route table per VNet whose subnets use it, beside that VNet: the hub's
    in the hub's resource group, each spoke's in the spoke's resource group and subscription.

    Azure associates a subnet only with a route table (and NSG) in the subnet's own subscription
    and region: a subnet in one subscription pointed at a route table in another is refused with
    ``LinkedAuthorizationFailed`` "... not authorized to access linked subscription ..." (shown
    and explained in ansible-collections/azure#971; Microsoft's subnet and route table pages say
    the table must be in the same subscription and location as the virtual network
    [unconfirmed: wording not checked against the current page]). So a hub-owned table shared by
    every spoke cannot serve spokes in other subscriptions; one model for every plan. The
    platform team owns every copy (the routes to its firewall), wherever it sits."""
    hub = ctx.plan.hub
    tables = {t.name: t for t in hub.route_tables}
    spokes = {s.name: s for s in ctx.plan.spokes}
    for name, users in addresses.route_table_users(ctx.plan).items():
        table = tables.get(name)
        routes = table.routes if table else None
        bgp = table.bgp_propagation if table else False
        body_routes: list[dict[str, Any]] = []
        # an existing hub's firewall known by its IP alone: the route goes there
        fixed = ctx.existing.firewall_private_ip if ctx.existing is not None else None
        if routes is None:  # the default 'egress' table
            body_routes.append(_route("default-to-firewall", "0.0.0.0/0", fixed or "firewall"))
        else:
            body_routes = [_route(r.name, r.prefix, r.next_hop) for r in routes]
        deps: set[str] = set()
        if any(r["properties"]["nextHopType"] == "VirtualAppliance" and isinstance(
                r["properties"].get("nextHopIpAddress"), Ref) for r in body_routes) and hub.firewall:
            # attach egress only once the firewall can pass traffic: after its rules exist
            deps |= {f"hub.firewall_policy.rcg.{g.name}" for g in platform.rule_collection_groups(ctx.plan)}
        body = ctx.located(properties={"disableBgpRoutePropagation": not bgp, "routes": body_routes})
        for label in users:
            spoke = spokes.get(label) if label != "hub" else None
            base = f"spokes.{label}" if spoke is not None else "hub"
            ctx.add(f"{base}.route_table.{name}", KINDS_BY_NAME["route_table"], ctx.route_table_id(name, spoke),
                    body, deps | {f"{base}.resource_group"}, PLATFORM)


def _route(name: str, prefix: str, next_hop: str) -> dict[str, Any]:
    props: dict[str, Any] = {"addressPrefix": prefix}
    if next_hop == "firewall":
        props |= {"nextHopType": "VirtualAppliance", "nextHopIpAddress": Ref("hub.firewall", FIREWALL_PRIVATE_IP)}
    elif next_hop in ("Internet", "None", "VnetLocal"):
        props["nextHopType"] = next_hop
    else:
        props |= {"nextHopType": "VirtualAppliance", "nextHopIpAddress": next_hop}
    return {"name": name, "properties": props}


def hub_network(ctx: Context) -> None:
    hub = ctx.plan.hub
    ctx.add("hub.vnet", KINDS_BY_NAME["virtual_network"], ctx.hub_vnet_id(),
            ctx.located(properties={"addressSpace": {"addressPrefixes": list(hub.address_space)}}),
            {"hub.resource_group"})
    for planned in ctx.hub_planned:
        _subnet(ctx, "hub", "hub", ctx.hub_vnet_id(), ctx.hub_rg(), planned, ctx.hub_prefixes, PLATFORM, spoke=False)


def _subnet(ctx: Context, base: str, vnet_label: str, vnet_id: str, group: str, planned: PlannedSubnet,
            prefixes: dict[str, str], owner: str, *, spoke: bool) -> None:
    spec = planned.spec
    props: dict[str, Any] = {"addressPrefix": prefixes[spec.name]}
    deps = {f"{base}.vnet"}
    lowered = spec.name.lower()
    if spec.nsg and lowered not in NO_NSG:
        nsg_name = ctx.names.nsg(vnet_label, spec.name)
        nsg_id = ctx.net_id(group, ("networkSecurityGroups", nsg_name))
        rules: list[dict[str, Any]] = []
        if lowered == "azurebastionsubnet":
            rules = BASTION_RULES
        elif spec.purpose == "app-gateway" and not spoke and ctx.plan.hub.app_gateway is not None:
            rules = central_gateway_rules(ctx)
        elif spec.purpose == "app-gateway":
            gateway = ctx.plan.spoke(vnet_label).app_gateway if spoke else None  # type: ignore[union-attr]
            rules = app_gateway_rules(bool(gateway and (gateway.certificate_secret_id or gateway.certificate)))
        elif spec.purpose == "ai-gateway":
            rules = AI_GATEWAY_RULES
        ctx.add(f"{base}.nsg.{spec.name}", KINDS_BY_NAME["network_security_group"], nsg_id,
                ctx.located(properties={"securityRules": rules}), {f"{base}.resource_group"}, owner)
        props["networkSecurityGroup"] = {"id": nsg_id}
        deps.add(f"{base}.nsg.{spec.name}")
    table = addresses.subnet_route_table(ctx.plan, spec, spoke=spoke)
    if table:
        owner_spoke = ctx.plan.spoke(vnet_label) if spoke else None
        props["routeTable"] = {"id": ctx.route_table_id(table, owner_spoke)}
        deps.add(f"{base}.route_table.{table}")
    if spec.purpose == "app-service":
        props["delegations"] = [{"name": "Microsoft.Web.serverFarms",
                                 "properties": {"serviceName": "Microsoft.Web/serverFarms"}}]
    if spec.purpose == "private-endpoints":
        props["privateEndpointNetworkPolicies"] = "Enabled"
    if spoke and spec.purpose not in DIRECT_ROUTE_PURPOSES:
        props["defaultOutboundAccess"] = False
    ctx.add(f"{base}.subnet.{spec.name}", KINDS_BY_NAME["subnet"], f"{vnet_id}/subnets/{spec.name}",
            {"properties": props}, deps, owner)


def spoke_networks(ctx: Context) -> None:
    for spoke in ctx.plan.spokes:
        _spoke_network(ctx, spoke)


def _spoke_network(ctx: Context, spoke: Spoke) -> None:
    base = f"spokes.{spoke.name}"
    group = ctx.spoke_rg(spoke)
    vnet_id = ctx.spoke_vnet_id(spoke)
    vnet_props: dict[str, Any] = {"addressSpace": {"addressPrefixes": list(spoke.address_space)}}
    dhcp = platform.spoke_dns_servers(ctx.plan)
    if dhcp is not None:  # resolve through the hub firewall's DNS proxy (see compile.platform)
        vnet_props["dhcpOptions"] = dhcp
    ctx.add(f"{base}.vnet", KINDS_BY_NAME["virtual_network"], vnet_id, ctx.located(properties=vnet_props),
            {f"{base}.resource_group"}, spoke.owner)
    for planned in ctx.spoke_planned[spoke.name]:
        _subnet(ctx, base, spoke.name, vnet_id, group, planned, ctx.spoke_prefixes[spoke.name], spoke.owner, spoke=True)
    peering = KINDS_BY_NAME["virtual_network_peering"]
    ctx.add(f"{base}.peering.to_hub", peering,
            f"{vnet_id}/virtualNetworkPeerings/{ctx.names.peering_to_hub(spoke.name)}",
            _peering_body(ctx.hub_vnet_id(), "hub.vnet"), {f"{base}.vnet", "hub.vnet"}, spoke.owner)
    if ctx.existing is not None and ctx.existing.peering == "platform":
        return  # the platform creates the hub side (see lzengine.compile.existing_hub)
    ctx.add(f"{base}.peering.from_hub", peering,
            f"{ctx.hub_vnet_id()}/virtualNetworkPeerings/{ctx.names.peering_from_hub(spoke.name)}",
            _peering_body(vnet_id, f"{base}.vnet"), {f"{base}.vnet", "hub.vnet"}, PLATFORM)


def _peering_body(remote_vnet_id: str, remote_address: str) -> dict[str, Any]:
    """A peering; ``remoteAddressSpace`` is what it must show once in sync, the remote VNet's live
    address space (compared, never sent: see the peering kind's Repair)."""
    return {
        "properties": {
            "remoteVirtualNetwork": {"id": remote_vnet_id},
            "remoteAddressSpace": {"addressPrefixes": Ref(remote_address, "properties.addressSpace.addressPrefixes")},
            "allowVirtualNetworkAccess": True,
            "allowForwardedTraffic": True,
            "allowGatewayTransit": False,
            "useRemoteGateways": False,
        }
    }
