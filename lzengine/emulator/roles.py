"""Built-in Azure role definitions the emulator knows, and action matching against permissions.

Used by :mod:`lzengine.emulator.auth` (the request-time RBAC check: does a role's permission set
allow ``Microsoft.Network/virtualNetworks/write``?), by :mod:`lzengine.emulator.rp_authorization`
(``GET .../roleDefinitions/{id}``, role assignment validation) and by the app. Role ids are the
public built-in GUIDs; the permission lists follow the published definitions, trimmed to the
control-plane actions that matter to a landing zone (data actions are kept for display only).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Any

OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"

_AUTHZ_WRITES = (
    "Microsoft.Authorization/*/Delete",
    "Microsoft.Authorization/*/Write",
    "Microsoft.Authorization/elevateAccess/Action",
    "Microsoft.Blueprint/blueprintAssignments/write",
    "Microsoft.Blueprint/blueprintAssignments/delete",
)


@dataclass(frozen=True)
class Role:
    """One role definition: name, description and a single permission block."""

    id: str
    name: str
    description: str
    actions: tuple[str, ...]
    not_actions: tuple[str, ...] = ()
    data_actions: tuple[str, ...] = field(default=())

    def body(self, scope: str) -> dict[str, Any]:
        """The ARM body of the definition as listed under ``scope``."""
        base = scope.rstrip("/") if scope.lower().startswith("/subscriptions/") else ""
        if base:
            parts = base.split("/")
            base = "/".join(parts[:3])  # role definitions are answered at subscription level
        return {
            "id": f"{base}/providers/Microsoft.Authorization/roleDefinitions/{self.id}",
            "name": self.id,
            "type": "Microsoft.Authorization/roleDefinitions",
            "properties": {
                "roleName": self.name,
                "type": "BuiltInRole",
                "description": self.description,
                "assignableScopes": ["/"],
                "permissions": [{
                    "actions": list(self.actions),
                    "notActions": list(self.not_actions),
                    "dataActions": list(self.data_actions),
                    "notDataActions": [],
                }],
                "createdOn": "2015-02-02T21:55:09.8806423Z",
                "updatedOn": "2024-01-01T00:00:00.0000000Z",
                "createdBy": None,
                "updatedBy": None,
            },
        }  # fmt: skip


_READ_SUPPORT = ("Microsoft.Authorization/*/read", "Microsoft.Resources/subscriptions/resourceGroups/read",
                 "Microsoft.Resources/deployments/*", "Microsoft.Insights/alertRules/*",
                 "Microsoft.Support/*")  # fmt: skip

BUILTIN_ROLES: dict[str, Role] = {r.id: r for r in (
    Role(OWNER, "Owner", "Grants full access to manage all resources, including the ability to assign "
         "roles in Azure RBAC.", ("*",)),
    Role(CONTRIBUTOR, "Contributor", "Grants full access to manage all resources, but does not allow you "
         "to assign roles in Azure RBAC.", ("*",), _AUTHZ_WRITES),
    Role(READER, "Reader", "View all resources, but does not allow you to make any changes.", ("*/read",)),
    Role("18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "User Access Administrator",
         "Lets you manage user access to Azure resources.", ("*/read", "Microsoft.Authorization/*",
                                                           "Microsoft.Support/*")),
    Role("f58310d9-a9f6-439a-9e8d-f62e7b41a168", "Role Based Access Control Administrator",
         "Manage access to Azure resources by assigning roles using Azure RBAC.",
         ("Microsoft.Authorization/roleAssignments/write", "Microsoft.Authorization/roleAssignments/delete",
          "*/read", "Microsoft.Support/*")),
    Role("36243c78-bf99-498c-9df9-86d9f8d28608", "Resource Policy Contributor",
         "Users with rights to create/modify resource policy.",
         ("*/read", "Microsoft.Authorization/policyassignments/*", "Microsoft.Authorization/policydefinitions/*",
          "Microsoft.Authorization/policyexemptions/*", "Microsoft.Authorization/policysetdefinitions/*",
          "Microsoft.PolicyInsights/*", "Microsoft.Support/*")),
    Role("4d97b98b-1d4f-4787-a291-c67834d212e7", "Network Contributor",
         "Lets you manage networks, but not access to them.", ("Microsoft.Network/*", *_READ_SUPPORT)),
    Role("b12aa53e-6015-4669-85d0-8515ebb3ae7f", "Private DNS Zone Contributor",
         "Lets you manage private DNS zone resources, but not the virtual networks they are linked to.",
         ("Microsoft.Network/privateDnsZones/*", "Microsoft.Network/privateDnsOperationResults/*",
          "Microsoft.Network/privateDnsOperationStatuses/*", "Microsoft.Network/virtualNetworks/read",
          "Microsoft.Network/virtualNetworks/join/action", *_READ_SUPPORT)),
    Role("25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68", "Cognitive Services Contributor",
         "Lets you create, read, update, delete and manage keys of Cognitive Services.",
         ("Microsoft.CognitiveServices/*", "Microsoft.Features/features/read",
          "Microsoft.Features/providers/features/read", "Microsoft.Insights/diagnosticSettings/*",
          "Microsoft.Insights/logDefinitions/read", "Microsoft.Insights/metricdefinitions/read",
          "Microsoft.Insights/metrics/read", *_READ_SUPPORT)),
    Role("a97b65f3-24c7-4388-baec-2e87135dc908", "Cognitive Services User",
         "Lets you read and list keys of Cognitive Services.",
         ("Microsoft.CognitiveServices/*/read", "Microsoft.CognitiveServices/accounts/listkeys/action",
          "Microsoft.Insights/alertRules/read", "Microsoft.Insights/diagnosticSettings/read",
          "Microsoft.Insights/logDefinitions/read", "Microsoft.Insights/metricdefinitions/read",
          "Microsoft.Insights/metrics/read", "Microsoft.ResourceHealth/availabilityStatuses/read",
          "Microsoft.Resources/deployments/operations/read", "Microsoft.Resources/subscriptions/operationresults/read",
          "Microsoft.Resources/subscriptions/read", "Microsoft.Resources/subscriptions/resourceGroups/read",
          "Microsoft.Support/*"), (), ("Microsoft.CognitiveServices/*",)),
    Role("5e0bd9bd-7b93-4f28-af87-19fc36ad61bd", "Cognitive Services OpenAI User",
         "Read access to view files, models, deployments. The ability to create completion and chat calls.",
         ("Microsoft.CognitiveServices/*/read", "Microsoft.Authorization/roleAssignments/read",
          "Microsoft.Authorization/roleDefinitions/read"), (),
         ("Microsoft.CognitiveServices/accounts/OpenAI/*/read",
          "Microsoft.CognitiveServices/accounts/OpenAI/engines/completions/action",
          "Microsoft.CognitiveServices/accounts/OpenAI/deployments/chat/completions/action")),
    Role("a001fd3d-188f-4b5d-821b-7da978bf7442", "Cognitive Services OpenAI Contributor",
         "Full access including the ability to fine-tune, deploy and generate text.",
         ("Microsoft.CognitiveServices/*/read", "Microsoft.CognitiveServices/accounts/deployments/write",
          "Microsoft.CognitiveServices/accounts/deployments/delete",
          "Microsoft.CognitiveServices/accounts/raiPolicies/read",
          "Microsoft.CognitiveServices/accounts/raiPolicies/write",
          "Microsoft.CognitiveServices/accounts/raiPolicies/delete", "Microsoft.Insights/alertRules/read",
          "Microsoft.Insights/diagnosticSettings/read", "Microsoft.Insights/logDefinitions/read",
          "Microsoft.Insights/metricdefinitions/read", "Microsoft.Insights/metrics/read",
          "Microsoft.ResourceHealth/availabilityStatuses/read",
          "Microsoft.Resources/deployments/operations/read", "Microsoft.Resources/subscriptions/operationresults/read",
          "Microsoft.Resources/subscriptions/read", "Microsoft.Resources/subscriptions/resourceGroups/read",
          "Microsoft.Support/*"), (), ("Microsoft.CognitiveServices/accounts/OpenAI/*",)),
    Role("64702f94-c441-49e6-a78b-ef80e0188fee", "Azure AI Developer",
         "Can perform all actions within an Azure AI resource besides managing the resource itself.",
         ("Microsoft.MachineLearningServices/workspaces/*/read", "Microsoft.CognitiveServices/*/read",
          "Microsoft.Authorization/*/read", "Microsoft.Resources/subscriptions/resourceGroups/read"), (),
         ("Microsoft.CognitiveServices/accounts/OpenAI/*",)),
    Role("7ca78c08-252a-4471-8644-bb5ff32d4ba0", "Search Service Contributor",
         "Lets you manage Search services, but not access to them.",
         ("Microsoft.Search/searchServices/*", "Microsoft.Insights/alertRules/*", *_READ_SUPPORT)),
    Role("1407120a-92aa-4202-b7e9-c0e197c71c8f", "Search Index Data Reader",
         "Grants read access to Azure Cognitive Search index data.", (), (),
         ("Microsoft.Search/searchServices/indexes/documents/read",)),
    Role("8ebe5a00-799e-43f5-93ac-243d3dce84a7", "Search Index Data Contributor",
         "Grants full access to Azure Cognitive Search index data.", (), (),
         ("Microsoft.Search/searchServices/indexes/documents/*",)),
    Role("de139f84-1756-47ae-9be6-808fbbe84772", "Website Contributor",
         "Lets you manage websites (not web plans), but not access to them.",
         ("Microsoft.Web/certificates/*", "Microsoft.Web/listSitesAssignedToHostName/read",
          "Microsoft.Web/serverFarms/join/action", "Microsoft.Web/serverFarms/read", "Microsoft.Web/sites/*",
          "Microsoft.Insights/components/*", *_READ_SUPPORT)),
    Role("43d0d8ad-25c7-4714-9337-8ba259a9fe05", "Monitoring Reader", "Can read all monitoring data.",
         ("*/read", "Microsoft.OperationalInsights/workspaces/search/action", "Microsoft.Support/*")),
    Role("749f88d5-cbae-40b8-bcfc-e573ddc772fa", "Monitoring Contributor",
         "Can read all monitoring data and update monitoring settings.",
         ("*/read", "Microsoft.Insights/actiongroups/*", "Microsoft.Insights/components/*",
          "Microsoft.Insights/diagnosticSettings/*", "Microsoft.Insights/metricAlerts/*",
          "Microsoft.Insights/scheduledqueryrules/*", "Microsoft.OperationalInsights/workspaces/*",
          "Microsoft.Support/*")),
    Role("92aaf0da-9dab-42b6-94a3-d43ce8d16293", "Log Analytics Contributor",
         "Can read all monitoring data and edit monitoring settings.",
         ("*/read", "Microsoft.OperationalInsights/*", "Microsoft.Insights/diagnosticSettings/*",
          "Microsoft.Resources/deployments/*", "Microsoft.Support/*")),
    Role("73c42c96-874c-492b-b04d-ab87d138a893", "Log Analytics Reader",
         "Can view all monitoring data and search Log Analytics data.",
         ("*/read", "Microsoft.OperationalInsights/workspaces/analytics/query/action",
          "Microsoft.OperationalInsights/workspaces/search/action", "Microsoft.Support/*")),
    Role("1c0163c0-47e6-4577-8991-ea5c82e286e4", "Virtual Machine Administrator Login",
         "View Virtual Machines in the portal and login as administrator",
         ("Microsoft.Network/publicIPAddresses/read", "Microsoft.Network/virtualNetworks/read",
          "Microsoft.Network/loadBalancers/read", "Microsoft.Network/networkInterfaces/read",
          "Microsoft.Compute/virtualMachines/*/read"), (),
         ("Microsoft.Compute/virtualMachines/login/action", "Microsoft.Compute/virtualMachines/loginAsAdmin/action")),
    Role("f1a07417-d97a-45cb-824c-7a7467783830", "Managed Identity Operator", "Read and Assign User Assigned "
         "Identity", ("Microsoft.ManagedIdentity/userAssignedIdentities/*/read",
                      "Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action", *_READ_SUPPORT)),
    Role("4633458b-17de-408a-b874-0445c86b69e6", "Key Vault Secrets User", "Read secret contents.", (), (),
         ("Microsoft.KeyVault/vaults/secrets/getSecret/action",
          "Microsoft.KeyVault/vaults/secrets/readMetadata/action")),
    Role("00482a5a-887f-4fb3-b363-3b7fe8e74483", "Key Vault Administrator",
         "Perform all data plane operations on a key vault and all objects in it.",
         ("Microsoft.Authorization/*/read", "Microsoft.Insights/alertRules/*", "Microsoft.Resources/deployments/*",
          "Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Support/*",
          "Microsoft.KeyVault/checkNameAvailability/read", "Microsoft.KeyVault/deletedVaults/read",
          "Microsoft.KeyVault/locations/*/read", "Microsoft.KeyVault/vaults/*/read",
          "Microsoft.KeyVault/operations/read"), (),
         ("Microsoft.KeyVault/vaults/*",)),
    Role("b86a8fe4-44ce-4948-aee5-eccb2c155cd7", "Key Vault Secrets Officer",
         "Perform any action on the secrets of a key vault.",
         ("Microsoft.Authorization/*/read", "Microsoft.KeyVault/vaults/*/read"), (),
         ("Microsoft.KeyVault/vaults/secrets/*",)),
    Role("a4417e6f-fecd-4de8-b567-7b0420556985", "Key Vault Certificates Officer",
         "Perform any action on the certificates of a key vault.",
         ("Microsoft.Authorization/*/read", "Microsoft.KeyVault/vaults/*/read"), (),
         ("Microsoft.KeyVault/vaults/certificatecas/*", "Microsoft.KeyVault/vaults/certificates/*",
          "Microsoft.KeyVault/vaults/certificatecontacts/write")),
    Role("ba92f5b4-2d11-453d-a403-e96b0029c9fe", "Storage Blob Data Contributor",
         "Allows for read, write and delete access to Azure Storage blob containers and data.",
         ("Microsoft.Storage/storageAccounts/blobServices/containers/*",
          "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action"), (),
         ("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*",)),
    # what API Management's Application Insights logger needs when it authenticates with the
    # service's managed identity (Microsoft Learn, "Integrate Azure API Management with Application
    # Insights": assign the identity Monitoring Metrics Publisher on the Application Insights resource)
    Role("3913510d-42f4-4e42-8a64-420c390055eb", "Monitoring Metrics Publisher",
         "Enables publishing metrics against Azure resources.",
         ("Microsoft.Insights/Register/Action", "Microsoft.Support/*",
          "Microsoft.Resources/subscriptions/resourceGroups/read"), (),
         ("Microsoft.Insights/Metrics/Write", "Microsoft.Insights/Telemetry/Write")),
    Role("2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", "Storage Blob Data Reader",
         "Allows for read access to Azure Storage blob containers and data.",
         ("Microsoft.Storage/storageAccounts/blobServices/containers/read",
          "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action"), (),
         ("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",)),
)}  # fmt: skip

ROLE_IDS_BY_NAME: dict[str, str] = {r.name.lower(): r.id for r in BUILTIN_ROLES.values()}


def guid_of(role_definition_id: str) -> str:
    """``/subscriptions/s/providers/.../roleDefinitions/{guid}`` (or a bare GUID) → lower-case GUID."""
    return role_definition_id.strip().rstrip("/").rsplit("/", 1)[-1].lower()


def _matches(pattern: str, action: str) -> bool:
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def allows(actions: list[str] | tuple[str, ...], not_actions: list[str] | tuple[str, ...], action: str) -> bool:
    """Whether a permission block (``actions`` minus ``notActions``, ``*`` wildcards) allows ``action``."""
    return any(_matches(a, action) for a in actions) and not any(_matches(n, action) for n in not_actions)


def permission_blocks(body: dict[str, Any]) -> list[tuple[list[str], list[str]]]:
    """``(actions, notActions)`` pairs of a role definition body (built-in or custom)."""
    props = body.get("properties") or {}
    out = []
    for perm in props.get("permissions") or []:
        if isinstance(perm, dict):
            out.append(([str(a) for a in perm.get("actions") or []],
                        [str(a) for a in perm.get("notActions") or []]))  # fmt: skip
    return out
