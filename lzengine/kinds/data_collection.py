"""Kinds for the Azure Monitor agent's configuration: data collection rules and their
associations with machines (azure-mgmt-monitor 7, api-version 2023-03-11).

Who uses it: ``lzengine.compile.platform.jump_box`` (the jump box's rule and association) and
the adapter. Neither is a long-running operation in the SDK: ``data_collection_rules.create(
resource_group, name, body)`` and ``data_collection_rule_associations.create(resource_uri, name,
body)`` answer 200/201 with the resource. An association is an extension resource on the
machine (``{vm id}/providers/Microsoft.Insights/dataCollectionRuleAssociations/{name}``), so
``scope_arg`` passes the machine's id first. Azure adds ``immutableId`` to a rule and the
workspace's customer id (``workspaceId``) to each Log Analytics destination; the comparison is
left-scoped, so neither is drift. An association cannot be moved to another rule in place as far
as the plan is concerned: a changed ``dataCollectionRuleId`` replaces it.
"""

from lzengine.kinds.base import ResourceKind

_MONITOR_CLIENT = "azure.mgmt.monitor:MonitorManagementClient"

DATA_COLLECTION_RULE = ResourceKind(
    name="data_collection_rule",
    arm_type="Microsoft.Insights/dataCollectionRules",
    client=_MONITOR_CLIENT,
    operations="data_collection_rules",
    id_args=("resourceGroups", "dataCollectionRules"),
    put="create",
    delete="delete",
    api_version=None,  # the package's own (2023-03-11)
    ignore_paths=("etag", "systemData", "properties.immutableId", "properties.provisioningState",
                  "properties.metadata", "properties.endpoints"),
    case_insensitive_paths=("kind",),
    replace_on=("location",),
    expected_s=3,
)

DATA_COLLECTION_RULE_ASSOCIATION = ResourceKind(
    name="data_collection_rule_association",
    arm_type="Microsoft.Insights/dataCollectionRuleAssociations",
    client=_MONITOR_CLIENT,
    operations="data_collection_rule_associations",
    id_args=("dataCollectionRuleAssociations",),
    put="create",
    delete="delete",
    api_version=None,
    scope_arg=True,
    supports_tags=False,
    has_location=False,
    ignore_paths=("etag", "systemData", "properties.provisioningState", "properties.metadata"),
    replace_on=("properties.dataCollectionRuleId",),
    expected_s=2,
)

KINDS = (DATA_COLLECTION_RULE, DATA_COLLECTION_RULE_ASSOCIATION)
