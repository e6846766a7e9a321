"""Kinds served by azure-mgmt-resource: resource groups."""

from lzengine.kinds.base import ResourceKind

RESOURCE_GROUP = ResourceKind(
    expected_s=1,
    name="resource_group",
    arm_type="Microsoft.Resources/resourceGroups",
    client="azure.mgmt.resource.resources:ResourceManagementClient",
    operations="resource_groups",
    id_args=("resourceGroups",),
    put="create_or_update",
    ignore_paths=("properties.provisioningState", "managedBy"),
    replace_on=("location",),
    deadline_s=10 * 60,
)

KINDS = (RESOURCE_GROUP,)
