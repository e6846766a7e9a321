"""Compiler steps for a spoke's workload: the AI account and its model deployments, AI Search,
the App Service plan and web app, the Application Gateway (WAF_v2) in front of it, Application
Insights and metric alerts, and a private endpoint (with its DNS zone group) for each service.

Who uses it: ``lzengine.compile.STEPS``. Secure defaults live here: public network access and
local (key) auth off on AI services and Search; HTTPS only, TLS 1.2+, FTP off and VNet
integration on the web app, which is public only through the gateway; the web app reads the
Application Insights connection string (a secret runtime reference) and reaches AI services and
Search with its managed identity.
"""

from __future__ import annotations

from typing import Any

from lzengine.compile import data_services
from lzengine.compile.context import Context
from lzengine.compile.hub import public_ip
from lzengine.kinds import KINDS_BY_NAME
from lzengine.plan import catalog
from lzengine.plan.models import Spoke
from lzengine.refs import Ref

PRIVATE_ENDPOINT_SUBNET = "private-endpoints"


def _each(ctx: Context, component: str) -> list[Spoke]:
    return [s for s in ctx.plan.spokes if getattr(s, component) is not None]


def ai_accounts(ctx: Context) -> None:
    for spoke in _each(ctx, "ai"):
        ai = spoke.ai
        assert ai is not None
        base = f"spokes.{spoke.name}"
        name = ctx.names.ai_account(spoke.name, ai.kind)
        account_id = ai_id(ctx, spoke)
        body = ctx.located(
            kind=ai.kind,
            sku={"name": ai.sku},
            identity={"type": "SystemAssigned"},
            properties={
                "customSubDomainName": name,
                "publicNetworkAccess": "Disabled",
                "disableLocalAuth": True,
                "networkAcls": {"defaultAction": "Deny", "ipRules": [], "virtualNetworkRules": []},
                **({"restore": True} if ai.restore else {}),
                # AI Foundry projects need project management on the account (lzengine.compile.foundry)
                **({"allowProjectManagement": True} if ai.projects else {}),
            },
        )
        ctx.add(f"{base}.ai", KINDS_BY_NAME["cognitive_account"], account_id, body, {f"{base}.resource_group"},
                spoke.owner)
        for d in ai.deployments:
            ctx.add(f"{base}.ai.deployment.{d.deployment_name}", KINDS_BY_NAME["cognitive_deployment"],
                    f"{account_id}/deployments/{d.deployment_name}",
                    {"sku": {"name": d.sku, "capacity": d.capacity},
                     "properties": {"model": {"format": d.format, "name": d.model, "version": d.version},
                                    "versionUpgradeOption": d.upgrade, "raiPolicyName": d.rai_policy}},
                    {f"{base}.ai"}, spoke.owner)
        private_endpoint(ctx, spoke, "ai", name, account_id, f"{base}.ai")


def ai_id(ctx: Context, spoke: Spoke) -> str:
    assert spoke.ai is not None
    return ctx.res_id(ctx.spoke_rg(spoke), "Microsoft.CognitiveServices",
                      ("accounts", ctx.names.ai_account(spoke.name, spoke.ai.kind)))


def search_id(ctx: Context, spoke: Spoke) -> str:
    return ctx.res_id(ctx.spoke_rg(spoke), "Microsoft.Search", ("searchServices", ctx.names.search(spoke.name)))


def web_app_id(ctx: Context, spoke: Spoke) -> str:
    return ctx.res_id(ctx.spoke_rg(spoke), "Microsoft.Web", ("sites", ctx.names.web_app(spoke.name)))


def app_gateway_id(ctx: Context, spoke: Spoke) -> str:
    return ctx.net_id(ctx.spoke_rg(spoke), ("applicationGateways", ctx.names.app_gateway(spoke.name)))


def app_insights_id(ctx: Context, spoke: Spoke) -> str:
    return ctx.res_id(ctx.spoke_rg(spoke), "Microsoft.Insights", ("components", ctx.names.app_insights(spoke.name)))


def private_endpoint(ctx: Context, spoke: Spoke, component: str, target_name: str, target_id: str,
                     target_address: str) -> None:
    """A private endpoint to ``target_id`` in the spoke's private-endpoint subnet, and its DNS zone
    group on the hub zones (unless platform policy writes zone groups)."""
    base = f"spokes.{spoke.name}.{component}"
    group_id, zones = catalog.PRIVATE_ENDPOINT_ZONES[component]
    subnet_address, subnet_id = ctx.spoke_subnet(spoke, PRIVATE_ENDPOINT_SUBNET)
    name = ctx.names.private_endpoint(target_name)
    pep_id = ctx.net_id(ctx.spoke_rg(spoke), ("privateEndpoints", name))
    body = ctx.located(properties={
        "subnet": {"id": subnet_id},
        "customNetworkInterfaceName": f"nic-{name}",
        "privateLinkServiceConnections": [
            {"name": name, "properties": {"privateLinkServiceId": target_id, "groupIds": [group_id]}}
        ],
    })
    ctx.add(f"{base}.pep", KINDS_BY_NAME["private_endpoint"], pep_id, body, {target_address, subnet_address},
            spoke.owner)
    if ctx.plan.hub.private_dns.zone_groups_by_policy:
        return
    configs = [{"name": z.replace(".", "-"), "properties": {"privateDnsZoneId": ctx.dns_zone_id(z)}} for z in zones]
    ctx.add(f"{base}.pep.dns", KINDS_BY_NAME["private_dns_zone_group"], f"{pep_id}/privateDnsZoneGroups/default",
            {"properties": {"privateDnsZoneConfigs": configs}},
            {f"{base}.pep", *[f"hub.dns_zone.{z}" for z in zones]}, spoke.owner)


def search_services(ctx: Context) -> None:
    for spoke in _each(ctx, "search"):
        search = spoke.search
        assert search is not None
        base = f"spokes.{spoke.name}"
        props: dict[str, Any] = {
            "replicaCount": search.replicas,
            "partitionCount": search.partitions,
            "hostingMode": "default",
            "publicNetworkAccess": "disabled",
            "disableLocalAuth": True,
            "networkRuleSet": {"ipRules": []},
        }
        if search.semantic_search is not None:
            props["semanticSearch"] = search.semantic_search
        ctx.add(f"{base}.search", KINDS_BY_NAME["search_service"], search_id(ctx, spoke),
                ctx.located(sku={"name": search.sku}, identity={"type": "SystemAssigned"}, properties=props),
                {f"{base}.resource_group"}, spoke.owner)
        private_endpoint(ctx, spoke, "search", ctx.names.search(spoke.name), search_id(ctx, spoke), f"{base}.search")


def app_services(ctx: Context) -> None:
    for spoke in _each(ctx, "app_service"):
        app = spoke.app_service
        assert app is not None
        base = f"spokes.{spoke.name}"
        group = ctx.spoke_rg(spoke)
        plan_id = ctx.res_id(group, "Microsoft.Web", ("serverfarms", ctx.names.app_service_plan(spoke.name)))
        ctx.add(f"{base}.app_service.plan", KINDS_BY_NAME["app_service_plan"], plan_id,
                ctx.located(kind="linux", sku={"name": app.sku, "capacity": app.capacity},
                            properties={"reserved": True, "zoneRedundant": app.zone_redundant}),
                {f"{base}.resource_group"}, spoke.owner)
        subnet_address, subnet_id = ctx.spoke_subnet(spoke, "app-service")
        site_config = {
            "linuxFxVersion": app.runtime,
            "alwaysOn": True,
            "http20Enabled": True,
            "minTlsVersion": "1.2",
            "scmMinTlsVersion": "1.2",
            "ftpsState": "Disabled",
            "appSettings": _app_settings(ctx, spoke),
        }
        body = ctx.located(
            kind="app,linux",
            identity={"type": "SystemAssigned"},
            properties={
                "serverFarmId": plan_id,
                "httpsOnly": True,
                "publicNetworkAccess": "Disabled",
                "virtualNetworkSubnetId": subnet_id,
                "vnetRouteAllEnabled": True,
                "clientAffinityEnabled": False,
                "siteConfig": site_config,
            },
        )
        ctx.add(f"{base}.app_service.app", KINDS_BY_NAME["web_app"], web_app_id(ctx, spoke), body,
                {f"{base}.app_service.plan", subnet_address}, spoke.owner)
        private_endpoint(ctx, spoke, "app_service", ctx.names.web_app(spoke.name), web_app_id(ctx, spoke),
                         f"{base}.app_service.app")


def _app_settings(ctx: Context, spoke: Spoke) -> list[dict[str, Any]]:
    base = f"spokes.{spoke.name}"
    settings: list[dict[str, Any]] = []
    if spoke.monitoring is not None and spoke.monitoring.app_insights:
        settings.append({"name": "APPLICATIONINSIGHTS_CONNECTION_STRING",
                         "value": Ref(f"{base}.monitoring.app_insights", "properties.ConnectionString", secret=True)})
    if spoke.ai is not None:
        settings.append({"name": "AZURE_OPENAI_ENDPOINT", "value": Ref(f"{base}.ai", "properties.endpoint")})
    if spoke.search is not None:
        settings.append({"name": "AZURE_SEARCH_ENDPOINT",
                         "value": f"https://{ctx.names.search(spoke.name)}.search.windows.net"})
    assert spoke.app_service is not None
    settings += [{"name": k, "value": v} for k, v in spoke.app_service.app_settings.items()]
    return settings


def app_gateways(ctx: Context) -> None:
    for spoke in _each(ctx, "app_gateway"):
        gw = spoke.app_gateway
        assert gw is not None
        base = f"spokes.{spoke.name}"
        group = ctx.spoke_rg(spoke)
        waf_type = "ApplicationGatewayWebApplicationFirewallPolicies"
        waf_id = ctx.net_id(group, (waf_type, ctx.names.waf_policy(spoke.name)))
        ctx.add(f"{base}.app_gateway.waf_policy", KINDS_BY_NAME["waf_policy"], waf_id, ctx.located(properties={
            "policySettings": {"state": "Enabled", "mode": gw.waf_mode, "requestBodyCheck": True},
            "managedRules": {"managedRuleSets": [{"ruleSetType": "OWASP", "ruleSetVersion": gw.rule_set_version}]},
        }), {f"{base}.resource_group"}, spoke.owner)
        pip_id = public_ip(ctx, f"{base}.app_gateway.pip", ctx.names.public_ip(f"{spoke.name}-agw"), group, gw.zones,
                           spoke.owner, f"{base}.resource_group")
        subnet_address, subnet_id = ctx.spoke_subnet(spoke, "app-gateway")
        from_vault = data_services.gateway_certificate(ctx, spoke)  # a certificate from the plan's vault
        secret_id = from_vault[0] if from_vault else gw.certificate_secret_id
        body = ctx.located(properties=_gateway_properties(ctx, spoke, subnet_id, pip_id, waf_id, secret_id))
        if gw.zones:
            body["zones"] = list(gw.zones)
        if from_vault:
            body["identity"] = from_vault[1]
        elif gw.certificate_secret_id and gw.identity_id:
            body["identity"] = {"type": "UserAssigned", "userAssignedIdentities": {gw.identity_id: {}}}
        ctx.add(f"{base}.app_gateway", KINDS_BY_NAME["application_gateway"], app_gateway_id(ctx, spoke), body,
                {subnet_address, f"{base}.app_gateway.pip", f"{base}.app_gateway.waf_policy",
                 f"{base}.app_service.app", *(from_vault[2] if from_vault else ())}, spoke.owner)


def _gateway_properties(ctx: Context, spoke: Spoke, subnet_id: str, pip_id: str, waf_id: str,
                        secret_id: str | None) -> dict[str, Any]:
    gw = spoke.app_gateway
    assert gw is not None
    gid = app_gateway_id(ctx, spoke)
    https = bool(secret_id)
    listener: dict[str, Any] = {
        "frontendIPConfiguration": {"id": f"{gid}/frontendIPConfigurations/public"},
        "frontendPort": {"id": f"{gid}/frontendPorts/{'https' if https else 'http'}"},
        "protocol": "Https" if https else "Http",
    }
    props: dict[str, Any] = {
        "sku": {"name": "WAF_v2", "tier": "WAF_v2"},
        "autoscaleConfiguration": {"minCapacity": gw.min_capacity, "maxCapacity": gw.max_capacity},
        "gatewayIPConfigurations": [{"name": "gateway", "properties": {"subnet": {"id": subnet_id}}}],
        "frontendIPConfigurations": [{"name": "public", "properties": {"publicIPAddress": {"id": pip_id}}}],
        "frontendPorts": [{"name": "https" if https else "http", "properties": {"port": 443 if https else 80}}],
        "backendAddressPools": [{"name": "app", "properties": {
            "backendAddresses": [{"fqdn": f"{ctx.names.web_app(spoke.name)}.azurewebsites.net"}]}}],
        "probes": [{"name": "app", "properties": {
            "protocol": "Https", "path": "/", "interval": 30, "timeout": 30, "unhealthyThreshold": 3,
            "pickHostNameFromBackendHttpSettings": True}}],
        "backendHttpSettingsCollection": [{"name": "app", "properties": {
            "port": 443, "protocol": "Https", "cookieBasedAffinity": "Disabled", "requestTimeout": 30,
            "pickHostNameFromBackendAddress": True, "probe": {"id": f"{gid}/probes/app"}}}],
        "httpListeners": [{"name": "public", "properties": listener}],
        "requestRoutingRules": [{"name": "app", "properties": {
            "ruleType": "Basic", "priority": 100,
            "httpListener": {"id": f"{gid}/httpListeners/public"},
            "backendAddressPool": {"id": f"{gid}/backendAddressPools/app"},
            "backendHttpSettings": {"id": f"{gid}/backendHttpSettingsCollection/app"}}}],
        "sslPolicy": {"policyType": "Predefined", "policyName": "AppGwSslPolicy20220101"},
        "firewallPolicy": {"id": waf_id},
    }
    if https:
        listener["sslCertificate"] = {"id": f"{gid}/sslCertificates/tls"}
        props["sslCertificates"] = [{"name": "tls", "properties": {"keyVaultSecretId": secret_id}}]
    return props


ALERT_TARGETS = {"ai": ai_id, "search": search_id, "app_service": web_app_id, "app_gateway": app_gateway_id}
ALERT_TARGET_ADDRESS = {"ai": "ai", "search": "search", "app_service": "app_service.app", "app_gateway": "app_gateway"}


def monitoring(ctx: Context) -> None:
    workspace_id = ctx.log_analytics_id()
    for spoke in _each(ctx, "monitoring"):
        mon = spoke.monitoring
        assert mon is not None and workspace_id is not None
        base = f"spokes.{spoke.name}"
        group = ctx.spoke_rg(spoke)
        if mon.app_insights:
            ctx.add(f"{base}.monitoring.app_insights", KINDS_BY_NAME["application_insights"],
                    app_insights_id(ctx, spoke),
                    ctx.located(kind="web", properties={"Application_Type": "web", "WorkspaceResourceId": workspace_id,
                                                        "RetentionInDays": mon.retention_days,
                                                        "IngestionMode": "LogAnalytics"}),
                    {f"{base}.resource_group", "hub.log_analytics"}, spoke.owner)
        actions: list[dict[str, Any]] = []
        deps: set[str] = set()
        if mon.alert_emails:
            group_id = ctx.res_id(group, "Microsoft.Insights", ("actionGroups", ctx.names.action_group(spoke.name)))
            receivers = [{"name": f"email-{i}", "emailAddress": e, "useCommonAlertSchema": True}
                         for i, e in enumerate(mon.alert_emails)]
            ctx.add(f"{base}.monitoring.action_group", KINDS_BY_NAME["action_group"], group_id,
                    {"location": "global", "tags": ctx.tags(), "properties": {
                        "groupShortName": spoke.name[:12], "enabled": True, "emailReceivers": receivers}},
                    {f"{base}.resource_group"}, spoke.owner)
            actions = [{"actionGroupId": group_id}]
            deps.add(f"{base}.monitoring.action_group")
        for alert in mon.alerts:
            target_id = ALERT_TARGETS[alert.target](ctx, spoke)
            criterion = {"criterionType": "StaticThresholdCriterion", "name": "metric", "metricName": alert.metric,
                         "operator": alert.operator, "threshold": alert.threshold, "timeAggregation": alert.aggregation}
            ctx.add(f"{base}.monitoring.alert.{alert.name}", KINDS_BY_NAME["metric_alert"],
                    ctx.res_id(group, "Microsoft.Insights",
                               ("metricAlerts", ctx.names.metric_alert(spoke.name, alert.name))),
                    {"location": "global", "tags": ctx.tags(), "properties": {
                        "description": f"{alert.metric} {alert.operator} {alert.threshold} on {alert.target}",
                        "severity": alert.severity, "enabled": True, "scopes": [target_id],
                        "evaluationFrequency": alert.frequency, "windowSize": alert.window,
                        "criteria": {"odata.type": "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                                     "allOf": [criterion]},
                        "autoMitigate": True, "actions": actions}},
                    {f"{base}.{ALERT_TARGET_ADDRESS[alert.target]}", *deps}, spoke.owner)
