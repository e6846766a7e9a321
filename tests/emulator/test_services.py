"""AI Search, App Service and Azure Monitor as Azure answers them, through their typed clients."""

from __future__ import annotations

from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError

from .conftest import Arm, Clients

NET = "/providers/Microsoft.Network"


def error(call: Any) -> HttpResponseError:
    with pytest.raises(HttpResponseError) as exc:
        result = call()
        if hasattr(result, "result"):
            result.result()
    return exc.value


@pytest.fixture
def rg(arm: Arm) -> str:
    arm.make_rg("rg1")
    return "rg1"


# ---------------------------------------------------------------------------- search
def test_search_names_skus_and_computed_fields(clients: Clients, arm: Arm, rg: str) -> None:
    s = clients.search.services
    for bad in ("Upper", "-lead", "trail-", "two--dash", "x"):
        err = error(lambda b=bad: s.begin_create_or_update(rg, b, {"location": "eastus", "sku": {"name": "basic"}}))
        assert (err.status_code, err.error.code) == (400, "InvalidServiceName")
    svc = s.begin_create_or_update(rg, "srch-1", {"location": "eastus", "sku": {"name": "standard"}, "properties": {
        "replicaCount": 3, "partitionCount": 2, "publicNetworkAccess": "disabled"}}).result()
    assert (svc.provisioning_state, svc.status) == ("succeeded", "running")
    assert svc.endpoint == "https://srch-1.search.windows.net" and svc.replica_count == 3
    raw = arm.get(arm.rg(rg, "/providers/Microsoft.Search/searchServices/srch-1"), api="2025-05-01")
    assert raw.headers["ETag"].startswith("W/\"datetime'")
    # the name is global
    arm.make_rg("rg2")
    err = error(lambda: s.begin_create_or_update("rg2", "srch-1", {"location": "eastus", "sku": {"name": "basic"}}))
    assert (err.status_code, err.error.code) == (400, "ServiceNameUnavailable")
    # replicas and partitions per SKU
    err = error(lambda: s.begin_create_or_update(rg, "srch-2", {"location": "eastus", "sku": {"name": "basic"},
                                                                "properties": {"replicaCount": 4}}))
    assert err.error.code == "InvalidReplicaCount"
    err = error(lambda: s.begin_create_or_update(rg, "srch-2", {"location": "eastus", "sku": {"name": "standard"},
                                                                "properties": {"partitionCount": 5}}))
    assert err.error.code == "InvalidPartitionCount"
    # delete is synchronous 200, then 204
    assert arm.delete(arm.rg(rg, "/providers/Microsoft.Search/searchServices/srch-1"), api="2025-05-01").status_code \
        == 200


def test_search_update_shows_lower_case_provisioning(arm: Arm, rg: str) -> None:
    path = arm.rg(rg, "/providers/Microsoft.Search/searchServices/srch")
    first = arm.put(path, {"location": "eastus", "sku": {"name": "basic"}}, api="2025-05-01").json()
    assert first["properties"]["provisioningState"] in ("provisioning", "succeeded")
    assert arm.get(path, api="2025-05-01").json()["properties"]["status"] == "running"


# ---------------------------------------------------------------------------- web
def _network(clients: Clients, rg: str, delegated: bool) -> str:
    sub: dict[str, Any] = {"addressPrefix": "10.0.1.0/26"}
    if delegated:
        sub["delegations"] = [{"name": "web", "properties": {"serviceName": "Microsoft.Web/serverFarms"}}]
    v = clients.network.virtual_networks.begin_create_or_update(rg, "v", {"location": "eastus", "properties": {
        "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}, "subnets": [{"name": "app", "properties": sub}]}}
    ).result()
    return v.subnets[0].id


def test_plans_and_sites(clients: Clients, arm: Arm, rg: str) -> None:
    web = clients.web
    plan = web.app_service_plans.begin_create_or_update(rg, "plan", {
        "location": "eastus", "kind": "linux", "sku": {"name": "P1v3", "capacity": 3},
        "properties": {"reserved": True}}).result()
    assert (plan.sku.tier, plan.sku.family, plan.status) == ("PremiumV3", "Pv3", "Ready")
    missing = plan.id + "x"
    err = error(lambda: web.web_apps.begin_create_or_update(rg, "app-a", {
        "location": "eastus", "properties": {"serverFarmId": missing}}))
    assert (err.status_code, err.error.code) == (404, "NotFound")
    assert err.error.message == "Cannot find ServerFarm with name planx."
    site = web.web_apps.begin_create_or_update(rg, "App-A", {
        "location": "eastus", "kind": "app,linux", "identity": {"type": "SystemAssigned"},
        "properties": {"serverFarmId": plan.id, "httpsOnly": True, "siteConfig": {
            "linuxFxVersion": "PYTHON|3.12", "alwaysOn": True, "minTlsVersion": "1.2", "ftpsState": "Disabled",
            "appSettings": [{"name": "A", "value": "1"}]}}}).result()
    assert site.default_host_name == "app-a.azurewebsites.net"
    assert site.enabled_host_names == ["app-a.azurewebsites.net", "app-a.scm.azurewebsites.net"]
    assert site.https_only is True and site.state == "Running" and site.identity.principal_id
    # a site GET carries a thin siteConfig; the full one is config/web, the settings are listed apart
    assert site.site_config.linux_fx_version == "PYTHON|3.12" and site.site_config.always_on is True
    assert site.site_config.app_settings is None and site.site_config.min_tls_version is None
    full = web.web_apps.get_configuration(rg, "App-A")
    assert (full.min_tls_version, full.ftps_state) == ("1.2", "Disabled")
    assert web.web_apps.list_application_settings(rg, "App-A").properties == {"A": "1"}
    assert web.app_service_plans.get(rg, "plan").number_of_sites == 1
    err = error(lambda: web.app_service_plans.delete(rg, "plan"))
    assert (err.status_code, err.error.code) == (409, "Conflict")
    # host names are global
    arm.make_rg("rg2")
    err = error(lambda: web.web_apps.begin_create_or_update("rg2", "app-a", {
        "location": "eastus", "properties": {"serverFarmId": plan.id}}))
    assert (err.status_code, err.error.code) == (409, "Conflict")


def test_vnet_integration_needs_a_delegated_subnet(clients: Clients, arm: Arm, rg: str) -> None:
    web = clients.web
    plan = web.app_service_plans.begin_create_or_update(rg, "plan", {
        "location": "eastus", "sku": {"name": "P1v3"}}).result()
    plain = _network(clients, rg, delegated=False)
    body = {"location": "eastus", "properties": {"serverFarmId": plan.id, "virtualNetworkSubnetId": plain,
                                                 "vnetRouteAllEnabled": True}}
    err = error(lambda: web.web_apps.begin_create_or_update(rg, "app-v", body))
    assert (err.status_code, err.error.code) == (400, "SubnetMissingRequiredDelegation")
    assert "[Microsoft.Web/serverFarms]" in err.error.message
    delegated = _network(clients, rg, delegated=True)
    site = web.web_apps.begin_create_or_update(rg, "app-v", {**body, "properties": {
        **body["properties"], "virtualNetworkSubnetId": delegated}}).result()
    assert site.virtual_network_subnet_id == delegated and site.properties["vnetRouteAllEnabled"] is True
    subnet = clients.network.subnets.get(rg, "v", "app")
    (link,) = subnet.service_association_links
    assert link.linked_resource_type == "Microsoft.Web/serverfarms" and link.link == plan.id
    err = error(lambda: clients.network.subnets.begin_delete(rg, "v", "app"))
    assert err.error.code == "InUseSubnetCannotBeDeleted"


# ---------------------------------------------------------------------------- monitor
def test_workspace_and_application_insights(clients: Clients, arm: Arm, rg: str) -> None:
    law = clients.loganalytics.workspaces.begin_create_or_update(rg, "law", {
        "location": "swedencentral", "properties": {"retentionInDays": 30}}).result()
    assert law.customer_id and law.sku.name == "PerGB2018"
    again = clients.loganalytics.workspaces.begin_create_or_update(rg, "law", {"location": "swedencentral"}).result()
    assert again.customer_id == law.customer_id
    ai = clients.insights.components
    err = error(lambda: ai.create_or_update(rg, "appi", {
        "location": "swedencentral", "kind": "web", "properties": {
            "Application_Type": "web", "WorkspaceResourceId": law.id + "x"}}))
    assert (err.status_code, err.error.code) == (400, "BadRequest")
    comp = ai.create_or_update(rg, "appi", {"location": "swedencentral", "kind": "web", "properties": {
        "Application_Type": "web", "WorkspaceResourceId": law.id}})
    assert comp.ingestion_mode == "LogAnalytics" and comp.app_id and comp.instrumentation_key
    assert comp.connection_string == (
        f"InstrumentationKey={comp.instrumentation_key};IngestionEndpoint=https://swedencentral-0.in."
        f"applicationinsights.azure.com/;LiveEndpoint=https://swedencentral.livediagnostics.monitor.azure.com/;"
        f"ApplicationId={comp.app_id}")
    assert ai.create_or_update(rg, "appi", {"location": "swedencentral", "kind": "web", "properties": {
        "Application_Type": "web", "WorkspaceResourceId": law.id}}).instrumentation_key == comp.instrumentation_key


def test_diagnostic_settings_need_their_workspace(clients: Clients, arm: Arm, rg: str) -> None:
    law = clients.loganalytics.workspaces.begin_create_or_update(rg, "law", {"location": "eastus"}).result()
    nsg = clients.network.network_security_groups.begin_create_or_update(rg, "nsg", {"location": "eastus"}).result()
    res = clients.resource.resources

    def diag(name: str, workspace: str) -> Any:
        return res.begin_create_or_update_by_id(
            f"{nsg.id}/providers/Microsoft.Insights/diagnosticSettings/{name}", api_version="2021-05-01-preview",
            parameters={"properties": {"workspaceId": workspace,
                                       "logs": [{"categoryGroup": "allLogs", "enabled": True}]}})

    err = error(lambda: diag("d", "law"))
    assert (err.status_code, err.error.code) == (400, "LinkedInvalidPropertyId")
    assert err.response.headers["x-ms-failure-cause"] == "gateway"
    assert error(lambda: diag("d", law.id + "x")).error.code == "BadRequest"
    assert diag("d", law.id).result().properties["workspaceId"] == law.id
    err = error(lambda: diag("d2", law.id))
    assert (err.status_code, err.error.code) == (409, "Conflict") and "already used" in err.error.message
    # extension resources are not listed as resources of the group
    assert [r.name for r in res.list_by_resource_group(rg)] == ["law", "nsg"]


def test_action_groups_and_metric_alerts(arm: Arm, rg: str) -> None:
    base = "/providers/Microsoft.Insights"
    r = arm.put(arm.rg(rg, f"{base}/actionGroups/ag"), {"location": "global", "properties": {
        "groupShortName": "much-too-long-name", "enabled": True}}, api="2023-01-01")
    assert r.status_code == 400
    r = arm.put(arm.rg(rg, f"{base}/actionGroups/ag"), {"location": "global", "properties": {
        "groupShortName": "oncall", "emailReceivers": [{"name": "e", "emailAddress": "a@b.example"}]}},
        api="2023-01-01")
    assert r.status_code == 201 and r.json()["properties"]["emailReceivers"][0]["status"] == "Enabled"
    target = arm.rg(rg, "/providers/Microsoft.Web/sites/missing")
    alert = {"location": "global", "properties": {
        "severity": 2, "enabled": True, "scopes": [target], "evaluationFrequency": "PT5M", "windowSize": "PT15M",
        "criteria": {"odata.type": "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria", "allOf": []},
        "actions": [{"actionGroupId": arm.rg(rg, f"{base}/actionGroups/ag")}]}}
    assert arm.put(arm.rg(rg, f"{base}/metricAlerts/a"), alert, api="2018-03-01").status_code == 400
    alert["properties"]["scopes"] = [arm.rg(rg, f"{base}/actionGroups/ag")]
    r = arm.put(arm.rg(rg, f"{base}/metricAlerts/a"), alert, api="2018-03-01")
    assert r.status_code == 200 and r.json()["properties"]["isMigrated"] is False
