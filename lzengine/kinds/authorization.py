"""Kinds for governance at a scope: policy assignments (azure-mgmt-resource-policy) and role
assignments (azure-mgmt-authorization).

Who uses it: the compiler (default and declared policy assignments; team and workload-identity
role assignments) and the adapter. Both are extension resources: ``scope_arg`` tells the adapter
to pass the scope first (``policy_assignments.create(scope, name, body)``,
``role_assignments.create(scope, name, body)``); neither is an LRO (policy answers 201, roles
200/201). A role assignment cannot be changed in place, only replaced.
"""

from lzengine.kinds.base import ResourceKind

POLICY_ASSIGNMENT = ResourceKind(
    name="policy_assignment",
    arm_type="Microsoft.Authorization/policyAssignments",
    client="azure.mgmt.resource.policy:PolicyClient",
    operations="policy_assignments",
    id_args=("policyAssignments",),
    put="create",
    delete="delete",
    api_version=None,  # config only in azure-mgmt-resource-policy 1 (2026-06-01)
    scope_arg=True,
    supports_tags=False,
    has_location=False,
    ignore_paths=("properties.scope", "properties.metadata", "properties.notScopes"),
    case_insensitive_paths=("properties.enforcementMode",),
    replace_on=("properties.policyDefinitionId",),
)

ROLE_ASSIGNMENT = ResourceKind(
    name="role_assignment",
    arm_type="Microsoft.Authorization/roleAssignments",
    client="azure.mgmt.authorization:AuthorizationManagementClient",
    operations="role_assignments",
    id_args=("roleAssignments",),
    put="create",
    delete="delete",
    api_version="2022-04-01",
    scope_arg=True,
    supports_tags=False,
    has_location=False,
    ignore_paths=("properties.scope", "properties.createdOn", "properties.updatedOn", "properties.createdBy",
                  "properties.updatedBy"),
    case_insensitive_paths=("properties.principalType",),
    replace_on=("properties.roleDefinitionId", "properties.principalId"),
)

KINDS = (POLICY_ASSIGNMENT, ROLE_ASSIGNMENT)
