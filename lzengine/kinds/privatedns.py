"""Kinds served by azure-mgmt-privatedns: private DNS zones and their VNet links.

Who uses it: the compiler (the hub's zones, linked to the hub and every spoke) and the adapter.
Both are LROs that answer 200/201/202; a zone accepts one writer at a time, so links are
serialised per zone. Location is always ``global``.
"""

from lzengine.kinds.base import PARENT, ResourceKind

PRIVATE_DNS_CLIENT = "azure.mgmt.privatedns:PrivateDnsManagementClient"
#: None: azure-mgmt-privatedns 2 reads the api-version from its configuration only (2024-06-01).
PRIVATE_DNS_API = None

PRIVATE_DNS_ZONE = ResourceKind(
    expected_s=30,
    name="private_dns_zone",
    arm_type="Microsoft.Network/privateDnsZones",
    client=PRIVATE_DNS_CLIENT,
    operations="private_zones",
    id_args=("resourceGroups", "privateDnsZones"),
    api_version=PRIVATE_DNS_API,
    ignore_paths=("etag", "properties.numberOfRecordSets", "properties.maxNumberOfRecordSets",
                  "properties.numberOfVirtualNetworkLinks", "properties.maxNumberOfVirtualNetworkLinks",
                  "properties.numberOfVirtualNetworkLinksWithRegistration",
                  "properties.maxNumberOfVirtualNetworkLinksWithRegistration", "properties.internalId"),
)

PRIVATE_DNS_ZONE_LINK = ResourceKind(
    expected_s=30,
    name="private_dns_zone_link",
    arm_type="Microsoft.Network/privateDnsZones/virtualNetworkLinks",
    client=PRIVATE_DNS_CLIENT,
    operations="virtual_network_links",
    id_args=("resourceGroups", "privateDnsZones", "virtualNetworkLinks"),
    api_version=PRIVATE_DNS_API,
    ignore_paths=("etag", "properties.virtualNetworkLinkState"),
    replace_on=("properties.virtualNetwork.id",),
    serialize_on=PARENT,
)

KINDS = (PRIVATE_DNS_ZONE, PRIVATE_DNS_ZONE_LINK)
