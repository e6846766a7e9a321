"""Kinds served by azure-mgmt-apimanagement: the API Management service used as the AI gateway,
its backends (one per model deployment), APIs and API policies.

Who uses it: the compiler (``lzengine.compile.ai_gateway``) and the adapter. The service is a
long-running create that takes 30 to 45 minutes or more in the classic tiers (API Management lab:
"Expect ~45-75 minutes"), so its deadline is long and the scheduler starts it early. Backends and
policies are synchronous PUTs; APIs are long-running. Children of one service are written one at
a time: API Management answers a concurrent change of the same service with a conflict
[unconfirmed: the azurerm provider serialises nothing here; chosen to stay on the safe side].
"""

from lzengine.kinds.base import PARENT, ResourceKind

APIM_CLIENT = "azure.mgmt.apimanagement:ApiManagementClient"
APIM_API = "2024-05-01"

APIM_SERVICE = ResourceKind(
    expected_s=2700,
    name="apim_service",
    arm_type="Microsoft.ApiManagement/service",
    client=APIM_CLIENT,
    operations="api_management_service",
    id_args=("resourceGroups", "service"),
    api_version=APIM_API,
    ignore_paths=("etag", "identity.principalId", "identity.tenantId", "properties.gatewayUrl",
                  "properties.gatewayRegionalUrl", "properties.portalUrl", "properties.developerPortalUrl",
                  "properties.managementApiUrl", "properties.scmUrl", "properties.hostnameConfigurations",
                  "properties.publicIPAddresses", "properties.privateIPAddresses", "properties.createdAtUtc",
                  "properties.targetProvisioningState", "properties.platformVersion", "properties.customProperties",
                  "systemData", "properties.restore"),  # restore: a request flag, not state
    case_insensitive_paths=("properties.virtualNetworkType", "sku.name"),
    replace_on=("location",),
    deadline_s=3 * 60 * 60,
    # A deleted service stays soft-deleted for 48 h and keeps its (global) name:
    # deleted_services.begin_purge(service_name, location)
    purge=("deleted_services", "begin_purge", ("service", "location")),
)

APIM_BACKEND = ResourceKind(
    expected_s=5,
    name="apim_backend",
    arm_type="Microsoft.ApiManagement/service/backends",
    client=APIM_CLIENT,
    operations="backend",
    id_args=("resourceGroups", "service", "backends"),
    put="create_or_update",
    delete="delete",
    delete_options=(("if_match", "*"),),
    api_version=APIM_API,
    supports_tags=False,
    has_location=False,
    ignore_paths=("etag",),
    serialize_on=PARENT,
)

APIM_API_KIND = ResourceKind(
    expected_s=10,
    name="apim_api",
    arm_type="Microsoft.ApiManagement/service/apis",
    client=APIM_CLIENT,
    operations="api",
    id_args=("resourceGroups", "service", "apis"),
    delete="begin_delete",
    delete_options=(("if_match", "*"),),
    api_version=APIM_API,
    supports_tags=False,
    has_location=False,
    ignore_paths=("etag", "properties.isCurrent", "properties.apiRevision", "properties.isOnline"),
    serialize_on=PARENT,
)

APIM_OPERATION = ResourceKind(
    expected_s=5,
    name="apim_api_operation",
    arm_type="Microsoft.ApiManagement/service/apis/operations",
    client=APIM_CLIENT,
    operations="api_operation",
    id_args=("resourceGroups", "service", "apis", "operations"),
    put="create_or_update",
    delete="delete",
    delete_options=(("if_match", "*"),),
    api_version=APIM_API,
    supports_tags=False,
    has_location=False,
    ignore_paths=("etag",),
)

APIM_API_POLICY = ResourceKind(
    expected_s=5,
    name="apim_api_policy",
    arm_type="Microsoft.ApiManagement/service/apis/policies",
    client=APIM_CLIENT,
    operations="api_policy",
    id_args=("resourceGroups", "service", "apis", "policies"),
    put="create_or_update",
    delete="delete",
    delete_options=(("if_match", "*"),),
    api_version=APIM_API,
    supports_tags=False,
    has_location=False,
    # Azure may answer the policy reformatted, and in the format of the GET [unconfirmed]
    ignore_paths=("etag", "properties.format"),
)

KINDS = (APIM_SERVICE, APIM_BACKEND, APIM_API_KIND, APIM_OPERATION, APIM_API_POLICY)
