"""Kinds for monitoring: Log Analytics workspaces (azure-mgmt-loganalytics), Application Insights
components (azure-mgmt-applicationinsights), metric alerts and action groups
(azure-mgmt-monitor), and diagnostic settings (generic by-id call).

Who uses it: the compiler (the hub workspace, a spoke's ``monitoring``, a diagnostic setting on
every resource that supports one) and the adapter. ``components.create_or_update`` (api
2020-02-02), ``metric_alerts.create_or_update`` and ``action_groups.create_or_update`` are not
LROs. azure-mgmt-monitor 7 has no diagnostic settings operations, so they go through
``ResourceManagementClient.resources.*_by_id`` with the ARM id of the setting
(``{target id}/providers/Microsoft.Insights/diagnosticSettings/{name}``).
"""

from lzengine.kinds.base import ResourceKind, by_id_kind

LOG_ANALYTICS_WORKSPACE = ResourceKind(
    name="log_analytics_workspace",
    arm_type="Microsoft.OperationalInsights/workspaces",
    client="azure.mgmt.loganalytics:LogAnalyticsManagementClient",
    operations="workspaces",
    id_args=("resourceGroups", "workspaces"),
    api_version=None,  # config only in azure-mgmt-loganalytics 14 (2025-07-01)
    ignore_paths=("etag", "properties.customerId", "properties.createdDate", "properties.modifiedDate",
                  "properties.workspaceCapping.quotaNextResetTime", "properties.workspaceCapping.dataIngestionStatus",
                  "properties.features", "properties.sku.lastSkuUpdate"),
    case_insensitive_paths=("properties.sku.name",),
    replace_on=("location",),
)

APPLICATION_INSIGHTS = ResourceKind(
    name="application_insights",
    arm_type="Microsoft.Insights/components",
    client="azure.mgmt.applicationinsights:ApplicationInsightsManagementClient",
    operations="components",
    id_args=("resourceGroups", "components"),
    put="create_or_update",
    delete="delete",
    api_version="2020-02-02",
    ignore_paths=("etag", "properties.AppId", "properties.ApplicationId", "properties.InstrumentationKey",
                  "properties.ConnectionString", "properties.CreationDate", "properties.TenantId"),
    case_insensitive_paths=("kind", "properties.Application_Type"),
    replace_on=("location", "kind"),
)

ACTION_GROUP = ResourceKind(
    name="action_group",
    arm_type="Microsoft.Insights/actionGroups",
    client="azure.mgmt.monitor:MonitorManagementClient",
    operations="action_groups",
    id_args=("resourceGroups", "actionGroups"),
    put="create_or_update",
    delete="delete",
    api_version="2023-01-01",
)

METRIC_ALERT = ResourceKind(
    name="metric_alert",
    arm_type="Microsoft.Insights/metricAlerts",
    client="azure.mgmt.monitor:MonitorManagementClient",
    operations="metric_alerts",
    id_args=("resourceGroups", "metricAlerts"),
    put="create_or_update",
    delete="delete",
    api_version="2018-03-01",
    ignore_paths=("properties.lastUpdatedTime", "properties.isMigrated"),
)

DIAGNOSTIC_SETTING = by_id_kind(
    "diagnostic_setting", "Microsoft.Insights/diagnosticSettings", "2021-05-01-preview",
    supports_tags=False,
    has_location=False,
)

KINDS = (LOG_ANALYTICS_WORKSPACE, APPLICATION_INSIGHTS, ACTION_GROUP, METRIC_ALERT, DIAGNOSTIC_SETTING)
