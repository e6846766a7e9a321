"""The API Management AI gateway end to end: it converges private (internal VNet mode in its own
subnet with the NSG rules API Management needs, no keys: its identity holds Cognitive Services
OpenAI User), re-apply writes nothing, a gateway made public is found by ``drift`` and ``verify``
and repaired by ``apply``, and its creation time puts it on the critical path."""

from __future__ import annotations

import json
from pathlib import Path

from lzengine.compile import compile_plan
from lzengine.plan.loader import load_plan
from tests.e2e.day2_support import edited
from tests.ops.helpers import arm, edit, find

APIM_API = "2024-05-01"
GATEWAY = """\
name: contoso-ai
location: swedencentral
teams:
  chat-team: {principals: [22222222-2222-2222-2222-222222222222]}
hub:
  address_space: 10.100.0.0/16
  log_analytics: {}
  firewall: {}
spokes:
  - name: chat
    owner: chat-team
    address_space: 10.101.0.0/22
    ai:
      deployments:
        - {model: gpt-4o, version: "2024-11-20", sku: DataZoneStandard, capacity: 50}
        - {model: gpt-4o-mini, version: "2024-07-18", sku: GlobalStandard, capacity: 20}
    ai_gateway: {publisher_email: ai-platform@contoso.example}
"""
OPENAI_USER = "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd"


def test_gateway_converges_private_and_keyless_and_a_public_gateway_is_repaired(cli, emulator, plan_file) -> None:
    path = plan_file(GATEWAY)
    code, report = cli.json("apply", path)
    assert code == 0, [o["error"] for o in report["outcomes"] if o["error"]]
    resources = emulator.resources()
    service_id = find(emulator, "/providers/microsoft.apimanagement/service/" +
                      next(k for k in resources if "/microsoft.apimanagement/service/" in k).rsplit("/service/", 1)[1]
                      .split("/")[0])
    service = resources[service_id.lower()]
    assert service["properties"]["virtualNetworkType"] == "Internal"
    subnet_id = service["properties"]["virtualNetworkConfiguration"]["subnetResourceId"]
    assert subnet_id.lower().endswith("/subnets/snet-apim")
    subnet = resources[subnet_id.lower()]
    assert "routeTable" not in subnet["properties"]  # the management plane answers directly
    nsg = resources[subnet["properties"]["networkSecurityGroup"]["id"].lower()]
    inbound = {(r["properties"]["sourceAddressPrefix"], tuple(r["properties"]["destinationPortRanges"]))
               for r in nsg["properties"]["securityRules"] if r["properties"]["direction"] == "Inbound"}
    assert {("ApiManagement", ("3443",)), ("AzureLoadBalancer", ("6390",))} <= inbound
    children = sorted(k.split("/service/", 1)[1].split("/", 1)[1] for k in resources if k.startswith(
        service_id.lower() + "/") and "/providers/" not in k.split("/service/", 1)[1])
    assert children == ["apis/gpt-4o", "apis/gpt-4o-mini", "apis/gpt-4o-mini/operations/all",
                        "apis/gpt-4o-mini/policies/policy", "apis/gpt-4o/operations/all", "apis/gpt-4o/policies/policy",
                        "backends/gpt-4o", "backends/gpt-4o-mini"]
    policy = resources[f"{service_id.lower()}/apis/gpt-4o/policies/policy"]["properties"]["value"]
    assert 'backend-id="gpt-4o"' in policy and "authentication-managed-identity" in policy
    principal = service["identity"]["principalId"]
    assert [b for b in resources.values() if b.get("properties", {}).get("principalId") == principal
            and b["properties"].get("roleDefinitionId", "").endswith(OPENAI_USER)]
    assert any(k.startswith(service_id.lower() + "/providers/microsoft.insights/diagnosticsettings/")
               for k in resources)
    assert cli("plan", path, "--detailed-exitcode").exit_code == 0
    emulator.reset_stats()
    assert cli("apply", path).exit_code == 0
    assert emulator.stats()["changes_by_type"].get("microsoft.apimanagement/service", 0) == 0
    assert cli("verify", path).exit_code == 0

    # someone takes the gateway out of the VNet: a public gateway endpoint
    edit(emulator, service_id, APIM_API, lambda b: b["properties"].update(virtualNetworkType="External"))
    code, drift = cli.json("drift", path)
    assert code == 2 and [d["address"] for d in drift["drifted"]] == ["spokes.chat.ai_gateway"]
    assert [d["path"] for d in drift["drifted"][0]["diff"]] == ["properties.virtualNetworkType"]
    code, verify = cli.json("verify", path)
    failed = [c for c in verify["checks"] if c["status"] == "fail"]
    assert code == 2 and [c["name"] for c in failed] == ["ai-gateway"] and "public endpoint" in failed[0]["detail"]
    code, report = cli.json("apply", path)
    assert code == 0 and report["summary"]["update"] == 1, report["summary"]
    assert cli("verify", path).exit_code == 0

    # a backend removed by hand is recreated
    arm(emulator, "DELETE", f"{service_id}/backends/gpt-4o", APIM_API)
    assert cli("verify", path).exit_code == 2
    assert cli("apply", path).exit_code == 0 and cli("plan", path, "--detailed-exitcode").exit_code == 0


def test_the_gateway_is_on_the_critical_path(tmp_path) -> None:
    """API Management's creation (45 minutes in the classic tiers) is the longest chain of the plan.
    The spoke VNet resolves through the hub firewall's DNS proxy, so its DNS servers name the
    firewall's private IP and the chain runs firewall, VNet, subnet, gateway, then its APIs: a
    gateway injected into a VNet whose DNS server does not answer yet would fail to deploy."""
    plan_path = tmp_path / "gw.yaml"
    plan_path.write_text(GATEWAY, encoding="utf-8")
    graph = compile_plan(load_plan(plan_path), "00000000-0000-0000-0000-000000000000")
    finish: dict[str, float] = {}
    via: dict[str, str] = {}
    for address in graph.order():
        node = graph.nodes[address]
        start, before = max(((finish[d], d) for d in node.depends_on), default=(0.0, ""))
        finish[address], via[address] = start + node.kind.expected_s, before
    end = max(finish, key=finish.__getitem__)
    chain = [end]
    while via[chain[-1]]:
        chain.append(via[chain[-1]])
    assert chain.index("spokes.chat.ai_gateway") < chain.index("hub.firewall"), chain
    assert finish[end] >= 2700 + graph.nodes["hub.firewall"].kind.expected_s


def test_plan_errors_for_gateways(cli, plan_file) -> None:
    start, end = GATEWAY.index("    ai:\n"), GATEWAY.index("    ai_gateway:")
    no_ai = GATEWAY[:start] + GATEWAY[end:]
    result = cli("validate", plan_file(no_ai, "noai.yaml"))
    assert result.exit_code == 1 and "nothing to front" in result.output
    scaled = edited(GATEWAY, "{publisher_email: ai-platform@contoso.example}",
                    "{publisher_email: ai-platform@contoso.example, capacity: 2}")
    result = cli("validate", plan_file(scaled, "scaled.yaml"))
    assert result.exit_code == 1 and "exactly 1 unit" in result.output and "sku: Premium" in result.output
    standard = edited(GATEWAY, "{publisher_email: ai-platform@contoso.example}",
                      "{publisher_email: ai-platform@contoso.example, sku: Standard, app_insights: true}")
    result = cli("validate", plan_file(standard, "standard.yaml"))
    line = standard.splitlines().index(next(x for x in standard.splitlines() if "sku: Standard" in x)) + 1
    assert result.exit_code == 1 and "cannot be injected into a virtual network" in result.output
    assert "network: private_endpoint" in result.output and f"standard.yaml:{line}:" in result.output
    assert "Application Insights, which spoke 'chat' does not deploy" in result.output  # every problem at once
    big = edited(GATEWAY, "{publisher_email: ai-platform@contoso.example}",
                 "{publisher_email: ai-platform@contoso.example, sku: Standard, capacity: 5, "
                 "network: private_endpoint}")
    result = cli("validate", plan_file(big, "big.yaml"))
    assert result.exit_code == 1 and "Standard scales to 4 units at most" in result.output


def test_a_deleted_gateway_keeps_its_name_until_restored_or_purged(cli, emulator, plan_file) -> None:
    path = plan_file(GATEWAY)
    assert cli.json("apply", path)[0] == 0
    assert cli.json("destroy", path, "--yes")[0] == 0
    code, report = cli.json("apply", path)
    assert code == 1
    failed = [o for o in report["outcomes"] if o["status"] == "failed"]
    assert sorted((o["address"], o["error_code"]) for o in failed) == [  # the AI account is soft-deleted too
        ("spokes.chat.ai", "FlagMustBeSetForRestore"),
        ("spokes.chat.ai_gateway", "ServiceAlreadyExistsInSoftDeletedState")]
    gateway = next(o for o in failed if o["address"] == "spokes.chat.ai_gateway")
    assert gateway["attempts"] == 1 and "restore: true' under the ai_gateway" in gateway["hint"]

    restoring = plan_file(edited(edited(GATEWAY, "{publisher_email: ai-platform@contoso.example}",
                                        "{publisher_email: ai-platform@contoso.example, restore: true}"),
                                 "    ai:\n", "    ai:\n      restore: true\n"), "restore.yaml")
    code, report = cli.json("apply", restoring)
    assert code == 0, [o["error"] for o in report["outcomes"] if o["error"]]
    assert cli("plan", restoring, "--detailed-exitcode").exit_code == 0  # the flag is not drift
    assert cli("verify", restoring).exit_code == 0

    assert cli.json("destroy", restoring, "--yes", "--purge")[0] == 0
    assert not [k for k in emulator.resources() if "deletedservices" in k]
    assert cli.json("apply", path)[0] == 0  # the name is free again


LOGGED = GATEWAY + "    monitoring: {}\n"
PUBLISHER = "3913510d-42f4-4e42-8a64-420c390055eb"  # Monitoring Metrics Publisher


def test_internal_gateway_resolves_through_azure_api_net_and_logs_keyless_to_app_insights(cli, emulator,
                                                                                          plan_file) -> None:
    """Internal mode has no public DNS: the hub's azure-api.net zone gets the service's five host
    names at its private address, linked to the hub VNet (the spokes resolve through the
    firewall's DNS proxy). The logger authenticates with the gateway's identity; the component's
    connection string it carries is never printed, and Azure answers it masked, so re-apply and
    drift see nothing; a logger switched to key authentication is drift that apply repairs."""
    path = plan_file(LOGGED)
    code, report = cli.json("apply", path)
    assert code == 0, [o["error"] for o in report["outcomes"] if o["error"]]
    resources = emulator.resources()
    service_key = next(k for k in resources if k.endswith("/providers/microsoft.apimanagement/service/"
                                                         + k.rsplit("/", 1)[-1]) and "/service/apim-" in k)
    service = resources[service_key]
    name, private_ip = service["name"], service["properties"]["privateIPAddresses"][0]
    zone = next(k for k in resources if k.endswith("/privatednszones/azure-api.net"))
    records = {v["name"]: [r["ipv4Address"] for r in v["properties"]["aRecords"]]
               for k, v in resources.items() if k.startswith(zone + "/a/")}
    assert records == {f"{name}{s}": [private_ip] for s in ("", ".portal", ".developer", ".management", ".scm")}
    links = [v["properties"]["virtualNetwork"]["id"] for k, v in resources.items()
             if k.startswith(zone + "/virtualnetworklinks/")]
    assert len(links) == 1 and links[0].lower() == next(
        v["id"] for k, v in resources.items() if k.endswith("/virtualnetworks/" + k.rsplit("/", 1)[-1])
        and "-hub" in k.rsplit("/", 1)[-1]).lower()  # the hub VNet only: the spoke resolves through the proxy

    logger = resources[f"{service_key}/loggers/appinsights"]["properties"]
    component = next(v for k, v in resources.items() if "/microsoft.insights/components/" in k)
    secret = component["properties"]["ConnectionString"]
    assert logger["loggerType"] == "applicationInsights" and logger["resourceId"].lower() == component["id"].lower()
    assert logger["credentials"]["identityClientId"] == "SystemAssigned"
    assert logger["credentials"]["connectionString"].startswith("{{Logger-Credentials--")  # masked, as Azure
    diagnostic = resources[f"{service_key}/diagnostics/applicationinsights"]["properties"]
    assert diagnostic["loggerId"].lower().endswith("/loggers/appinsights")
    assert diagnostic["sampling"] == {"samplingType": "fixed", "percentage": 100.0}
    assert diagnostic["verbosity"] == "information"
    assert [b for b in resources.values() if b.get("properties", {}).get("principalId")
            == service["identity"]["principalId"] and b["properties"]["roleDefinitionId"].endswith(PUBLISHER)
            and b["id"].lower().startswith(component["id"].lower())]

    emulator.reset_stats()
    outputs = [cli("apply", path), cli("plan", path), cli("drift", path), cli("verify", path)]
    assert [r.exit_code for r in outputs] == [0, 0, 0, 0], outputs[-1].output
    # the run lock's TXT records aside, nothing is written
    assert {t: n for t, n in emulator.stats()["changes_by_type"].items() if not t.endswith("/txt")} == {}
    assert not [r for r in outputs if secret in r.output]
    assert secret not in str(report)

    # someone moves the logger to key authentication (no identity): drift, repaired by apply
    edit(emulator, f"{service_key}/loggers/appinsights", APIM_API,
         lambda b: b["properties"]["credentials"].pop("identityClientId"))
    code, drift = cli.json("drift", path)
    assert code == 2 and [d["address"] for d in drift["drifted"]] == ["spokes.chat.ai_gateway.logger"]
    assert secret not in json.dumps(drift)
    code, report = cli.json("apply", path)
    assert code == 0 and report["summary"]["update"] == 1 and secret not in json.dumps(report)

    # an A record pointed elsewhere fails verify and is repaired
    record = next(k for k in resources if k.startswith(zone + "/a/") and k.endswith(".scm"))
    edit(emulator, record, "2024-06-01", lambda b: b["properties"].update(aRecords=[{"ipv4Address": "10.9.9.9"}]))
    code, verify = cli.json("verify", path)
    failed = [c for c in verify["checks"] if c["status"] == "fail"]
    assert code == 2 and [c["name"] for c in failed] == ["ai-gateway"] and "10.9.9.9" in failed[0]["detail"]
    assert cli("apply", path).exit_code == 0 and cli("verify", path).exit_code == 0

    assert cli.json("destroy", path, "--yes", "--purge")[0] == 0
    left = [k for k in emulator.resources() if "apimanagement" in k or "azure-api.net" in k]
    assert left == []


ENDPOINT = edited(LOGGED, "{publisher_email: ai-platform@contoso.example}",
                  "{publisher_email: ai-platform@contoso.example, sku: StandardV2, network: private_endpoint}")


def test_a_private_endpoint_gateway_turns_public_access_off_once_its_endpoint_exists(cli, emulator,
                                                                                   plan_file) -> None:
    """Private-endpoint mode: not injected, an endpoint (group Gateway) in snet-pep resolved in the
    hub's privatelink.azure-api.net, and public network access off, written after the endpoint
    exists (Azure refuses it at creation). Re-apply writes nothing; public access turned back on is
    drift on the gateway's ``public_access`` and a verify failure, repaired by apply; destroy
    removes the service once."""
    path = plan_file(ENDPOINT)
    code, report = cli.json("apply", path)
    assert code == 0, [o["error"] for o in report["outcomes"] if o["error"]]
    resources = emulator.resources()
    service_key = next(k for k in resources if "/providers/microsoft.apimanagement/service/apim-" in k
                       and k.count("/") == 8)
    service = resources[service_key]["properties"]
    assert service["virtualNetworkType"] == "None" and service["publicNetworkAccess"] == "Disabled"
    assert not [k for k in resources if k.endswith("/subnets/snet-apim")]
    pep = next(v for k, v in resources.items() if "/privateendpoints/pep-apim-" in k and k.count("/") == 8)
    assert pep["properties"]["subnet"]["id"].lower().endswith("/subnets/snet-pep")
    assert pep["properties"]["privateLinkServiceConnections"][0]["properties"]["groupIds"] == ["Gateway"]
    zone = next(k for k in resources if k.endswith("/privatednszones/privatelink.azure-api.net"))
    assert [v["name"] for k, v in resources.items() if k.startswith(zone + "/a/")] == [service_key.rsplit("/", 1)[1]]
    assert not [k for k in resources if k.endswith("/privatednszones/azure-api.net")]
    order = [o["address"] for o in report["outcomes"]]
    assert order.index("spokes.chat.ai_gateway.pep") < order.index("spokes.chat.ai_gateway.public_access")

    emulator.reset_stats()
    assert cli("plan", path, "--detailed-exitcode").exit_code == 0
    assert cli("apply", path).exit_code == 0 and cli("verify", path).exit_code == 0
    assert {t: n for t, n in emulator.stats()["changes_by_type"].items() if not t.endswith("/txt")} == {}

    edit(emulator, service_key, APIM_API, lambda b: b["properties"].update(publicNetworkAccess="Enabled"))
    code, drift = cli.json("drift", path)
    assert code == 2 and [d["address"] for d in drift["drifted"]] == ["spokes.chat.ai_gateway.public_access"]
    code, verify = cli.json("verify", path)
    failed = [c for c in verify["checks"] if c["status"] == "fail"]
    assert code == 2 and [c["name"] for c in failed] == ["ai-gateway"] and "from the internet" in failed[0]["detail"]
    code, report = cli.json("apply", path)
    assert code == 0 and report["summary"]["update"] == 1, report["summary"]
    assert emulator.resources()[service_key]["properties"]["publicNetworkAccess"] == "Disabled"

    code, report = cli.json("destroy", path, "--yes", "--purge")
    assert code == 0, [o["error"] for o in report["outcomes"] if o["error"]]
    assert not [k for k in emulator.resources() if "apimanagement" in k or "azure-api.net" in k]


def test_a_central_gateway_behind_a_private_endpoint_compiles_into_the_hub(tmp_path) -> None:
    """The hub's gateway in private-endpoint mode: no snet-apim, a snet-pep in the hub for its
    endpoint, the zone privatelink.azure-api.net, and the public-access write after the endpoint."""
    text = (Path(__file__).parents[2] / "plans" / "central-gateway.yaml").read_text(encoding="utf-8")
    text = edited(text, "ai_gateway: {sku: Developer,", "ai_gateway: {sku: Standard, network: private_endpoint,")
    plan_path = tmp_path / "central.yaml"
    plan_path.write_text(text, encoding="utf-8")
    graph = compile_plan(load_plan(plan_path), "00000000-0000-0000-0000-000000000000")
    assert "hub.subnet.snet-apim" not in graph.nodes and "hub.subnet.snet-pep" in graph.nodes
    pep = graph.nodes["hub.ai_gateway.pep"]
    assert pep.body["properties"]["subnet"]["id"].endswith("/subnets/snet-pep") and pep.owner == "platform"
    assert "hub.dns_zone.privatelink.azure-api.net" in graph.nodes["hub.ai_gateway.pep.dns"].depends_on
    access = graph.nodes["hub.ai_gateway.public_access"]
    assert access.arm_id == graph.nodes["hub.ai_gateway"].arm_id and access.kind.setting
    assert "hub.ai_gateway.pep" in access.depends_on
    assert access.body["properties"]["publicNetworkAccess"] == "Disabled"
    assert "publicNetworkAccess" not in graph.nodes["hub.ai_gateway"].body["properties"]
