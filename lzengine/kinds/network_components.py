"""Landing-zone kinds served by azure-mgmt-network beyond VNets and subnets: security groups,
route tables, public IPs, peerings, Azure Firewall and its policy, Bastion, Application Gateway
and its WAF policy, private endpoints and their DNS zone groups.

Who uses it: the compiler (one kind per node) and the adapter (client, operation group, method
names and id arguments as data). The api-version is pinned per call: the network package ignores
a constructor value. All ``begin_*`` calls are LROs accepting 200/201; the WAF policy's
``create_or_update`` is not an LRO.
"""

from lzengine.kinds.base import PARENT, Repair, ResourceKind

NETWORK_CLIENT = "azure.mgmt.network:NetworkManagementClient"
NETWORK_API = "2024-05-01"
_RG = "resourceGroups"


def _kind(name: str, arm_type: str, operations: str, *segments: str, **extra: object) -> ResourceKind:
    return ResourceKind(
        name=name,
        arm_type=arm_type,
        client=NETWORK_CLIENT,
        operations=operations,
        id_args=(_RG, *segments),
        api_version=NETWORK_API,
        **extra,  # type: ignore[arg-type]
    )


#: Child resources of a Network RP parent, written one at a time per parent (serialize_on=PARENT):
#: - peerings of one VNet: a peering write puts the VNet in Updating and a second write meets
#:   AnotherOperationInProgress (the azurerm provider locks the VNet around peering writes);
#:   [unconfirmed in the REST specs, which say nothing of concurrency]
#: - rule collection groups of one firewall policy: the policy accepts one RCG write at a time
#:   (FirewallPolicyUpdateFailed / AnotherOperationInProgress otherwise); the azurerm provider
#:   locks the policy name around every RCG create, update and delete;
#: - the DNS zone group of one private endpoint: there is only one per endpoint, so the key
#:   never queues anything in practice.
_CHILD = {"supports_tags": False, "has_location": False, "serialize_on": PARENT}

NETWORK_SECURITY_GROUP = _kind(
    "network_security_group", "Microsoft.Network/networkSecurityGroups", "network_security_groups",
    "networkSecurityGroups",
    ignore_paths=("etag", "properties.defaultSecurityRules", "properties.subnets", "properties.networkInterfaces"),
    case_insensitive_paths=("properties.securityRules.properties.protocol",),
    replace_on=("location",),
)
ROUTE_TABLE = _kind(
    "route_table", "Microsoft.Network/routeTables", "route_tables", "routeTables",
    ignore_paths=("etag", "properties.subnets"),
    replace_on=("location",),
)
PUBLIC_IP = _kind(
    "public_ip", "Microsoft.Network/publicIPAddresses", "public_ip_addresses", "publicIPAddresses",
    ignore_paths=("etag", "properties.ipAddress", "properties.ipConfiguration"),
    replace_on=("location", "zones", "sku.name", "sku.tier"),
)
VIRTUAL_NETWORK_PEERING = _kind(
    "virtual_network_peering", "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
    "virtual_network_peerings", "virtualNetworks", "virtualNetworkPeerings",
    ignore_paths=("etag", "properties.peeringState", "properties.peeringSyncLevel",
                  "properties.remoteVirtualNetworkAddressSpace"),
    # Either signal alone can be stale: a sync from the other side may leave this side reading
    # FullyInSync while its remoteAddressSpace still shows the old prefixes, so both the sync
    # level and remoteAddressSpace (compared with the remote VNet's live address space, a
    # reference the compiler puts in the body) trigger the sync write. The documented sync is a
    # PUT with syncRemoteAddressSpace=true and the ordinary body (REST example
    # VirtualNetworkPeeringSync.json sends no remoteAddressSpace), so that path is never sent.
    repair=Repair(
        "properties.peeringSyncLevel", "FullyInSync", (("sync_remote_address_space", "true"),),
        "a peered VNet's address space changed; the peering must be synced",
        expects=("properties.remoteAddressSpace",),
    ),
    **_CHILD,
)
FIREWALL_POLICY = _kind(
    "firewall_policy", "Microsoft.Network/firewallPolicies", "firewall_policies", "firewallPolicies",
    ignore_paths=("etag", "properties.ruleCollectionGroups", "properties.firewalls", "properties.childPolicies"),
    replace_on=("location",),
)
FIREWALL_RULE_COLLECTION_GROUP = _kind(
    "firewall_rule_collection_group", "Microsoft.Network/firewallPolicies/ruleCollectionGroups",
    "firewall_policy_rule_collection_groups", "firewallPolicies", "ruleCollectionGroups",
    ignore_paths=("etag",),
    deadline_s=45 * 60,
    **_CHILD,
    expected_s=60,
)
AZURE_FIREWALL = _kind(
    "azure_firewall", "Microsoft.Network/azureFirewalls", "azure_firewalls", "azureFirewalls",
    ignore_paths=("etag", "properties.ipConfigurations.properties.privateIPAddress", "properties.hubIPAddresses"),
    replace_on=("location", "zones"),
    deadline_s=90 * 60,
    expected_s=600,
)
BASTION_HOST = _kind(
    "bastion_host", "Microsoft.Network/bastionHosts", "bastion_hosts", "bastionHosts",
    ignore_paths=("etag", "properties.dnsName"),
    replace_on=("location",),
    deadline_s=45 * 60,
    expected_s=600,
)
APPLICATION_GATEWAY = _kind(
    "application_gateway", "Microsoft.Network/applicationGateways", "application_gateways", "applicationGateways",
    ignore_paths=("etag", "properties.operationalState"),
    replace_on=("location", "zones"),
    deadline_s=90 * 60,
    expected_s=360,
)
WAF_POLICY = _kind(
    "waf_policy", "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies",
    "web_application_firewall_policies", "ApplicationGatewayWebApplicationFirewallPolicies",
    put="create_or_update",
    ignore_paths=("etag", "properties.applicationGateways", "properties.httpListeners", "properties.pathBasedRules"),
    replace_on=("location",),
)
PRIVATE_ENDPOINT = _kind(
    "private_endpoint", "Microsoft.Network/privateEndpoints", "private_endpoints", "privateEndpoints",
    ignore_paths=("etag", "properties.networkInterfaces", "properties.customDnsConfigs",
                  "properties.privateLinkServiceConnections.properties.privateLinkServiceConnectionState"),
    replace_on=("location", "properties.subnet.id"),
    # Endpoints of one subnet one at a time: each creates a NIC in the subnet and the subnet goes
    # through Updating; parallel creates meet AnotherOperationInProgress/RetryableError on it.
    # [unconfirmed: seen in public landing-zone modules' retries, not in the REST specs]
    serialize_on="properties.subnet.id",
    expected_s=30,
)
PRIVATE_DNS_ZONE_GROUP = _kind(
    "private_dns_zone_group", "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
    "private_dns_zone_groups", "privateEndpoints", "privateDnsZoneGroups",
    ignore_paths=("etag", "properties.privateDnsZoneConfigs.properties.recordSets"),
    **_CHILD,
)

KINDS = (
    NETWORK_SECURITY_GROUP, ROUTE_TABLE, PUBLIC_IP, VIRTUAL_NETWORK_PEERING, FIREWALL_POLICY,
    FIREWALL_RULE_COLLECTION_GROUP, AZURE_FIREWALL, BASTION_HOST, APPLICATION_GATEWAY, WAF_POLICY,
    PRIVATE_ENDPOINT, PRIVATE_DNS_ZONE_GROUP,
)  # fmt: skip
