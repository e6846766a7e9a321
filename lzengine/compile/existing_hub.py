"""Compiler steps for a hub the platform team already runs (``hub.existing``).

Who uses it: ``lzengine.compile.STEPS``. The existing hub's VNet, firewall, private DNS zones and
Log Analytics workspace become read-only nodes at the addresses a hub lzengine builds would
have (``hub.vnet``, ``hub.firewall``, ``hub.dns_zone.<zone>``, ``hub.log_analytics``), so every
spoke step works unchanged: peerings point at the existing VNet, each spoke's own 'egress' route
table sends 0.0.0.0/0 to the firewall's private IP read from its ``ipConfigurations`` (or the IP
the plan gives), private
endpoints register in the existing zones and diagnostics go to the existing workspace. Read-only
kinds (``lzengine.kinds.existing``) are observed and never written, pruned or destroyed.

Two things a spoke needs are written on the hub side, each unless the plan leaves it to the
platform: the hub side of the spoke's peering (``existing.peering``, added by
``lzengine.compile.network``) and the links of the hub's zones to the spoke VNets
(``existing.dns_links``, added here). Nothing else is written in an existing hub.
"""

from __future__ import annotations

from lzengine.compile.context import PLATFORM, Context
from lzengine.kinds import KINDS_BY_NAME
from lzengine.plan import addresses


def hub_resources(ctx: Context) -> None:
    """The existing hub's resources the spokes use, as read-only nodes."""
    existing = ctx.existing
    if existing is None:
        return
    ctx.add("hub.vnet", KINDS_BY_NAME["existing_virtual_network"], existing.virtual_network_id, {})
    if existing.firewall_id is not None:
        ctx.add("hub.firewall", KINDS_BY_NAME["existing_azure_firewall"], existing.firewall_id, {})
    if existing.log_analytics_workspace_id is not None:
        ctx.add("hub.log_analytics", KINDS_BY_NAME["existing_log_analytics_workspace"],
                existing.log_analytics_workspace_id, {})
    for zone in addresses.hub_zones(ctx.plan):
        ctx.add(f"hub.dns_zone.{zone}", KINDS_BY_NAME["existing_private_dns_zone"], ctx.dns_zone_id(zone), {})


def dns_links(ctx: Context) -> None:
    """Links of the existing hub's private DNS zones to each spoke VNet (unless the platform makes
    them), after the peering both ways as for a hub lzengine builds."""
    existing = ctx.existing
    if existing is None or existing.dns_links == "platform":
        return
    link = KINDS_BY_NAME["private_dns_zone_link"]
    for zone in addresses.hub_zones(ctx.plan):
        zone_id = ctx.dns_zone_id(zone)
        for spoke in ctx.plan.spokes:
            base = f"spokes.{spoke.name}"
            deps = {f"hub.dns_zone.{zone}", f"{base}.vnet", f"{base}.peering.to_hub"}
            if existing.peering == "lzengine":
                deps.add(f"{base}.peering.from_hub")
            vnet_name = ctx.names.spoke_vnet(spoke.name)
            ctx.add(f"hub.dns_zone.{zone}.link.{spoke.name}", link,
                    f"{zone_id}/virtualNetworkLinks/{ctx.names.dns_link(vnet_name)}",
                    {"location": "global", "tags": ctx.tags(),
                     "properties": {"virtualNetwork": {"id": ctx.spoke_vnet_id(spoke)}, "registrationEnabled": False}},
                    deps, PLATFORM)
