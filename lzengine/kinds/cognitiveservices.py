"""Kinds served by azure-mgmt-cognitiveservices: AI Services / OpenAI accounts, model
deployments, AI Foundry projects and their connections.

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

COGNITIVE_PROJECT = ResourceKind(
    expected_s=30,
    name="cognitive_project",
    arm_type="Microsoft.CognitiveServices/accounts/projects",
    client=COGNITIVE_CLIENT,
    operations="projects",
    id_args=("resourceGroups", "accounts", "projects"),
    put="begin_create",  # like accounts, the package has begin_create/begin_update only
    api_version=COGNITIVE_API,  # projects are GA from 2025-06-01 (2025-04-01-preview before)
    ignore_paths=("etag", "identity.principalId", "identity.tenantId", "properties.endpoints",
                  "properties.isDefault"),
    replace_on=("location",),
    # Projects of one account are written one at a time, as its deployments are [unconfirmed:
    # chosen by analogy; no public evidence either way]
    serialize_on=PARENT,
)

COGNITIVE_PROJECT_CONNECTION = ResourceKind(
    expected_s=5,
    name="cognitive_project_connection",
    arm_type="Microsoft.CognitiveServices/accounts/projects/connections",
    client=COGNITIVE_CLIENT,
    operations="project_connections",
    id_args=("resourceGroups", "accounts", "projects", "connections"),
    put="create",  # synchronous
    delete="delete",
    api_version=COGNITIVE_API,
    supports_tags=False,
    has_location=False,
    ignore_paths=("etag", "properties.createdByWorkspaceArmId", "properties.group", "properties.isSharedToAll",
                  "properties.sharedUserList", "properties.peRequirement", "properties.peStatus",
                  "properties.useWorkspaceManagedIdentity", "properties.error"),
    case_insensitive_paths=("properties.category", "properties.authType"),
)

KINDS = (COGNITIVE_ACCOUNT, COGNITIVE_DEPLOYMENT, COGNITIVE_PROJECT, COGNITIVE_PROJECT_CONNECTION)
