"""The central Application Gateway (``hub.app_gateway``, plans/central-gateway.yaml): one platform
gateway publishing several spokes' apps by host name, converged, idempotent, verified; and the
plan error when a spoke also declares its own gateway for the same app."""

from __future__ import annotations

from tests.conftest import PLANS
from tests.e2e.day2_support import edited

CENTRAL = str(PLANS / "central-gateway.yaml")


def test_central_gateway_publishes_each_spoke_app_by_host_name(cli, emulator) -> None:
    code, report = cli.json("apply", CENTRAL)
    assert code == 0, [o["error"] for o in report["outcomes"] if o["error"]]
    resources = emulator.resources()
    gateways = {k: b for k, b in resources.items() if "/microsoft.network/applicationgateways/" in k
                and k.count("/") == 8}
    assert len(gateways) == 1 and "/resourcegroups/rg-contoso-central-hub/" in next(iter(gateways))
    gw = next(iter(gateways.values()))["properties"]
    listeners = {ls["name"]: ls["properties"]["hostNames"] for ls in gw["httpListeners"]}
    assert listeners == {"chat": ["chat.contoso.example"], "docs": ["docs.contoso.example"]}
    pools = {p["name"]: p["properties"]["backendAddresses"][0]["fqdn"] for p in gw["backendAddressPools"]}
    sites = {b["name"]: b["properties"]["defaultHostName"] for k, b in resources.items()
             if k.count("/") == 8 and "/microsoft.web/sites/" in k}
    assert sorted(pools.values()) == sorted(sites.values())
    assert [r["properties"]["priority"] for r in gw["requestRoutingRules"]] == [100, 110]
    # HTTPS on 443 for both, each with its certificate from the hub's vault, read by the gateway's identity
    vault = next(b for b in resources.values() if b.get("type") == "Microsoft.KeyVault/vaults")
    protocols = {ls["name"]: ls["properties"]["protocol"] for ls in gw["httpListeners"]}
    assert protocols == {"chat": "Https", "docs": "Https"}
    assert {c["name"]: c["properties"]["keyVaultSecretId"] for c in gw["sslCertificates"]} == {
        app: f"https://{vault['name']}.vault.azure.net/secrets/{app}-tls" for app in ("chat", "docs")}
    assert [p["properties"]["port"] for p in gw["frontendPorts"]] == [443]
    secrets = [k for k in resources if "/secrets/" in k and "/providers/" not in k.split("/secrets/")[1]]
    assert {k.rsplit("/", 1)[-1] for k in secrets} == {"chat-tls", "docs-tls"}
    # the gateway's identity reads each certificate at the secret's own scope, not the whole vault
    identity = next(b for b in resources.values() if b.get("type") == "Microsoft.ManagedIdentity/userAssignedIdentities"
                    and b["name"].endswith("-hub-agw"))["properties"]["principalId"]
    scopes = {b["properties"]["scope"].lower() for b in resources.values()
              if b.get("type") == "Microsoft.Authorization/roleAssignments"
              and b["properties"]["principalId"] == identity}
    assert scopes == set(secrets)
    nsg = next(b for k, b in resources.items() if k.endswith("/networksecuritygroups/nsg-contoso-central-hub-snet-agw"))
    ports = {p for r in nsg["properties"]["securityRules"] if r["properties"]["direction"] == "Inbound"
             for p in [r["properties"].get("destinationPortRange"), *r["properties"].get("destinationPortRanges", [])]}
    assert "443" in ports and "80" not in ports
    assert gw["gatewayIPConfigurations"][0]["properties"]["subnet"]["id"].lower().endswith("/subnets/snet-agw")
    assert not [k for k in resources if "/applicationgateways/agw-contoso-central-chat" in k]
    assert cli("plan", CENTRAL, "--detailed-exitcode").exit_code == 0
    code, verify = cli.json("verify", CENTRAL)
    assert code == 0, [c for c in verify["checks"] if c["status"] == "fail"]
    fronted = [c for c in verify["checks"] if c["name"] == "public-access" and "/sites/" in c["resource"]]
    assert len(fronted) == 2 and all("Application Gateway backend" in c["detail"] for c in fronted)


def test_a_spoke_cannot_have_its_own_gateway_and_the_central_one(cli, plan_file) -> None:
    text = (PLANS / "central-gateway.yaml").read_text(encoding="utf-8")
    both = edited(text, "    app_service: {sku: P1v3, capacity: 3}\n  - name: docs",
                  "    app_service: {sku: P1v3, capacity: 3}\n    app_gateway: {}\n  - name: docs")
    result = cli("validate", plan_file(both, "both.yaml"))
    assert result.exit_code == 1
    assert "declares its own app_gateway and relies on the central one" in result.output
    assert "both.yaml:24:" in result.output  # the central gateway's entry for that spoke


def test_an_existing_hub_gets_no_central_gateway(cli, plan_file) -> None:
    text = (PLANS / "existing-hub.yaml").read_text(encoding="utf-8")
    gateway = "  app_gateway: {apps: [{spoke: chat, host_name: chat.contoso.example}]}\n"
    with_gateway = edited(text, "  policy_assignments:", gateway + "  policy_assignments:")
    result = cli("validate", plan_file(with_gateway, "existing.yaml"))
    assert result.exit_code == 1 and "existing hub, which lzengine only reads" in result.output
