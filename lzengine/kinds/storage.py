"""Kinds served by azure-mgmt-storage: storage accounts.

Who uses it: the compiler (a spoke's ``storage``) and the adapter. Accounts are written with
``storage_accounts.begin_create`` (202 with Location; the same call updates an account that
exists) and read with ``get_properties``; ``delete`` is not an LRO. Azure reports
``allowSharedKeyAccess`` as null when it was never set (which means allowed), so the plan always
sends it. Per-service diagnostic settings attach to ``blobServices/default`` and
``fileServices/default``, which exist with the account; they need no kind of their own.
"""

from lzengine.kinds.base import ResourceKind

STORAGE_ACCOUNT = ResourceKind(
    expected_s=25,
    name="storage_account",
    arm_type="Microsoft.Storage/storageAccounts",
    client="azure.mgmt.storage:StorageManagementClient",
    operations="storage_accounts",
    id_args=("resourceGroups", "storageAccounts"),
    get="get_properties",
    put="begin_create",
    delete="delete",
    api_version=None,  # the package sends its own (2026-09-01); a per-call value would leak into the request
    ignore_paths=("etag", "systemData", "properties.primaryEndpoints", "properties.creationTime",
                  "properties.privateEndpointConnections", "properties.provisioningState",
                  "properties.statusOfPrimary", "properties.primaryLocation", "properties.encryption"),
    case_insensitive_paths=("kind", "sku.name", "properties.publicNetworkAccess", "properties.minimumTlsVersion",
                            "properties.networkAcls.defaultAction", "properties.networkAcls.bypass"),
    replace_on=("location",),
    deadline_s=20 * 60,
)

KINDS = (STORAGE_ACCOUNT,)
