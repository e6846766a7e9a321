"""Kinds served by azure-mgmt-web: App Service plans and web apps.

Who uses it: the compiler (a spoke's ``app_service``) and the adapter. Creates are LROs that
answer 200/202; deletes are not LROs. A site GET does not return ``siteConfig.appSettings`` and
leaves most ``siteConfig`` fields empty (they live under ``config/web``), so those are written
on every create/update but not compared.
"""

from lzengine.kinds.base import ResourceKind

WEB_CLIENT = "azure.mgmt.web:WebSiteManagementClient"
#: None: the web package reads the api-version from its configuration only (its default,
#: 2025-05-01 in azure-mgmt-web 11); a per-call value would leak into the HTTP request.
WEB_API = None

APP_SERVICE_PLAN = ResourceKind(
    expected_s=60,
    name="app_service_plan",
    arm_type="Microsoft.Web/serverfarms",
    client=WEB_CLIENT,
    operations="app_service_plans",
    id_args=("resourceGroups", "serverfarms"),
    delete="delete",
    api_version=WEB_API,
    ignore_paths=("properties.status", "properties.numberOfSites", "properties.maximumNumberOfWorkers",
                  "properties.geoRegion", "properties.resourceGroup"),
    case_insensitive_paths=("kind", "sku.name", "sku.tier"),
    replace_on=("location", "kind", "properties.reserved"),
)

WEB_APP = ResourceKind(
    expected_s=60,
    name="web_app",
    arm_type="Microsoft.Web/sites",
    client=WEB_CLIENT,
    operations="web_apps",
    id_args=("resourceGroups", "sites"),
    delete="delete",
    api_version=WEB_API,
    ignore_paths=("properties.siteConfig.appSettings", "properties.siteConfig.minTlsVersion",
                  "properties.siteConfig.scmMinTlsVersion", "properties.siteConfig.ftpsState",
                  "properties.siteConfig.http20Enabled", "properties.state", "properties.hostNames",
                  "properties.defaultHostName", "properties.outboundIpAddresses", "identity.principalId",
                  "identity.tenantId"),
    case_insensitive_paths=("kind", "properties.publicNetworkAccess", "properties.siteConfig.linuxFxVersion"),
    replace_on=("location",),
)

KINDS = (APP_SERVICE_PLAN, WEB_APP)
