"""Azure service tags and Azure Firewall FQDN tags the emulator knows, to check firewall rules.

Called by :mod:`lzengine.emulator.rp_network_appliances` when a firewall policy's rule collection
group is written: a network rule's ``destinationAddresses`` entry that is not an address, a range,
a CIDR or ``*`` must be a service tag (optionally regional, ``AzureMonitor.SwedenCentral``), and an
application rule's ``fqdnTags`` must be FQDN tags. A real subset of Azure's lists (the service tags
of "Azure IP Ranges and Service Tags", the FQDN tags ``Get-AzFirewallFqdnTag`` returns), enough for
a landing zone's rules; names compare case-insensitively. Azure refuses an unknown tag when the
group is written [unconfirmed: code and wording].
"""

from __future__ import annotations

import ipaddress

SERVICE_TAGS = frozenset(t.lower() for t in (
    "ActionGroup", "ApiManagement", "AppService", "AppServiceManagement", "ApplicationInsightsAvailability",
    "AzureActiveDirectory", "AzureActiveDirectoryDomainServices", "AzureBackup", "AzureBotService", "AzureCloud",
    "AzureConnectors", "AzureContainerRegistry", "AzureCosmosDB", "AzureDataLake", "AzureDevOps",
    "AzureFrontDoor.Backend", "AzureFrontDoor.FirstParty", "AzureFrontDoor.Frontend", "AzureKeyVault",
    "AzureLoadBalancer", "AzureMachineLearning", "AzureMonitor", "AzureOpenDatasets", "AzurePlatformDNS",
    "AzurePlatformIMDS", "AzurePlatformLKM", "AzureResourceManager", "AzureSignalR", "AzureSiteRecovery",
    "AzureTrafficManager", "AzureUpdateDelivery", "BatchNodeManagement", "CognitiveServicesFrontend",
    "CognitiveServicesManagement", "DataFactory", "EventGrid", "EventHub", "GatewayManager",
    "GuestAndHybridManagement", "Internet", "LogicApps", "MicrosoftCloudAppSecurity",
    "MicrosoftContainerRegistry", "PowerBI", "ServiceBus", "Sql", "SqlManagement", "Storage", "VirtualNetwork",
    "WindowsAdminCenter", "WindowsVirtualDesktop",
))
FQDN_TAGS = frozenset(t.lower() for t in (
    "AppServiceEnvironment", "AzureBackup", "AzureKubernetesService", "MicrosoftActiveProtectionService",
    "MicrosoftIntune", "Windows365", "WindowsDiagnostics", "WindowsUpdate", "WindowsVirtualDesktop",
    "citrixHdxPlusForWindows365",
))


def is_address(value: str) -> bool:
    """An IP address, a CIDR, a range (``a-b``) or ``*``."""
    if value == "*":
        return True
    for part in value.split("-") if value.count("-") == 1 else [value]:
        try:
            ipaddress.ip_network(part.strip(), strict=False)
        except ValueError:
            return False
    return True


def unknown_destinations(values: list[str]) -> list[str]:
    """Destination entries that are neither addresses nor known (regional) service tags."""
    return [v for v in values if not is_address(v) and v.lower() not in SERVICE_TAGS
            and v.lower().rpartition(".")[0] not in SERVICE_TAGS]


def unknown_fqdn_tags(values: list[str]) -> list[str]:
    return [v for v in values if v.lower() not in FQDN_TAGS and not v.lower().startswith("office365.")]
