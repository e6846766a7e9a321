"""Kinds served by azure-mgmt-privatedns: private DNS zones and their VNet links.

Who uses it: the compiler (the hub's zones, linked to the hub and every spoke) and the adapter.
Both are LROs that answer 200/201/202. Links of one zone are NOT serialised (see the evidence
next to ``PRIVATE_DNS_ZONE_LINK``). Location is always ``global``.
"""

from lzengine.kinds.base import ResourceKind, by_id_kind

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
    # No serialize_on: links of one zone are written side by side. Evidence: the azurerm
    # provider (hashicorp/terraform-provider-azurerm, internal/services/privatedns/
    # private_dns_zone_virtual_network_link_resource.go) takes no lock around a link's
    # CreateOrUpdate, while it does lock the VNet for subnets, the firewall policy for rule
    # collection groups and the account for AI deployments; with its default parallelism of 10
    # many links of one zone go out at once in every hub-and-spoke module. The one conflict
    # reported on a zone ("Operation group ... privateDnsZones/<zone> already has 1 operations
    # like UpsertPrivateDnsZone queued", Azure-Samples/azure-ml-federated-learning#137) is two
    # writers of the zone itself, which the graph never does. [unconfirmed: no REST spec text
    # states it; hashicorp/terraform-provider-azurerm#29354 reports a failure creating links
    # "simultaneously" whose cause we could not read]
)

#: An A record set (the AI gateway's host names in ``azure-api.net``). The typed client's
#: ``record_sets.create_or_update(group, zone, record_type, name, ...)`` takes the record type as an
#: argument the id does not name as a segment, so these go through the generic by-id operations.
PRIVATE_DNS_A_RECORD = by_id_kind(
    "private_dns_a_record", "Microsoft.Network/privateDnsZones/A", "2024-06-01",
    expected_s=2,
    supports_tags=False,
    has_location=False,
    ignore_paths=("etag", "properties.fqdn", "properties.isAutoRegistered", "properties.provisioningState"),
)

KINDS = (PRIVATE_DNS_ZONE, PRIVATE_DNS_ZONE_LINK, PRIVATE_DNS_A_RECORD)
