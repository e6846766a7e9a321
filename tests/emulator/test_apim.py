"""API Management and AI Foundry projects as Azure answers them, through the typed
apimanagement and cognitiveservices clients: VNet injection rules, public access rules, the
children of an AI gateway, and projects that need an account with project management on."""

from __future__ import annotations

from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError

from .conftest import Arm, Clients, client_kwargs

COGNITIVE_API = "2025-06-01"
APIM_API = "2024-05-01"


def error(call: Any) -> HttpResponseError:
    with pytest.raises(HttpResponseError) as exc:
        result = call()
        if hasattr(result, "result"):
            result.result()
    return exc.value


@pytest.fixture
def apim(clients: Clients, arm: Arm) -> Any:
    from azure.mgmt.apimanagement import ApiManagementClient

    arm.make_rg("rg1")
    return ApiManagementClient(clients.cred, arm.emu.subscription_id, **client_kwargs(arm.emu))


def subnet(arm: Arm, nsg: bool = True, delegated: bool = False) -> str:
    vnet = arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/vnet1")
    props: dict[str, Any] = {"addressPrefix": "10.0.1.0/27"}
    if nsg:
        nsg_id = arm.rg("rg1", "/providers/Microsoft.Network/networkSecurityGroups/nsg1")
        assert arm.put(nsg_id, {"location": "eastus", "properties": {}}).status_code in (200, 201)
        props["networkSecurityGroup"] = {"id": nsg_id}
    if delegated:
        props["delegations"] = [{"name": "web", "properties": {"serviceName": "Microsoft.Web/serverFarms"}}]
    r = arm.put(vnet, {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
                                                             "subnets": [{"name": "snet-apim", "properties": props}]}})
    assert r.status_code in (200, 201), r.text
    arm.admin("POST", "/settle")
    return f"{vnet}/subnets/snet-apim"


def service(subnet_id: str | None = None, sku: str = "Developer", capacity: int = 1, **props: Any) -> dict[str, Any]:
    p: dict[str, Any] = {"publisherEmail": "ai@contoso.example", "publisherName": "Contoso", **props}
    if subnet_id:
        p |= {"virtualNetworkType": "Internal", "virtualNetworkConfiguration": {"subnetResourceId": subnet_id}}
    return {"location": "eastus", "sku": {"name": sku, "capacity": capacity}, "identity": {"type": "SystemAssigned"},
            "properties": p}


def test_internal_gateway_gets_a_private_address_an_identity_and_its_urls(apim: Any, arm: Arm) -> None:
    snet = subnet(arm)
    created = apim.api_management_service.begin_create_or_update("rg1", "apim-contoso", service(snet)).result()
    assert created.provisioning_state == "Succeeded"
    assert created.virtual_network_type == "Internal"
    assert created.private_ip_addresses == ["10.0.1.4"]
    assert created.gateway_url == "https://apim-contoso.azure-api.net"
    assert created.identity.principal_id
    assert created.public_network_access == "Enabled"  # only the management plane, see below


@pytest.mark.parametrize(("change", "code", "words"), [
    ({"sku": "Standard"}, "InvalidParameters", "not supported in the Standard tier"),
    ({"capacity": 2}, "InvalidParameters", "exactly 1 unit"),
    ({"sku": "Premium", "capacity": 13}, "InvalidParameters", "at most 12 units"),
    ({"nsg": False}, "InvalidParameters", "no Network Security Group"),
    ({"delegated": True}, "InvalidParameters", "delegated"),
    ({"publicNetworkAccess": "Disabled"}, "NotSupported", "not enabled during service creation"),
])
def test_what_azure_refuses_at_creation(apim: Any, arm: Arm, change: dict[str, Any], code: str, words: str) -> None:
    snet = subnet(arm, nsg=change.get("nsg", True), delegated=change.get("delegated", False))
    extra = {"publicNetworkAccess": change["publicNetworkAccess"]} if "publicNetworkAccess" in change else {}
    body = service(snet, change.get("sku", "Developer"), change.get("capacity", 1), **extra)
    err = error(lambda: apim.api_management_service.begin_create_or_update("rg1", "apim-x", body))
    assert err.error.code == code and words in err.error.message, err.error.message


def test_public_access_stays_on_without_an_approved_private_endpoint(apim: Any, arm: Arm) -> None:
    apim.api_management_service.begin_create_or_update("rg1", "apim-y", service(subnet(arm))).result()
    body = service(subnet(arm), publicNetworkAccess="Disabled")
    err = error(lambda: apim.api_management_service.begin_create_or_update("rg1", "apim-y", body))
    assert err.error.code == "NotSupported" and "approved Private Endpoint" in err.error.message


def test_names_are_global(apim: Any, arm: Arm) -> None:
    apim.api_management_service.begin_create_or_update("rg1", "apim-z", service()).result()
    arm.make_rg("rg2")
    err = error(lambda: apim.api_management_service.begin_create_or_update("rg2", "apim-z", service()))
    assert err.status_code == 409 and err.error.code == "ServiceAlreadyExists"


def test_backend_api_operation_and_policy_of_an_ai_gateway(apim: Any, arm: Arm) -> None:
    apim.api_management_service.begin_create_or_update("rg1", "apim-g", service()).result()
    backend = {"properties": {"protocol": "http", "url": "https://ais.openai.azure.com/openai/deployments/gpt-4o"}}
    apim.backend.create_or_update("rg1", "apim-g", "gpt-4o", backend)
    api = {"properties": {"displayName": "gpt-4o", "path": "gpt-4o", "protocols": ["https"]}}
    apim.api.begin_create_or_update("rg1", "apim-g", "gpt-4o", api).result()
    apim.api_operation.create_or_update("rg1", "apim-g", "gpt-4o", "all",
                                        {"properties": {"displayName": "All", "method": "*", "urlTemplate": "/*"}})
    good = ('<policies><inbound><base /><set-backend-service backend-id="gpt-4o" />'
            '<authentication-managed-identity resource="https://cognitiveservices.azure.com" /></inbound></policies>')
    apim.api_policy.create_or_update("rg1", "apim-g", "gpt-4o", "policy", {"properties": {"format": "xml",
                                                                                         "value": good}})
    assert "authentication-managed-identity" in apim.api_policy.get("rg1", "apim-g", "gpt-4o", "policy").value

    unknown = good.replace('backend-id="gpt-4o"', 'backend-id="nope"')
    err = error(lambda: apim.api_policy.create_or_update(
        "rg1", "apim-g", "gpt-4o", "policy", {"properties": {"format": "xml", "value": unknown}}))
    assert err.error.code == "ValidationError" and "nope" in err.error.message
    err = error(lambda: apim.api_policy.create_or_update(
        "rg1", "apim-g", "gpt-4o", "policy", {"properties": {"format": "xml", "value": "<policies>"}}))
    assert "well-formed" in err.error.message
    twin = {"properties": {"displayName": "twin", "path": "gpt-4o"}}
    err = error(lambda: apim.api.begin_create_or_update("rg1", "apim-g", "twin", twin))
    assert "same path" in err.error.message

    apim.api.begin_delete("rg1", "apim-g", "gpt-4o", if_match="*").result()
    apim.backend.delete("rg1", "apim-g", "gpt-4o", if_match="*")
    assert [b.name for b in apim.backend.list_by_service("rg1", "apim-g")] == []


# -- AI Foundry projects --------------------------------------------------------------------------
def _account(arm: Arm, name: str, projects: bool) -> str:
    account = arm.rg("rg1", f"/providers/Microsoft.CognitiveServices/accounts/{name}")
    body = {"location": "eastus", "kind": "AIServices", "sku": {"name": "S0"}, "identity": {"type": "SystemAssigned"},
            "properties": {"customSubDomainName": name, "allowProjectManagement": projects}}
    assert arm.put(account, body, api=COGNITIVE_API).status_code in (200, 201)
    arm.admin("POST", "/settle")
    return account


def test_projects_need_project_management_and_connections_need_a_real_target(clients: Clients, arm: Arm) -> None:
    arm.make_rg("rg1")
    cs = clients.cognitive
    _account(arm, "ais-off", projects=False)
    project = {"location": "eastus", "identity": {"type": "SystemAssigned"}, "properties": {"displayName": "p"}}
    err = error(lambda: cs.projects.begin_create("rg1", "ais-off", "p1", project))
    assert err.error.code == "ProjectManagementNotEnabled"

    _account(arm, "ais-on", projects=True)
    made = cs.projects.begin_create("rg1", "ais-on", "p1", project).result()
    assert made.identity.principal_id and made.properties.endpoints["AI Foundry API"].endswith("/projects/p1")
    missing = arm.rg("rg1", "/providers/Microsoft.Search/searchServices/srch-none")
    conn = {"properties": {"category": "CognitiveSearch", "target": "https://srch-none.search.windows.net",
                           "authType": "AAD", "metadata": {"ApiType": "Azure", "ResourceId": missing}}}
    err = error(lambda: cs.project_connections.create("rg1", "ais-on", "p1", "search", conn))
    assert err.error.code == "InvalidConnectionTarget"
    conn["properties"]["metadata"]["ResourceId"] = _account(arm, "ais-other", projects=False)
    assert cs.project_connections.create("rg1", "ais-on", "p1", "search", conn).properties.auth_type == "AAD"

    off = {"location": "eastus", "kind": "AIServices", "sku": {"name": "S0"},
           "properties": {"customSubDomainName": "ais-on", "allowProjectManagement": False}}
    r = arm.put(arm.rg("rg1", "/providers/Microsoft.CognitiveServices/accounts/ais-on"), off, api=COGNITIVE_API)
    assert r.status_code == 400 and "while it has projects" in r.text


def test_a_recovered_account_brings_its_projects_back(clients: Clients, arm: Arm) -> None:
    arm.make_rg("rg1")
    cs = clients.cognitive
    account = _account(arm, "ais-rec", projects=True)
    project = {"location": "eastus", "identity": {"type": "SystemAssigned"}, "properties": {}}
    principal = cs.projects.begin_create("rg1", "ais-rec", "p1", project).result().identity.principal_id
    assert arm.delete(account, api=COGNITIVE_API).status_code in (200, 202)
    arm.admin("POST", "/settle")
    assert arm.get(f"{account}/projects/p1", api=COGNITIVE_API).status_code == 404
    body = {"location": "eastus", "kind": "AIServices", "sku": {"name": "S0"},
            "properties": {"customSubDomainName": "ais-rec", "allowProjectManagement": True, "restore": True}}
    assert arm.put(account, body, api=COGNITIVE_API).status_code in (200, 201)
    arm.admin("POST", "/settle")
    assert cs.projects.get("rg1", "ais-rec", "p1").identity.principal_id == principal


# -- the gateway's Application Insights logger and diagnostic ---------------------------------------
def _component(arm: Arm) -> str:
    workspace = arm.rg("rg1", "/providers/Microsoft.OperationalInsights/workspaces/log1")
    assert arm.put(workspace, {"location": "eastus", "properties": {}}, api="2023-09-01").status_code in (200, 201)
    component = arm.rg("rg1", "/providers/Microsoft.Insights/components/appi1")
    body = {"location": "eastus", "kind": "web", "properties": {"Application_Type": "web",
                                                                "WorkspaceResourceId": workspace}}
    assert arm.put(component, body, api="2020-02-02").status_code in (200, 201)
    arm.admin("POST", "/settle")
    return component


def test_a_logger_keeps_its_connection_string_hidden_and_a_diagnostic_needs_it(apim: Any, arm: Arm) -> None:
    apim.api_management_service.begin_create_or_update("rg1", "apim-l", service()).result()
    component = _component(arm)
    secret = "InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=https://x.example/"
    logger = {"properties": {"loggerType": "applicationInsights", "resourceId": component,
                             "credentials": {"connectionString": secret, "identityClientId": "SystemAssigned"}}}
    made = apim.logger.create_or_update("rg1", "apim-l", "appinsights", logger)
    read = apim.logger.get("rg1", "apim-l", "appinsights")
    for answer in (made, read):
        assert answer.credentials["connectionString"].startswith("{{Logger-Credentials--")
        assert answer.credentials["identityClientId"] == "SystemAssigned"
    assert secret not in arm.get(arm.rg("rg1", "/providers/Microsoft.ApiManagement/service/apim-l/loggers"),
                                 api=APIM_API).text

    diagnostic = {"properties": {"loggerId": made.id, "verbosity": "information",
                                 "sampling": {"samplingType": "fixed", "percentage": 50}}}
    made_diagnostic = apim.diagnostic.create_or_update("rg1", "apim-l", "applicationinsights", diagnostic)
    assert made_diagnostic.sampling.percentage == 50
    for name, change, words in [
        ("applicationinsights", {"loggerId": made.id.replace("appinsights", "nope")}, "was not found"),
        ("applicationinsights", {"sampling": {"samplingType": "fixed", "percentage": 150}}, "between 0 and 100"),
        ("applicationinsights", {"verbosity": "chatty"}, "verbosity"),
        ("elsewhere", {}, "is not one of"),
    ]:
        bad = {"properties": {**diagnostic["properties"], **change}}
        err = error(lambda name=name, bad=bad: apim.diagnostic.create_or_update("rg1", "apim-l", name, bad))
        assert err.error.code == "ValidationError" and words in err.error.message, err.error.message


def test_what_a_logger_needs(apim: Any, arm: Arm) -> None:
    no_identity = service()
    del no_identity["identity"]
    apim.api_management_service.begin_create_or_update("rg1", "apim-n", no_identity).result()
    component = _component(arm)
    cases = [
        ({"loggerType": "splunk"}, "not applicationInsights"),
        ({"loggerType": "applicationInsights", "resourceId": component}, "needs credentials"),
        ({"loggerType": "applicationInsights", "resourceId": component,
          "credentials": {"connectionString": "InstrumentationKey=x", "identityClientId": "SystemAssigned"}},
         "system-assigned managed identity"),
    ]
    for props, words in cases:
        err = error(lambda props=props: apim.logger.create_or_update("rg1", "apim-n", "l1", {"properties": props}))
        assert err.error.code == "ValidationError" and words in err.error.message, err.error.message
    missing = {"loggerType": "applicationInsights", "resourceId": component.replace("appi1", "nope"),
               "credentials": {"connectionString": "InstrumentationKey=x"}}
    err = error(lambda: apim.logger.create_or_update("rg1", "apim-n", "l1", {"properties": missing}))
    assert err.error.code == "InvalidResourceReference"


# -- inbound private endpoint --------------------------------------------------------------------
def _endpoint(arm: Arm, target: str, group: str, subnet_id: str) -> Any:
    pe = arm.rg("rg1", "/providers/Microsoft.Network/privateEndpoints/pep-apim")
    connection = {"name": "apim", "properties": {"privateLinkServiceId": target, "groupIds": [group]}}
    return arm.put(pe, {"location": "eastus", "properties": {"subnet": {"id": subnet_id},
                                                            "privateLinkServiceConnections": [connection]}})


def test_an_inbound_private_endpoint_then_public_access_off(apim: Any, arm: Arm) -> None:
    snet = subnet(arm)  # an ordinary subnet for the endpoint (the service is not injected)
    made = apim.api_management_service.begin_create_or_update("rg1", "apim-p", service(sku="StandardV2")).result()
    r = _endpoint(arm, made.id, "portal", snet)
    assert r.status_code == 400 and r.json()["error"]["code"] == "NotSupported" and "groupId(s) portal" in r.text
    assert _endpoint(arm, made.id, "Gateway", snet).status_code in (200, 201)
    arm.admin("POST", "/settle")
    closed = apim.api_management_service.begin_create_or_update(
        "rg1", "apim-p", service(sku="StandardV2", publicNetworkAccess="Disabled")).result()
    assert closed.public_network_access == "Disabled"
    (connection,) = closed.private_endpoint_connections
    assert connection.group_ids == ["Gateway"]
    # a service with an endpoint is not injected as well
    body = service(snet, sku="Developer")
    err = error(lambda: apim.api_management_service.begin_create_or_update("rg1", "apim-p", body))
    assert err.error.code == "NotSupported" and "has private endpoint connections" in err.error.message


def test_no_inbound_endpoint_to_an_injected_classic_service(apim: Any, arm: Arm) -> None:
    snet = subnet(arm)
    made = apim.api_management_service.begin_create_or_update("rg1", "apim-i", service(snet)).result()
    r = _endpoint(arm, made.id, "Gateway", snet)
    assert r.status_code == 400 and "injected into a virtual network" in r.text
