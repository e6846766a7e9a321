"""Kinds served by azure-mgmt-cognitiveservices: AI Services / OpenAI accounts and model
deployments.

Who uses it: the compiler (a spoke's ``ai``) and the adapter. Accounts are written with
``accounts.begin_create`` (the package has no ``create_or_update``); sibling deployments conflict
(``RequestConflict``), so deployments are serialised per account.
"""

from lzengine.kinds.base import PARENT, ResourceKind

COGNITIVE_CLIENT = "azure.mgmt.cognitiveservices:CognitiveServicesManagementClient"
COGNITIVE_API = "2025-06-01"

COGNITIVE_ACCOUNT = ResourceKind(
    expected_s=90,
    name="cognitive_account",
    arm_type="Microsoft.CognitiveServices/accounts",
    client=COGNITIVE_CLIENT,
    operations="accounts",
    id_args=("resourceGroups", "accounts"),
    put="begin_create",
    api_version=COGNITIVE_API,
    ignore_paths=("etag", "properties.endpoint", "properties.endpoints", "properties.capabilities",
                  "properties.internalId", "properties.dateCreated", "properties.callRateLimit",
                  "properties.privateEndpointConnections", "identity.principalId", "identity.tenantId",
                  "properties.restore"),  # a request flag, not state
    case_insensitive_paths=("properties.publicNetworkAccess", "properties.networkAcls.defaultAction"),
    replace_on=("location", "kind", "properties.customSubDomainName"),
    deadline_s=30 * 60,
    # A deleted account stays soft-deleted for 48 h and keeps its name and subdomain.
    purge=("deleted_accounts", "begin_purge", ("location", "resourceGroups", "accounts")),
)

COGNITIVE_DEPLOYMENT = ResourceKind(
    expected_s=30,
    name="cognitive_deployment",
    arm_type="Microsoft.CognitiveServices/accounts/deployments",
    client=COGNITIVE_CLIENT,
    operations="deployments",
    id_args=("resourceGroups", "accounts", "deployments"),
    api_version=COGNITIVE_API,
    supports_tags=False,
    has_location=False,
    ignore_paths=("etag", "properties.capabilities", "properties.rateLimits", "properties.callRateLimit"),
    replace_on=("properties.model.name", "properties.model.format"),
    # One deployment write per account at a time: the RP answers RequestConflict to a second
    # one while the first is Accepted/Creating; the azurerm provider locks the account id
    # (locks.ByID(accountId)) around every deployment create, update and delete.
    serialize_on=PARENT,
)

KINDS = (COGNITIVE_ACCOUNT, COGNITIVE_DEPLOYMENT)
