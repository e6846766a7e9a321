"""Kinds served by azure-mgmt-search: Azure AI Search services.

Who uses it: the compiler (a spoke's ``search``) and the adapter. ``services.delete`` is not an
LRO. Search reports states and enums in lower case (``disabled``, ``succeeded``), so those paths
compare case-insensitively; the SKU cannot change in place.
"""

from lzengine.kinds.base import ResourceKind

SEARCH_SERVICE = ResourceKind(
    expected_s=420,
    name="search_service",
    arm_type="Microsoft.Search/searchServices",
    client="azure.mgmt.search:SearchManagementClient",
    operations="services",
    id_args=("resourceGroups", "searchServices"),
    delete="delete",
    api_version="2025-05-01",
    ignore_paths=("etag", "properties.status", "properties.statusDetails", "properties.privateEndpointConnections",
                  "properties.sharedPrivateLinkResources", "identity.principalId", "identity.tenantId"),
    case_insensitive_paths=("properties.publicNetworkAccess", "properties.hostingMode", "sku.name",
                            "properties.semanticSearch", "identity.type"),
    replace_on=("location", "sku.name", "properties.hostingMode"),
    deadline_s=60 * 60,
)

KINDS = (SEARCH_SERVICE,)
