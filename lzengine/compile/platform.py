"""Compiler facts and steps for the platform services an Azure landing zone adds around the hub:
DNS through the firewall's proxy, the platform egress rule collection group, and the jump box.

Who uses it: ``lzengine.compile.hub`` (which rule collection groups the firewall policy gets,
which VNets the private DNS zones are linked to), ``lzengine.compile.network`` (a spoke VNet's
DNS servers, the route tables that wait for the egress rules) and ``lzengine.compile.STEPS``
(``jump_box``).

DNS as the Azure landing zone pattern does it: the firewall's DNS proxy listens on its private
IP, every spoke VNet uses that IP as its DNS server, the firewall forwards to Azure DNS from the
hub, and the private DNS zones are linked to the hub VNet only. So the number of zone links is
the number of zones, not zones times spokes, and a new spoke needs no DNS write in the hub.
"""

from __future__ import annotations

from typing import Any

from lzengine.plan.hub import FirewallRule, RuleCollection, RuleCollectionGroup
from lzengine.plan.models import Plan
from lzengine.refs import Ref

PLATFORM_EGRESS = "rcg-platform-egress"
PLATFORM_EGRESS_PRIORITY = 150
FIREWALL_PRIVATE_IP = "properties.ipConfigurations.0.properties.privateIPAddress"

#: Service tags (Azure Firewall network rules accept them as destinations) the platform's own
#: services need from behind a deny-by-default firewall, TCP 443 each:
#: - AzureMonitor: diagnostics and the Azure Monitor agent's ingestion;
#: - AzureActiveDirectory: Entra ID sign-in and token requests (managed identities, Entra login);
#: - AzureResourceManager: management calls from workloads and the agent's configuration;
#: - CognitiveServicesManagement: the AI services' management plane (model and quota metadata
#:   the SDKs read); the data plane stays on private endpoints.
#: Names as the Azure service tag list spells them ("Azure IP Ranges and Service Tags").
EGRESS_SERVICE_TAGS: tuple[tuple[str, str], ...] = (
    ("azure-monitor", "AzureMonitor"),
    ("entra-id", "AzureActiveDirectory"),
    ("resource-manager", "AzureResourceManager"),
    ("ai-services-management", "CognitiveServicesManagement"),
)
#: Host names of the Azure Monitor agent's control and ingestion endpoints (the agent's
#: documented firewall requirements) as an application rule, for what the service tag's
#: addresses do not cover when traffic is inspected by name.
MONITOR_AGENT_FQDNS: tuple[str, ...] = (
    "global.handler.control.monitor.azure.com",
    "*.handler.control.monitor.azure.com",
    "*.ods.opinsights.azure.com",
    "*.oms.opinsights.azure.com",
    "*.ingest.monitor.azure.com",
)


def proxies_dns(plan: Plan) -> bool:
    """Whether spokes resolve through the hub firewall's DNS proxy."""
    return plan.hub.firewall is not None and plan.hub.firewall.proxies_dns


def links_spokes(plan: Plan) -> bool:
    """Whether the private DNS zones are linked to every spoke VNet too (see ``PrivateDns.spoke_links``)."""
    declared = plan.hub.private_dns.spoke_links
    return not proxies_dns(plan) if declared is None else declared


def spoke_dns_servers(plan: Plan) -> dict[str, Any] | None:
    """The ``dhcpOptions`` of a spoke VNet: the firewall's private IP (a runtime reference) when
    its DNS proxy is on, else None (Azure-provided DNS)."""
    if not proxies_dns(plan):
        return None
    return {"dnsServers": [Ref("hub.firewall", FIREWALL_PRIVATE_IP)]}


def egress_sources(plan: Plan) -> list[str]:
    """Who may use the platform egress rules: every spoke and the hub (the jump box)."""
    return [*(c for s in plan.spokes for c in s.address_space), *plan.hub.address_space]


def platform_egress_group(plan: Plan) -> RuleCollectionGroup | None:
    """The default rule collection group ``rcg-platform-egress``, or None when the plan turns it
    off (``platform_egress: false``) or declares its own group of that name."""
    fw = plan.hub.firewall
    if fw is None or not fw.platform_egress or any(g.name == PLATFORM_EGRESS for g in fw.rule_collection_groups):
        return None
    sources = egress_sources(plan)
    network = [FirewallRule(name=name, destinations=[tag], ports=["443"], protocols=["TCP"], sources=sources)
               for name, tag in EGRESS_SERVICE_TAGS]
    application = [FirewallRule(name="azure-monitor-agent", type="application", fqdns=list(MONITOR_AGENT_FQDNS),
                                protocols=["Https:443"], sources=sources)]
    return RuleCollectionGroup(name=PLATFORM_EGRESS, priority=PLATFORM_EGRESS_PRIORITY, collections=[
        RuleCollection(name="platform-service-tags", priority=100, rules=network),
        RuleCollection(name="platform-fqdns", priority=200, rules=application),
    ])


def rule_collection_groups(plan: Plan) -> list[RuleCollectionGroup]:
    """Every rule collection group of the hub firewall's policy: the plan's, then the platform's."""
    fw = plan.hub.firewall
    if fw is None:
        return []
    default = platform_egress_group(plan)
    return [*fw.rule_collection_groups, *([default] if default else [])]

