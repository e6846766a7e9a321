"""Kinds served by azure-mgmt-apimanagement: the API Management service used as the AI gateway,
its backends (one per model deployment), APIs, API operations and policies, and its Application
Insights logger and diagnostic.

Who uses it: the compiler (``lzengine.compile.ai_gateway``) and the adapter. The service is a
long-running create that takes 30 to 45 minutes or more in the classic tiers (API Management lab:
"Expect ~45-75 minutes"), so its deadline is long and the scheduler starts it early. Its children
share one shape (``_child``): synchronous ``create_or_update`` PUTs (APIs are long-running), and
DELETEs that need ``if_match`` (``*``: whatever version is there). Children of one service are
written one at a time: API Management answers a concurrent change of the same service with a
conflict [unconfirmed: the azurerm provider serialises nothing here; chosen to stay on the safe side].
"""

from dataclasses import replace

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
                  "properties.privateEndpointConnections",
                  "systemData", "properties.restore"),  # restore: a request flag, not state
    case_insensitive_paths=("properties.virtualNetworkType", "sku.name", "properties.publicNetworkAccess"),
    replace_on=("location",),
    deadline_s=3 * 60 * 60,
    # A deleted service stays soft-deleted for 48 h and keeps its (global) name:
    # deleted_services.begin_purge(service_name, location)
    purge=("deleted_services", "begin_purge", ("service", "location")),
)

#: The service written again once its private endpoint exists, with ``publicNetworkAccess:
#: Disabled``: Azure refuses that at creation ("Blocking all public network access ... is not
#: enabled during service creation") and without an approved private endpoint connection
#: (Azure/azure-rest-api-specs#24947; Microsoft Learn, "Connect privately to API Management using an
#: inbound private endpoint": public access can be disabled only after the endpoint is configured).
APIM_SERVICE_ACCESS = replace(APIM_SERVICE, name="apim_service_access", expected_s=900, setting=True, purge=None,
                              replace_on=())


def _child(name: str, collection: tuple[str, ...], operations: str, *, expected_s: float = 5,
           lro: bool = False, ignore: tuple[str, ...] = (), serialize: bool = False,
           case_insensitive: tuple[str, ...] = ()) -> ResourceKind:
    """A child of the service at ``service/<collection...>``: no location or tags, an ETag that is
    never compared, DELETE with ``if_match: *``; ``lro``: the SDK's ``begin_`` PUT and DELETE."""
    return ResourceKind(
        expected_s=expected_s,
        name=name,
        arm_type="Microsoft.ApiManagement/service/" + "/".join(collection),
        client=APIM_CLIENT,
        operations=operations,
        id_args=("resourceGroups", "service", *collection),
        put="begin_create_or_update" if lro else "create_or_update",
        delete="begin_delete" if lro else "delete",
        delete_options=(("if_match", "*"),),
        api_version=APIM_API,
        supports_tags=False,
        has_location=False,
        ignore_paths=("etag", *ignore),
        case_insensitive_paths=case_insensitive,
        serialize_on=PARENT if serialize else None,
    )


APIM_BACKEND = _child("apim_backend", ("backends",), "backend", serialize=True)
APIM_API_KIND = _child("apim_api", ("apis",), "api", expected_s=10, lro=True, serialize=True,
                       ignore=("properties.isCurrent", "properties.apiRevision", "properties.isOnline"))
APIM_OPERATION = _child("apim_api_operation", ("apis", "operations"), "api_operation")
# Azure may answer the policy reformatted, and in the format of the GET [unconfirmed]
APIM_API_POLICY = _child("apim_api_policy", ("apis", "policies"), "api_policy", ignore=("properties.format",))
# The logger's credentials come back as a reference to a hidden named value
# ("{{Logger-Credentials--<id>}}", hashicorp/terraform-provider-azurerm: "intentionally masked"),
# never as written: the connection string is not compared; identityClientId is.
APIM_LOGGER = _child("apim_logger", ("loggers",), "logger", serialize=True,
                     ignore=("properties.credentials.connectionString", "properties.credentials.instrumentationKey"),
                     case_insensitive=("properties.loggerType", "properties.credentials.identityClientId"))
APIM_DIAGNOSTIC = _child("apim_diagnostic", ("diagnostics",), "diagnostic", serialize=True,
                         case_insensitive=("properties.loggerId", "properties.verbosity", "properties.alwaysLog",
                                           "properties.sampling.samplingType",
                                           "properties.httpCorrelationProtocol"))

KINDS = (APIM_SERVICE, APIM_SERVICE_ACCESS, APIM_BACKEND, APIM_API_KIND, APIM_OPERATION, APIM_API_POLICY,
         APIM_LOGGER, APIM_DIAGNOSTIC)
