"""Kinds for policy as code: custom policy definitions and initiatives (policy set definitions)
at subscription or management-group scope, through azure-mgmt-resource-policy.

Who uses it: the compiler (``lzengine.compile.governance.policy_definitions``, the plan's
``hub.policy_definitions`` files and lzengine's own initiative) and the adapter. The operations
take the definition's name (the subscription is the client's): ``policy_definitions.
create_or_update(name, body)``, ``policy_set_definitions.get(name)``; at a management group the
``*_at_management_group`` variants of the same operations, with the group's id first
(``create_or_update_at_management_group(group, name, body)``); neither is an LRO (Azure
answers 201/200). Azure adds ``createdBy``/``updatedOn`` ... to ``metadata``: the comparison is
left-scoped, so they never show as drift.
"""

from lzengine.kinds.base import ResourceKind

_POLICY_CLIENT = "azure.mgmt.resource.policy:PolicyClient"
_COMMON = {"put": "create_or_update", "delete": "delete", "api_version": None, "supports_tags": False,
           "has_location": False, "ignore_paths": ("systemData",),
           "case_insensitive_paths": ("properties.mode", "properties.policyType"),
           "at_management_group": ("get_at_management_group", "create_or_update_at_management_group",
                                   "delete_at_management_group")}

POLICY_DEFINITION = ResourceKind(
    name="policy_definition",
    arm_type="Microsoft.Authorization/policyDefinitions",
    client=_POLICY_CLIENT,
    operations="policy_definitions",
    id_args=("policyDefinitions",),
    **_COMMON,  # type: ignore[arg-type]
)
POLICY_SET_DEFINITION = ResourceKind(
    name="policy_set_definition",
    arm_type="Microsoft.Authorization/policySetDefinitions",
    client=_POLICY_CLIENT,
    operations="policy_set_definitions",
    id_args=("policySetDefinitions",),
    **_COMMON,  # type: ignore[arg-type]
)

KINDS = (POLICY_DEFINITION, POLICY_SET_DEFINITION)
