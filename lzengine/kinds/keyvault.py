"""Kinds served by azure-mgmt-keyvault: Key Vault vaults, and the secrets lzengine writes into
them (a gateway's certificate) through the control plane, never the vault's data plane.

Who uses it: the compiler (a spoke's or the hub's ``key_vault``) and the adapter. A vault PUT is
an LRO that shows ``RegisteringDns`` until its DNS name is up; ``vaults.delete`` is not an LRO
and leaves the vault soft-deleted for its retention period (7 to 90 days), its name held.
``createMode: recover`` (the plan's ``restore: true``) is sent only when the vault is created:
Azure refuses it on a vault that exists and on a name no deleted vault holds
(``SoftDeletedVaultDoesNotExist``). ``tenantId`` is filled from the subscription by the adapter.
Purge: ``vaults.begin_purge_deleted(name, location)``; refused under purge protection until the
scheduled purge date.

A secret (``Microsoft.KeyVault/vaults/secrets``, REST spec ``secrets.json``: PUT, PATCH, GET and
list, no DELETE) is written with ``secrets.create_or_update`` (synchronous), the resource ARM
templates and Bicep modules declare for a secret (``properties.value``, ``contentType``,
``attributes.exp``; Azure/apim-landing-zone-accelerator's ``deployment/bicep/gateway/
certificate.bicep`` writes its Application Gateway's PFX exactly so, content type
``application/x-pkcs12``, and hands the gateway the secret's URI): ARM, so it works on
a vault whose public network access is off, with a control-plane role (Contributor or Key Vault
Contributor on the vault; no data-plane role). GET never returns ``properties.value``: the
value in a desired body is a write-only ``lzengine.refs.GeneratedSecret``; what the diff compares
is ``contentType``, ``attributes`` and tags. Each write with a value is a new version. ``destroy``
leaves secrets to their vault's deletion (``deleted_with_parent``).
"""

from lzengine.kinds.base import ResourceKind, by_id_kind

KEY_VAULT = ResourceKind(
    expected_s=15,
    name="key_vault",
    arm_type="Microsoft.KeyVault/vaults",
    client="azure.mgmt.keyvault:KeyVaultManagementClient",
    operations="vaults",
    id_args=("resourceGroups", "vaults"),
    delete="delete",
    api_version=None,  # the package sends its own (2026-05-15); a per-call value would leak into the request
    ignore_paths=("etag", "systemData", "properties.vaultUri", "properties.hsmPoolResourceId",
                  "properties.privateEndpointConnections", "properties.provisioningState"),
    case_insensitive_paths=("properties.publicNetworkAccess", "properties.networkAcls.defaultAction",
                            "properties.networkAcls.bypass", "properties.sku.name", "properties.sku.family"),
    replace_on=("location",),
    create_only=("properties.createMode",),
    tenant_paths=("properties.tenantId",),
    deadline_s=20 * 60,
    purge=("vaults", "begin_purge_deleted", ("vaults", "location")),
    # under purge protection: 405 MethodNotAllowed "Operation 'DeletedVaultPurge' is not allowed."
    # (microsoft/AzureTRE#1446); Azure purges the vault itself at its scheduled purge date
    purge_refused=("MethodNotAllowed",),
    read_deleted=("vaults", "get_deleted", ("vaults", "location"), "properties.scheduledPurgeDate"),
)

#: A user-assigned managed identity (the Application Gateway's, to read its certificate from a
#: vault), through the generic by-id operations: no SDK package is needed for one plain resource.
USER_ASSIGNED_IDENTITY = by_id_kind(
    "user_assigned_identity", "Microsoft.ManagedIdentity/userAssignedIdentities", "2023-01-31",
    expected_s=5,
    ignore_paths=("etag", "properties.principalId", "properties.clientId", "properties.tenantId"),
    replace_on=("location",),
)

KEY_VAULT_SECRET = ResourceKind(
    expected_s=2,
    name="key_vault_secret",
    arm_type="Microsoft.KeyVault/vaults/secrets",
    client="azure.mgmt.keyvault:KeyVaultManagementClient",
    operations="secrets",
    id_args=("resourceGroups", "vaults", "secrets"),
    put="create_or_update",
    delete="",  # ARM has none
    deleted_with_parent=True,
    has_location=False,
    api_version=None,
    ignore_paths=("location", "properties.secretUri", "properties.secretUriWithVersion",
                  "properties.attributes.created", "properties.attributes.updated"),
    case_insensitive_paths=("properties.contentType",),
)

KINDS = (KEY_VAULT, USER_ASSIGNED_IDENTITY, KEY_VAULT_SECRET)
