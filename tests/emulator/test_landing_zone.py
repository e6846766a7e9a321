"""The shipped landing-zone plans converge on the emulator through the real engine, with the
computed fields Azure would return, and a hub's Deny policies refuse a spoke that breaks them.

The engine is wired like tests/engine/conftest.py (AzureSdkAdapter over HTTPS, retries in
virtual time); the emulator preloads the built-in policy definitions of each reference data
source (``refdata``: the project's own stand-ins, and the shared data folder when present).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from azure.core.exceptions import HttpResponseError

from lzengine.adapters.azure_sdk import AzureSdkAdapter, Connection, StaticTokenCredential
from lzengine.compile import compile_plan
from lzengine.emulator import Emulator
from lzengine.engine import Engine, EngineOptions
from lzengine.graph import Graph
from lzengine.plan import load_plan, load_plan_text
from lzengine.retry import RetryPolicy
from tests.engine.conftest import VirtualClock

from .conftest import Clients

PLANS = Path(__file__).resolve().parents[2] / "plans"


@dataclass
class Zone:
    emu: Emulator
    adapter: AzureSdkAdapter

    def engine(self) -> Engine:
        clock = VirtualClock()
        return Engine(self.adapter, EngineOptions(retry=RetryPolicy(sleep=clock.sleep, clock=clock)))

    def graph_file(self, path: Path) -> Graph:
        return compile_plan(load_plan(str(path)), self.emu.subscription_id)

    def graph_text(self, text: str) -> Graph:
        return compile_plan(load_plan_text(text), self.emu.subscription_id)

    def admin(self, method: str, path: str) -> Any:
        r = requests.request(method, f"{self.emu.url}/_emulator{path}",
                             headers={"Authorization": f"Bearer {self.emu.token}"}, verify=self.emu.ca_file,
                             timeout=30)  # fmt: skip
        r.raise_for_status()
        return r.json()

    def resources(self) -> dict[str, dict[str, Any]]:
        return {r["id"].lower(): r["body"] for r in self.admin("GET", "/resources")["value"]}


@pytest.fixture
def zone(refdata: Path) -> Iterator[Zone]:
    with Emulator(time_scale=0.0, throttle="off", policy_dirs=[str(refdata / "azure-policy")]) as emu:
        conn = Connection(emu.subscription_id, StaticTokenCredential(emu.token), base_url=emu.url,
                          ca_file=emu.ca_file, polling_interval=0.01)  # fmt: skip
        adapter = AzureSdkAdapter(conn)
        yield Zone(emu, adapter)
        adapter.close()


def _of(state: dict[str, dict[str, Any]], type_: str) -> list[dict[str, Any]]:
    return [b for b in state.values() if b["type"].lower() == type_.lower()]


def _prefix(body: dict[str, Any]) -> ipaddress.IPv4Network:
    return ipaddress.ip_network(body["properties"]["addressPrefix"])


def _converge(zone: Zone, graph: Graph) -> dict[str, dict[str, Any]]:
    report = zone.engine().apply(graph)
    failed = [(o.address, o.error) for o in report.outcomes if o.error]
    assert report.exit_code == 0, failed
    state = zone.resources()
    for rid, body in state.items():
        state_value = (body.get("properties") or {}).get("provisioningState")
        assert state_value is None or state_value.lower() == "succeeded", (rid, state_value)
    for node in graph:
        assert node.arm_id.lower() in state, node.address
    # a second apply finds nothing to do and writes nothing
    zone.admin("POST", "/stats/reset")
    again = zone.engine().apply(graph)
    assert again.exit_code == 0
    assert zone.admin("GET", "/stats")["writes"] == 0, [(o.address, o.action) for o in again.outcomes]
    return state


def test_full_landing_zone_converges_with_computed_fields(zone: Zone) -> None:
    graph = zone.graph_file(PLANS / "ai-landing-zone.yaml")
    state = _converge(zone, graph)
    all_subnets = _of(state, "Microsoft.Network/virtualNetworks/subnets")
    subnets = {b["name"]: b for b in all_subnets}
    # the firewall got its private IP from AzureFirewallSubnet, and the default route points at it
    (fw,) = _of(state, "Microsoft.Network/azureFirewalls")
    fw_ip = fw["properties"]["ipConfigurations"][0]["properties"]["privateIPAddress"]
    assert ipaddress.ip_address(fw_ip) in _prefix(subnets["AzureFirewallSubnet"])
    assert fw_ip == str(_prefix(subnets["AzureFirewallSubnet"])[4])
    routes = _of(state, "Microsoft.Network/routeTables/routes")
    assert {r["properties"]["nextHopIpAddress"] for r in routes} == {fw_ip}  # each VNet's copy of 'egress'
    assert subnets["AzureFirewallSubnet"]["properties"]["ipConfigurations"][0]["id"].endswith(
        "/azureFirewallIpConfigurations/ipconfig1")
    # private endpoints: NIC IPs inside a PE subnet (the spoke's; the hub's for the hub's vault),
    # distinct, and A records in the hub zones
    peps = [_prefix(b) for b in all_subnets if b["name"] == "snet-pep"]
    assert len(peps) == 2
    pes = _of(state, "Microsoft.Network/privateEndpoints")
    planned_pes = [n for n in graph if n.kind.arm_type == "Microsoft.Network/privateEndpoints"]
    assert len(pes) == len(planned_pes) >= 3  # AI, Search, the web app, and what else the plan reaches privately
    ips = {}
    for pe in pes:
        (config,) = pe["properties"]["privateLinkServiceConnections"]
        assert config["properties"]["privateLinkServiceConnectionState"]["status"] == "Approved"
        nic = state[pe["properties"]["networkInterfaces"][0]["id"].lower()]
        ip = nic["properties"]["ipConfigurations"][0]["properties"]["privateIPAddress"]
        assert any(ipaddress.ip_address(ip) in pep for pep in peps)
        ips[pe["name"]] = ip
    assert len(set(ips.values())) == len(pes)
    records = {(r["id"].split("/privateDnsZones/")[1].split("/")[0], r["name"]): r
               for r in _of(state, "Microsoft.Network/privateDnsZones/A")}
    (account,) = _of(state, "Microsoft.CognitiveServices/accounts")
    sub = account["properties"]["customSubDomainName"]
    assert account["properties"]["endpoint"] == f"https://{sub}.cognitiveservices.azure.com/"
    ai_ip = ips[f"pep-{account['name']}"]
    for zone_name in ("privatelink.cognitiveservices.azure.com", "privatelink.openai.azure.com",
                      "privatelink.services.ai.azure.com"):
        assert records[(zone_name, sub)]["properties"]["aRecords"] == [{"ipv4Address": ai_ip}]
    (search,) = _of(state, "Microsoft.Search/searchServices")
    assert search["properties"]["status"] == "running" and search["properties"]["provisioningState"] == "succeeded"
    assert search["properties"]["endpoint"] == f"https://{search['name']}.search.windows.net"
    assert records[("privatelink.search.windows.net", search["name"])]["properties"]["aRecords"][0][
        "ipv4Address"] == ips[f"pep-{search['name']}"]
    (site,) = _of(state, "Microsoft.Web/sites")
    assert site["properties"]["defaultHostName"] == f"{site['name']}.azurewebsites.net"
    assert records[("privatelink.azurewebsites.net", site["name"])]
    assert records[("privatelink.azurewebsites.net", f"{site['name']}.scm")]
    assert site["properties"]["httpsOnly"] is True
    links = subnets["snet-app"]["properties"]["serviceAssociationLinks"]
    assert links[0]["properties"]["link"].lower() == site["properties"]["serverFarmId"].lower()
    (appi,) = _of(state, "Microsoft.Insights/components")
    conn = appi["properties"]["ConnectionString"]
    assert conn.startswith(f"InstrumentationKey={appi['properties']['InstrumentationKey']};")
    assert "IngestionEndpoint=https://swedencentral-0.in.applicationinsights.azure.com/" in conn
    settings = zone.emu and requests.post(
        f"{zone.emu.url}{site['id']}/config/appsettings/list?api-version=2025-05-01",
        headers={"Authorization": f"Bearer {zone.emu.token}"}, verify=zone.emu.ca_file, timeout=30).json()
    assert settings["properties"]["APPLICATIONINSIGHTS_CONNECTION_STRING"] == conn
    assert settings["properties"]["AZURE_OPENAI_ENDPOINT"] == account["properties"]["endpoint"]
    # peerings both ways are connected and carry the remote address space
    peerings = _of(state, "Microsoft.Network/virtualNetworks/virtualNetworkPeerings")
    assert len(peerings) == 2 and {p["properties"]["peeringState"] for p in peerings} == {"Connected"}
    # the audit policies: a compliance scan finds the firewall subnet (no NSG, but exempt) compliant
    report = zone.admin("POST", "/policy/scan")
    assert report["summary"]["denied"] is False and report["summary"]["total"] > 0
    by_id = {r["resourceId"].lower(): r for r in report["resources"]}
    fw_subnet = by_id[subnets["AzureFirewallSubnet"]["id"].lower()]
    assert {r["complianceState"] for r in fw_subnet["results"]} == {"Compliant"}


def test_multi_spoke_converges(zone: Zone) -> None:
    state = _converge(zone, zone.graph_file(PLANS / "multi-spoke.yaml"))
    peerings = _of(state, "Microsoft.Network/virtualNetworks/virtualNetworkPeerings")
    assert len(peerings) == 6 and {p["properties"]["peeringState"] for p in peerings} == {"Connected"}
    (fw,) = _of(state, "Microsoft.Network/azureFirewalls")
    fw_ip = fw["properties"]["ipConfigurations"][0]["properties"]["privateIPAddress"]
    assert {r["properties"]["nextHopIpAddress"] for r in _of(state, "Microsoft.Network/routeTables/routes")} == {fw_ip}
    (account,) = _of(state, "Microsoft.CognitiveServices/accounts")
    assert account["kind"] == "OpenAI"
    assert account["properties"]["endpoint"] == f"https://{account['properties']['customSubDomainName']}.openai.azure.com/"
    usages = {u["name"]["value"]: u for u in zone.admin("GET", "/quota?location=swedencentral")["value"]}
    assert usages["OpenAI.GlobalStandard.gpt-4o-mini"]["currentValue"] == 20


HUB_WITH_GUARDRAILS = """\
name: guarded
location: swedencentral
teams:
  app-team: {principals: [33333333-3333-3333-3333-333333333333]}
hub:
  address_space: 10.50.0.0/20
  policy_assignments:
    - {definition: allowed-locations, parameters: {listOfAllowedLocations: [swedencentral]}, scope: spokes}
    - {definition: search-disable-public-access, effect: Deny, scope: spokes}
spokes:
  - name: app
    owner: app-team
    address_space: 10.51.0.0/24
resources:
"""

BREAKING = {
    "location": """\
  - {type: Microsoft.Network/networkSecurityGroups, name: nsg-elsewhere, api_version: "2024-05-01",
     resource_group: app, location: westeurope}
""",
    "search": """\
  - {type: Microsoft.Search/searchServices, name: srch-guarded-public, api_version: "2025-05-01",
     resource_group: app, sku: {name: basic}, properties: {publicNetworkAccess: enabled}}
""",
}


@pytest.mark.parametrize("breaks", sorted(BREAKING))
def test_hub_guardrails_deny_a_breaking_spoke(zone: Zone, breaks: str) -> None:
    base = HUB_WITH_GUARDRAILS.replace("resources:\n", "")
    assert zone.engine().apply(zone.graph_text(base)).exit_code == 0
    report = zone.engine().apply(zone.graph_text(HUB_WITH_GUARDRAILS + BREAKING[breaks]))
    assert report.exit_code != 0
    failed = [o for o in report.outcomes if o.error]
    assert len(failed) == 1 and "RequestDisallowedByPolicy" in str(failed[0].error)
    # the same request straight through the SDK: the real 403 shape
    clients = Clients(zone.emu)
    rg = "rg-guarded-app"
    with pytest.raises(HttpResponseError) as exc:
        if breaks == "location":
            clients.network.network_security_groups.begin_create_or_update(rg, "nsg-x", {"location": "westeurope"})
        else:
            clients.search.services.begin_create_or_update(
                rg, "srch-guarded-x", {"location": "swedencentral", "sku": {"name": "basic"},
                                       "properties": {"publicNetworkAccess": "enabled"}})
    err = exc.value
    assert err.status_code == 403 and err.error.code == "RequestDisallowedByPolicy"
    assert err.response.headers["x-ms-failure-cause"] == "gateway"
    body = err.response.json()["error"]
    (info,) = [a["info"] for a in body["additionalInfo"] if a["type"] == "PolicyViolation"]
    expected = {"location": "e56962a6-4747-49cd-b67b-bf8b01975c4c",
                "search": "ee980b6d-0eca-4501-8d54-f6290fd512c3"}[breaks]
    assert info["policyDefinitionId"] == f"/providers/Microsoft.Authorization/policyDefinitions/{expected}"
    assert info["policyAssignmentScope"].lower() == clients.resource.resource_groups.get(rg).id.lower()
    assert info["policyDefinitionEffect"] == "Deny"
    assert info["evaluationDetails"]["evaluatedExpressions"]
    assert body["target"] in ("nsg-x", "srch-guarded-x")
