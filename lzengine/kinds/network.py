"""Kinds served by azure-mgmt-network (api-version pinned per call)."""

from lzengine.kinds.base import PARENT, ResourceKind

NETWORK_CLIENT = "azure.mgmt.network:NetworkManagementClient"
NETWORK_API = "2024-05-01"

VIRTUAL_NETWORK = ResourceKind(
    name="virtual_network",
    arm_type="Microsoft.Network/virtualNetworks",
    client=NETWORK_CLIENT,
    operations="virtual_networks",
    id_args=("resourceGroups", "virtualNetworks"),
    api_version=NETWORK_API,
    ignore_paths=("properties.subnets", "properties.virtualNetworkPeerings", "etag"),
    replace_on=("location",),
    deadline_s=20 * 60,
)

SUBNET = ResourceKind(
    name="subnet",
    arm_type="Microsoft.Network/virtualNetworks/subnets",
    client=NETWORK_CLIENT,
    operations="subnets",
    id_args=("resourceGroups", "virtualNetworks", "subnets"),
    api_version=NETWORK_API,
    supports_tags=False,
    has_location=False,
    ignore_paths=("etag", "properties.ipConfigurations"),
    case_insensitive_paths=(
        "properties.privateEndpointNetworkPolicies",
        "properties.privateLinkServiceNetworkPolicies",
    ),
    # Subnets of one VNet one at a time: a subnet write puts its VNet in Updating and a second one
    # meets AnotherOperationInProgress; the azurerm provider locks the VNet name around every
    # subnet create, update and delete (and around NSG / route table / NAT associations).
    serialize_on=PARENT,
    deadline_s=20 * 60,
)

KINDS = (VIRTUAL_NETWORK, SUBNET)
