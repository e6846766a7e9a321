"""Compiler steps for the hub's shared services: Log Analytics, Azure Firewall (policy, rule
collection groups, public IPs), Bastion, and the private DNS zones with their VNet links.

Who uses it: ``lzengine.compile.STEPS``. Rule collection groups are written after the firewall
exists (Azure fails them with FirewallPolicyUpdateFailed while it provisions); spoke DNS links
wait for the peering in both directions.
"""

from __future__ import annotations

from typing import Any

from lzengine.compile import platform
from lzengine.compile.context import PLATFORM, Context
from lzengine.kinds import KINDS_BY_NAME
from lzengine.plan import addresses
from lzengine.plan.hub import FirewallRule, RuleCollectionGroup


def log_analytics(ctx: Context) -> None:
    workspace = ctx.plan.hub.log_analytics
    workspace_id = ctx.log_analytics_id()
    if workspace is None or workspace_id is None:
        return
    props: dict[str, Any] = {"sku": {"name": workspace.sku}, "retentionInDays": workspace.retention_days}
    if workspace.daily_quota_gb is not None:
        props["workspaceCapping"] = {"dailyQuotaGb": workspace.daily_quota_gb}
    ctx.add("hub.log_analytics", KINDS_BY_NAME["log_analytics_workspace"], workspace_id,
            ctx.located(properties=props), {"hub.resource_group"})


def public_ip(ctx: Context, address: str, name: str, group: str, zones: list[str], owner: str = PLATFORM,
              group_address: str = "hub.resource_group") -> str:
    pip_id = ctx.net_id(group, ("publicIPAddresses", name))
    body = ctx.located(
        sku={"name": "Standard", "tier": "Regional"},
        properties={"publicIPAllocationMethod": "Static", "publicIPAddressVersion": "IPv4"},
    )
    if zones:
        body["zones"] = list(zones)
    ctx.add(address, KINDS_BY_NAME["public_ip"], pip_id, body, {group_address}, owner)
    return pip_id


def firewall(ctx: Context) -> None:
    fw = ctx.plan.hub.firewall
    if fw is None:
        return
    group = ctx.hub_rg()
    policy_id = ctx.net_id(group, ("firewallPolicies", ctx.names.firewall_policy()))
    policy_props: dict[str, Any] = {"sku": {"tier": fw.sku}, "threatIntelMode": fw.threat_intel}
    if fw.sku != "Basic":
        policy_props["dnsSettings"] = {"enableProxy": fw.proxies_dns}
    ctx.add("hub.firewall_policy", KINDS_BY_NAME["firewall_policy"], policy_id, ctx.located(properties=policy_props),
            {"hub.resource_group"})
    pip_id = public_ip(ctx, "hub.firewall.pip", ctx.names.public_ip("afw"), group, fw.zones)
    ip_config = {"name": "ipconfig1", "properties": {"subnet": {"id": ctx.hub_subnet_id("AzureFirewallSubnet")},
                                                      "publicIPAddress": {"id": pip_id}}}
    props: dict[str, Any] = {"sku": {"name": "AZFW_VNet", "tier": fw.sku}, "firewallPolicy": {"id": policy_id},
                             "ipConfigurations": [ip_config]}
    deps = {"hub.subnet.AzureFirewallSubnet", "hub.firewall.pip", "hub.firewall_policy"}
    if fw.sku == "Basic":
        mgmt_pip = public_ip(ctx, "hub.firewall.mgmt_pip", ctx.names.public_ip("afw-mgmt"), group, fw.zones)
        props["managementIpConfiguration"] = {
            "name": "management",
            "properties": {"subnet": {"id": ctx.hub_subnet_id("AzureFirewallManagementSubnet")},
                           "publicIPAddress": {"id": mgmt_pip}},
        }
        deps |= {"hub.subnet.AzureFirewallManagementSubnet", "hub.firewall.mgmt_pip"}
    body = ctx.located(properties=props)
    if fw.zones:
        body["zones"] = list(fw.zones)
    ctx.add("hub.firewall", KINDS_BY_NAME["azure_firewall"],
            ctx.net_id(group, ("azureFirewalls", ctx.names.firewall())), body, deps)
    sources = [c for s in ctx.plan.spokes for c in s.address_space] or list(ctx.plan.hub.address_space)
    for group_spec in platform.rule_collection_groups(ctx.plan):
        ctx.add(f"hub.firewall_policy.rcg.{group_spec.name}", KINDS_BY_NAME["firewall_rule_collection_group"],
                f"{policy_id}/ruleCollectionGroups/{group_spec.name}", _rcg_body(group_spec, sources),
                {"hub.firewall_policy", "hub.firewall"})


def _rcg_body(group: RuleCollectionGroup, default_sources: list[str]) -> dict[str, Any]:
    collections = [
        {
            "ruleCollectionType": "FirewallPolicyFilterRuleCollection",
            "name": c.name,
            "priority": c.priority,
            "action": {"type": c.action},
            "rules": [_rule_body(r, default_sources) for r in c.rules],
        }
        for c in group.collections
    ]
    return {"properties": {"priority": group.priority, "ruleCollections": collections}}


def _rule_body(rule: FirewallRule, default_sources: list[str]) -> dict[str, Any]:
    sources = list(rule.sources) if rule.sources is not None else list(default_sources)
    if rule.type == "network":
        return {"ruleType": "NetworkRule", "name": rule.name, "ipProtocols": list(rule.protocols or ["TCP"]),
                "sourceAddresses": sources, "destinationAddresses": list(rule.destinations),
                "destinationPorts": list(rule.ports)}
    protocols = []
    for protocol in rule.protocols or ["Https:443"]:
        kind, _, port = protocol.partition(":")
        protocols.append({"protocolType": kind, "port": int(port)})
    body: dict[str, Any] = {"ruleType": "ApplicationRule", "name": rule.name, "sourceAddresses": sources,
                            "protocols": protocols}
    if rule.fqdns:
        body["targetFqdns"] = list(rule.fqdns)
    if rule.fqdn_tags:
        body["fqdnTags"] = list(rule.fqdn_tags)
    return body


def bastion(ctx: Context) -> None:
    spec = ctx.plan.hub.bastion
    if spec is None:
        return
    group = ctx.hub_rg()
    pip_id = public_ip(ctx, "hub.bastion.pip", ctx.names.public_ip("bas"), group, [])
    props: dict[str, Any] = {"ipConfigurations": [{"name": "ipconfig1", "properties": {
        "subnet": {"id": ctx.hub_subnet_id("AzureBastionSubnet")}, "publicIPAddress": {"id": pip_id}}}]}
    if spec.sku == "Standard":
        props["scaleUnits"] = spec.scale_units
    ctx.add("hub.bastion", KINDS_BY_NAME["bastion_host"], ctx.net_id(group, ("bastionHosts", ctx.names.bastion())),
            ctx.located(sku={"name": spec.sku}, properties=props), {"hub.subnet.AzureBastionSubnet", "hub.bastion.pip"})


def private_dns(ctx: Context) -> None:
    tags = ctx.tags()
    link = KINDS_BY_NAME["private_dns_zone_link"]
    for zone in addresses.hub_zones(ctx.plan):
        zone_id = ctx.dns_zone_id(zone)
        base = f"hub.dns_zone.{zone}"
        ctx.add(base, KINDS_BY_NAME["private_dns_zone"], zone_id, {"location": "global", "tags": tags},
                {"hub.resource_group"})
        vnets = [("hub", ctx.names.hub_vnet(), ctx.hub_vnet_id(), {"hub.vnet"})]
        # spokes that resolve through the firewall's DNS proxy need no link of their own
        for spoke in ctx.plan.spokes if platform.links_spokes(ctx.plan) else ():
            spoke_base = f"spokes.{spoke.name}"
            vnets.append((spoke.name, ctx.names.spoke_vnet(spoke.name), ctx.spoke_vnet_id(spoke),
                          {f"{spoke_base}.vnet", f"{spoke_base}.peering.to_hub", f"{spoke_base}.peering.from_hub"}))
        for label, vnet_name, vnet_id, deps in vnets:
            ctx.add(f"{base}.link.{label}", link, f"{zone_id}/virtualNetworkLinks/{ctx.names.dns_link(vnet_name)}",
                    {"location": "global", "tags": tags,
                     "properties": {"virtualNetwork": {"id": vnet_id}, "registrationEnabled": False}},
                    {base, *deps})
