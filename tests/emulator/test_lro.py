"""Long-running operations: latency model, honest wait headers, polling styles per provider."""

from __future__ import annotations

import time

import pytest
from azure.core.exceptions import HttpResponseError

from lzengine.emulator import Emulator

from .conftest import Arm, Clients, FakeClock, StaticCredential, client_kwargs

VNET = {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}


def test_time_scale_zero_first_poll_succeeds(arm: Arm) -> None:
    arm.make_rg()
    r = arm.put(arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v"), VNET)
    assert r.json()["properties"]["provisioningState"] == "Updating"
    assert "Retry-After" not in r.headers
    assert r.headers["retry-after-ms"] == "1"  # never 0: azure-core would fall back to 30 s
    assert arm.get(r.headers["Azure-AsyncOperation"], api=None).json() == {"status": "Succeeded"}


def test_wait_headers_follow_the_scaled_remaining_time(make_emu, clock: FakeClock) -> None:
    emu = make_emu(time_scale=1.0, clock=clock)
    arm = Arm(emu)
    arm.make_rg()
    r = arm.put(arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v"), VNET)
    assert r.headers["Retry-After"] == "5" and r.headers["retry-after-ms"] == "5000"
    aao = r.headers["Azure-AsyncOperation"]
    clock.advance(4.5)
    poll = arm.get(aao, api=None)
    assert poll.json() == {"status": "InProgress"}
    assert "Retry-After" not in poll.headers and poll.headers["retry-after-ms"] == "500"
    got = arm.get(arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v")).json()
    assert got["properties"]["provisioningState"] == "Updating"
    clock.advance(0.5)
    assert arm.get(aao, api=None).json() == {"status": "Succeeded"}
    got = arm.get(arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v")).json()
    assert got["properties"]["provisioningState"] == "Succeeded"


def test_firewall_scaled_latency(make_emu, clock: FakeClock) -> None:
    emu = make_emu(time_scale=0.01, clock=clock)
    arm = Arm(emu)
    arm.make_rg()
    net = "/providers/Microsoft.Network"
    arm.put(arm.rg("rg1", f"{net}/virtualNetworks/hub"), {"location": "eastus", "properties": {
        "addressSpace": {"addressPrefixes": ["10.0.0.0/24"]},
        "subnets": [{"name": "AzureFirewallSubnet", "properties": {"addressPrefix": "10.0.0.0/26"}}]}})
    arm.put(arm.rg("rg1", f"{net}/publicIPAddresses/pip"), {"location": "eastus", "sku": {"name": "Standard"}})
    r = arm.put(arm.rg("rg1", f"{net}/azureFirewalls/fw"), {"location": "eastus", "properties": {
        "ipConfigurations": [{"name": "c", "properties": {
            "subnet": {"id": arm.rg("rg1", f"{net}/virtualNetworks/hub/subnets/AzureFirewallSubnet")},
            "publicIPAddress": {"id": arm.rg("rg1", f"{net}/publicIPAddresses/pip")}}}]}})
    assert r.headers["Retry-After"] == "6" and r.headers["retry-after-ms"] == "6000"  # 600 s × 0.01


def test_sdk_never_waits_the_30s_default(make_emu) -> None:
    """A client with the default polling_interval (30 s) finishes as fast as the scaled latency."""
    emu = make_emu(time_scale=0.02)  # VNet: 5 s × 0.02 = 0.1 s
    from azure.mgmt.network import NetworkManagementClient

    Arm(emu).make_rg()
    kw = client_kwargs(emu)
    kw.pop("polling_interval")
    nc = NetworkManagementClient(StaticCredential(emu.token), emu.subscription_id, **kw)
    start = time.monotonic()
    vnet = nc.virtual_networks.begin_create_or_update("rg1", "v", VNET).result()
    elapsed = time.monotonic() - start
    assert vnet.provisioning_state == "Succeeded"
    assert 0.09 <= elapsed < 3.0


def test_latency_endpoint(arm: Arm) -> None:
    lat = arm.admin("GET", "/latency")
    assert lat["time_scale"] == 0.0
    t = lat["types"]
    assert t["microsoft.network/virtualnetworks"]["create"] == 5.0
    assert t["microsoft.network/virtualnetworks/subnets"]["update"] == 3.0
    assert t["microsoft.network/azurefirewalls"]["create"] == 600.0
    assert t["microsoft.network/bastionhosts"]["create"] == 600.0
    assert t["microsoft.network/applicationgateways"]["create"] == 360.0
    assert t["microsoft.search/searchservices"]["create"] == 420.0
    assert t["microsoft.cognitiveservices/accounts"]["create"] == 90.0
    assert t["microsoft.resources/deployments"]["create"] == 30.0
    assert t["microsoft.resources/resourcegroups"]["delete"] == 10.0


def test_body_polling_get_carries_wait_headers(make_emu, clock: FakeClock) -> None:
    emu = make_emu(time_scale=1.0, clock=clock)
    arm = Arm(emu)
    arm.make_rg()
    path = arm.rg("rg1", "/providers/Microsoft.Search/searchServices/srch")
    r = arm.put(path, {"location": "eastus", "sku": {"name": "standard"}}, api="2025-05-01")
    assert r.status_code == 201
    assert r.json()["properties"]["provisioningState"] == "provisioning"
    assert r.json()["properties"]["status"] == "provisioning"
    assert "Azure-AsyncOperation" not in r.headers
    assert r.headers["ETag"].startswith("W/\"datetime'")
    clock.advance(400)
    g = arm.get(path, api="2025-05-01")
    assert g.headers["retry-after-ms"] == "20000" and g.headers["Retry-After"] == "20"
    clock.advance(20)
    g = arm.get(path, api="2025-05-01").json()
    assert g["properties"]["provisioningState"] == "succeeded" and g["properties"]["status"] == "running"
    d = arm.delete(path, api="2025-05-01")
    assert d.status_code == 200 and d.content == b""
    assert arm.delete(path, api="2025-05-01").status_code == 204


@pytest.mark.parametrize("kind", ["cognitive", "search", "privatedns", "web", "loganalytics"])
def test_provider_lros_complete_through_the_sdk(kind: str, clients: Clients, arm: Arm) -> None:
    arm.make_rg()
    if kind == "cognitive":
        acct = clients.cognitive.accounts.begin_create(
            "rg1", "acct", {"location": "eastus", "kind": "AIServices", "sku": {"name": "S0"}}).result()
        assert acct.properties.provisioning_state == "Succeeded"
        dep = clients.cognitive.deployments.begin_create_or_update("rg1", "acct", "gpt", {
            "sku": {"name": "Standard", "capacity": 10},
            "properties": {"model": {"format": "OpenAI", "name": "gpt-4o", "version": "2024-08-06"}}}).result()
        assert dep.properties.provisioning_state == "Succeeded"
        clients.cognitive.deployments.begin_delete("rg1", "acct", "gpt").result()
        clients.cognitive.accounts.begin_delete("rg1", "acct").result()
    elif kind == "search":
        svc = clients.search.services.begin_create_or_update(
            "rg1", "srch", {"location": "eastus", "sku": {"name": "standard"}}).result()
        assert svc.provisioning_state == "succeeded" and svc.status == "running"
        clients.search.services.delete("rg1", "srch")
    elif kind == "privatedns":
        z = clients.privatedns.private_zones.begin_create_or_update(
            "rg1", "privatelink.search.windows.net", {"location": "global"}).result()
        assert z.provisioning_state == "Succeeded" and z.etag and not z.etag.startswith("W/")
        clients.privatedns.private_zones.begin_delete("rg1", "privatelink.search.windows.net").result()
    elif kind == "web":
        plan = clients.web.app_service_plans.begin_create_or_update(
            "rg1", "plan", {"location": "eastus", "sku": {"name": "P1v3"}, "kind": "linux"}).result()
        assert plan.provisioning_state == "Succeeded"
        site = clients.web.web_apps.begin_create_or_update(
            "rg1", "app", {"location": "eastus", "properties": {"serverFarmId": plan.id}}).result()
        assert site.name == "app"
    else:
        ws = clients.loganalytics.workspaces.begin_create_or_update("rg1", "law", {"location": "eastus"}).result()
        assert ws.provisioning_state == "Succeeded"
        clients.loganalytics.workspaces.begin_delete("rg1", "law").result()


def test_initial_status_codes_per_provider(arm: Arm) -> None:
    arm.make_rg()
    cases = [
        ("/providers/Microsoft.Network/privateDnsZones/z.com", {"location": "global"}, "2024-06-01", 202),
        ("/providers/Microsoft.CognitiveServices/accounts/a", {"location": "eastus", "kind": "AIServices",
                                                              "sku": {"name": "S0"}}, "2025-09-01", 201),
        ("/providers/Microsoft.Web/serverfarms/p", {"location": "eastus", "sku": {"name": "P1v3"}},
         "2025-05-01", 202),
        ("/providers/Microsoft.Insights/components/ai", {"location": "eastus", "kind": "web",
                                                         "properties": {"Application_Type": "web"}},
         "2020-02-02", 200),
        ("/providers/Microsoft.OperationalInsights/workspaces/w", {"location": "eastus"}, "2025-07-01", 201),
        ("/providers/Microsoft.Resources/deployments/d", {"properties": {"mode": "Incremental"}},
         "2025-04-01", 201),
    ]
    for path, body, api, status in cases:
        r = arm.put(arm.rg("rg1", path), body, api=api)
        assert r.status_code == status, (path, r.text)
    pdns = arm.put(arm.rg("rg1", "/providers/Microsoft.Network/privateDnsZones/y.com"), {"location": "global"},
                   api="2024-06-01")
    assert pdns.content == b"" and "Location" in pdns.headers and "Azure-AsyncOperation" in pdns.headers
    app_insights = arm.put(arm.rg("rg1", "/providers/Microsoft.Insights/components/ai"),
                           {"location": "eastus", "kind": "web", "properties": {"Application_Type": "web"}},
                           api="2020-02-02")
    assert app_insights.status_code == 200  # update is 200 too
    dep = arm.get(arm.rg("rg1", "/providers/Microsoft.CognitiveServices/accounts/a"), api="2025-09-01").json()
    assert dep["etag"].startswith("W/\"datetime'")


def test_policy_objects_answer_201_only(clients: Clients, emu: Emulator) -> None:
    scope = f"/subscriptions/{emu.subscription_id}"
    definition = {"properties": {"policyType": "Custom", "mode": "All", "policyRule": {
        "if": {"field": "location", "equals": "westus"}, "then": {"effect": "deny"}}}}
    d1 = clients.policy.policy_definitions.create_or_update("deny-westus", definition)
    d2 = clients.policy.policy_definitions.create_or_update("deny-westus", definition)
    assert d1.id == d2.id
    body = {"properties": {"policyDefinitionId": d1.id}}
    a1 = clients.policy.policy_assignments.create(scope, "a1", body)
    a2 = clients.policy.policy_assignments.create(scope, "a1", body)
    assert a1.scope == scope and a2.id == a1.id


def test_lro_failed_ends_with_retryable_code(make_emu) -> None:
    emu = make_emu(faults="rate=1,kinds=lro-failed,types=Microsoft.Network/*,methods=PUT")
    clients = Clients(emu)
    Arm(emu).make_rg()
    with pytest.raises(HttpResponseError) as exc:
        clients.network.virtual_networks.begin_create_or_update("rg1", "v", VNET).result()
    assert exc.value.status_code == 200
    assert exc.value.error.code == "RetryableError"
    got = Arm(emu).get(Arm(emu).rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v")).json()
    assert got["properties"]["provisioningState"] == "Failed"
    Arm(emu).admin("DELETE", "/faults")
    vnet = clients.network.virtual_networks.begin_create_or_update("rg1", "v", VNET).result()
    assert vnet.provisioning_state == "Succeeded"


def test_admin_settle_finishes_everything(make_emu, clock: FakeClock) -> None:
    emu = make_emu(time_scale=1.0, clock=clock)
    arm = Arm(emu)
    arm.make_rg()
    net = "/providers/Microsoft.Network"
    arm.put(arm.rg("rg1", f"{net}/virtualNetworks/v"), {"location": "eastus", "properties": {
        "addressSpace": {"addressPrefixes": ["10.0.0.0/24"]},
        "subnets": [{"name": "AzureBastionSubnet", "properties": {"addressPrefix": "10.0.0.0/26"}}]}})
    for pip in ("p1", "p2"):
        arm.put(arm.rg("rg1", f"{net}/publicIPAddresses/{pip}"), {"location": "eastus", "sku": {"name": "Standard"}})
    assert arm.admin("POST", "/settle")["completed"] == 3

    def bastion(pip: str) -> dict:
        return {"location": "eastus", "properties": {"ipConfigurations": [{"name": "c", "properties": {
            "subnet": {"id": arm.rg("rg1", f"{net}/virtualNetworks/v/subnets/AzureBastionSubnet")},
            "publicIPAddress": {"id": arm.rg("rg1", f"{net}/publicIPAddresses/{pip}")}}}]}}

    assert arm.put(arm.rg("rg1", f"{net}/bastionHosts/b"), bastion("p1")).status_code == 201
    assert arm.admin("POST", "/settle")["completed"] == 1
    got = arm.get(arm.rg("rg1", "/providers/Microsoft.Network/bastionHosts/b")).json()
    assert got["properties"]["provisioningState"] == "Succeeded"
    arm.delete(arm.rg("rg1", f"{net}/bastionHosts/b"))
    arm.admin("POST", "/settle")
    arm.put(arm.rg("rg1", "/providers/Microsoft.Network/bastionHosts/c"), bastion("p2"))
    arm.admin("POST", "/clock", {"advance": 601})
    got = arm.get(arm.rg("rg1", "/providers/Microsoft.Network/bastionHosts/c")).json()
    assert got["properties"]["provisioningState"] == "Succeeded"
