"""Facts about Azure the plan language refers to by name: built-in policies, built-in roles,
private DNS zones per service, and the default AI landing zone policy set.

Who uses it: ``lzengine.plan.checks`` (to resolve names and reject unknown ones before any call)
and the compiler (to write definition ids, role ids and zone names into bodies). Pure data.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BuiltinPolicy:
    """A built-in policy definition: its GUID, display name and the effects it accepts (empty
    when the definition has no 'effect' parameter)."""

    guid: str
    display_name: str
    effects: tuple[str, ...] = ("Audit", "Deny", "Disabled")
    required: tuple[str, ...] = ()  # parameters without a default


BUILTIN_POLICIES: dict[str, BuiltinPolicy] = {
    "allowed-locations": BuiltinPolicy(
        "e56962a6-4747-49cd-b67b-bf8b01975c4c", "Allowed locations", required=("listOfAllowedLocations",)
    ),
    "allowed-resource-types": BuiltinPolicy(
        "a08ec900-254a-4555-9bf5-e42af04b5c5c", "Allowed resource types", (), ("listOfResourceTypesAllowed",)
    ),
    "not-allowed-resource-types": BuiltinPolicy(
        "6c112d4e-5bc7-47ae-a041-ea2d9dccd749", "Not allowed resource types",
        required=("listOfResourceTypesNotAllowed",),
    ),
    "require-tag": BuiltinPolicy(
        "871b6d14-10aa-478d-b590-94f262ecfa99", "Require a tag on resources", (), ("tagName",)
    ),
    "require-tag-on-resource-groups": BuiltinPolicy(
        "96670d01-0a4d-4649-9c89-2d3abc0a5025", "Require a tag on resource groups", (), ("tagName",)
    ),
    "ai-services-disable-local-auth": BuiltinPolicy(
        "71ef260a-8f18-47b7-abcb-62d0673d94dc", "Azure AI Services resources should have key access disabled"
    ),
    "ai-services-restrict-network": BuiltinPolicy(
        "037eea7a-bd0a-46c5-9a66-03aea78705d3", "Azure AI Services resources should restrict network access"
    ),
    "search-disable-public-access": BuiltinPolicy(
        "ee980b6d-0eca-4501-8d54-f6290fd512c3", "Azure AI Search services should disable public network access"
    ),
    "search-zone-redundant": BuiltinPolicy(
        "90bc8109-d21a-4692-88fc-51419391da3d", "Azure AI Search service should be zone redundant"
    ),
    "search-disable-local-auth": BuiltinPolicy(
        "6300012e-e9a4-4649-b41f-a85f5c43be91", "Azure AI Search services should have local authentication disabled"
    ),
    "no-public-ip-on-nic": BuiltinPolicy(
        "83a86a26-fd1f-447c-b59d-e51f44264114", "Network interfaces should not have public IPs", ()
    ),
    "no-nsg-on-gateway-subnet": BuiltinPolicy(
        "35f9c03a-cc27-418e-9c0c-539ff999d010",
        "Gateway subnets should not be configured with a network security group",
        (),
    ),
    "app-service-https-only": BuiltinPolicy(
        "a4af4a39-4135-47fb-b175-47fbdf85311d", "App Service apps should only be accessible over HTTPS"
    ),
    "app-service-disable-public-access": BuiltinPolicy(
        "1b5ef780-c53c-4a64-87f3-bb9c8c8094ba", "App Service apps should disable public network access"
    ),
    "storage-disable-shared-key": BuiltinPolicy(
        "8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54", "Storage accounts should prevent shared key access"
    ),
    "key-vault-rbac": BuiltinPolicy(
        "12d4fa5e-1f9f-4c21-97a9-b99b3c6611b5", "Azure Key Vault should use RBAC permission model"
    ),
    "subnets-need-nsg": BuiltinPolicy(
        "e71308d3-144b-4262-b144-efdc3cc90517", "Subnets should be associated with a Network Security Group",
        ("AuditIfNotExists", "Disabled"),
    ),
}

#: Assigned (effect Audit unless the definition only audits) to every spoke resource group when
#: the plan does not list ``hub.policy_assignments``: Azure's built-ins, and lzengine's own
#: initiative of AI guardrails (``lzengine/policy/library``; Key Vault and Storage private, keyless
#: storage, diagnostics on AI Services and Search), created at subscription scope before it is assigned.
DEFAULT_SPOKE_POLICIES: tuple[str, ...] = (
    "ai-services-disable-local-auth",
    "ai-services-restrict-network",
    "search-disable-public-access",
    "search-disable-local-auth",
    "app-service-https-only",
    "subnets-need-nsg",
    "lzengine-ai-guardrails",
)

#: Built-in role definition GUIDs by the name a plan may use.
BUILTIN_ROLES: dict[str, str] = {
    "Owner": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "Contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "Reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    "Network Contributor": "4d97b98b-1d4f-4787-a291-c67834d212e7",
    "Cognitive Services OpenAI User": "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd",
    "Cognitive Services OpenAI Contributor": "a001fd3d-188f-4b5d-821b-7da978bf7442",
    "Search Index Data Reader": "1407120a-92aa-4202-b7e9-c0e197c71c8f",
    "Search Index Data Contributor": "8ebe5a00-799e-43f5-93ac-243d3dce84a7",
    "Search Service Contributor": "7ca78c08-252a-4471-8644-bb5ff32d4ba0",
    "Key Vault Administrator": "00482a5a-887f-4fb3-b363-3b7fe8e74483",
    "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
    "Key Vault Secrets Officer": "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
    "Key Vault Certificates Officer": "a4417e6f-fecd-4de8-b567-7b0420556985",
    "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    "Monitoring Metrics Publisher": "3913510d-42f4-4e42-8a64-420c390055eb",
}

#: Private DNS zones (and private endpoint group id) for each private-endpoint target.
PRIVATE_ENDPOINT_ZONES: dict[str, tuple[str, tuple[str, ...]]] = {
    "ai": (
        "account",
        (
            "privatelink.cognitiveservices.azure.com",
            "privatelink.openai.azure.com",
            "privatelink.services.ai.azure.com",
        ),
    ),
    "search": ("searchService", ("privatelink.search.windows.net",)),
    "app_service": ("sites", ("privatelink.azurewebsites.net",)),
    # Key Vault and Storage: "storage.blob" is the storage component's blob service
    "key_vault": ("vault", ("privatelink.vaultcore.azure.net",)),
    "storage.blob": ("blob", ("privatelink.blob.core.windows.net",)),
    "storage.file": ("file", ("privatelink.file.core.windows.net",)),
}

#: An internal-mode API Management has no public DNS: its host names (<name>.azure-api.net and
#: <name>.portal/.developer/.management/.scm.azure-api.net) resolve through a private zone named
#: after the public suffix (Microsoft Learn, "Deploy your Azure API Management instance to a
#: virtual network - internal mode", DNS configuration). Through a private endpoint (group
#: Gateway), the gateway's name resolves in privatelink.azure-api.net ("Connect privately to API
#: Management using an inbound private endpoint").
AI_GATEWAY_ZONE = "azure-api.net"
AI_GATEWAY_ENDPOINT_ZONE = "privatelink.azure-api.net"
AI_GATEWAY_ENDPOINT_GROUP = "Gateway"
#: The host name labels of an internal-mode service: "" is the gateway itself.
AI_GATEWAY_HOSTS: tuple[tuple[str, str], ...] = (
    ("gateway", ""), ("portal", ".portal"), ("developer", ".developer"), ("management", ".management"),
    ("scm", ".scm"),
)

#: Azure Firewall FQDN tags (Microsoft Learn, "FQDN tags overview"; ``Get-AzFirewallFqdnTag``),
#: as Azure spells them; a plan's ``fqdn_tags`` compare case-insensitively, and ``Office365.*``
#: tags are a family of their own. Azure refuses an application rule naming another.
FQDN_TAGS: tuple[str, ...] = (
    "AppServiceEnvironment", "AzureBackup", "AzureKubernetesService", "MicrosoftActiveProtectionService",
    "MicrosoftIntune", "Windows365", "WindowsDiagnostics", "WindowsUpdate", "WindowsVirtualDesktop",
    "citrixHdxPlusForWindows365",
)

POLICY_DEFINITION_PREFIX = "/providers/Microsoft.Authorization/policyDefinitions/"
