"""verify: each guardrail fails when it is broken through plain ARM, names what is wrong, and
passes again after apply."""

from __future__ import annotations

import json

import pytest

from tests.ops.helpers import REFERENCE, arm, edit, find


def checks_of(cli) -> tuple[int, list[dict]]:
    result = cli("verify", REFERENCE, "--output", "json")
    return result.exit_code, json.loads(result.stdout)["checks"]


def failing(checks: list[dict]) -> list[tuple[str, str]]:
    return [(c["name"], c["detail"]) for c in checks if c["status"] == "fail"]


def next_hop_moved(emulator) -> str:
    table = find(emulator, "/routetables/rt-contoso-ai-chat-egress")
    edit(emulator, table, "2024-05-01",
         lambda b: b["properties"]["routes"][0]["properties"].update(nextHopIpAddress="10.100.0.99"))
    return "egress-through-firewall"


def diagnostics_removed(emulator) -> str:
    setting = next(i for i in emulator.resources() if "/microsoft.search/searchservices/" in i
                   and i.endswith("/diagnosticsettings/to-log-contoso-ai-hub"))
    arm(emulator, "DELETE", setting, "2021-05-01-preview")
    return "diagnostics"


def zone_group_deleted(emulator) -> str:
    group = next(i for i in emulator.resources() if "/microsoft.search/" not in i
                 and i.endswith("/privatednszonegroups/default") and "/pep-srch" in i)
    arm(emulator, "DELETE", group, "2024-05-01")
    return "private-endpoint-dns"


def model_version_changed(emulator) -> str:
    deployment = find(emulator, "/deployments/gpt-4o")
    edit(emulator, deployment, "2025-06-01", lambda b: b["properties"]["model"].update(version="2024-08-06"))
    return "model-deployment"


def web_app_public(emulator) -> str:
    site = next(i for i in emulator.resources() if "/providers/microsoft.web/sites/" in i and i.count("/") == 8)
    edit(emulator, site, "2024-11-01", lambda b: b["properties"].update(publicNetworkAccess="Enabled"))
    return "public-access"


@pytest.mark.parametrize("breaking", [next_hop_moved, diagnostics_removed, zone_group_deleted,
                                      model_version_changed, web_app_public])
def test_a_broken_guardrail_fails_verify_until_apply(cli, emulator, breaking) -> None:
    assert cli.json("apply", REFERENCE)[0] == 0
    code, checks = checks_of(cli)
    assert code == 0, failing(checks)
    assert {c["name"] for c in checks} == {"private-endpoint-dns", "public-access", "egress-through-firewall",
                                          "diagnostics", "model-deployment", "policy-compliance",
                                          "foundry-project", "ai-gateway", "monitoring-agent"}
    name = breaking(emulator)

    code, checks = checks_of(cli)
    assert code == 2
    assert name in {n for n, _ in failing(checks)}, failing(checks)
    assert cli.json("apply", REFERENCE)[0] == 0
    code, checks = checks_of(cli)
    assert code == 0, failing(checks)


def test_details_say_what_is_wrong(cli, emulator) -> None:
    assert cli.json("apply", REFERENCE)[0] == 0
    next_hop_moved(emulator)
    model_version_changed(emulator)
    code, checks = checks_of(cli)
    details = dict(failing(checks))
    assert "10.100.0.99" in details["egress-through-firewall"] and "10.100.0.4" in details["egress-through-firewall"]
    assert "2024-08-06" in details["model-deployment"] and "2024-11-20" in details["model-deployment"]
    text = cli("verify", REFERENCE)
    assert text.exit_code == 2 and "FAIL egress-through-firewall" in text.stdout


AUDIT_PUBLIC_SEARCH = {"properties": {
    "policyType": "Custom", "mode": "Indexed", "displayName": "Audit Search services with public access",
    "policyRule": {
        "if": {"allOf": [{"field": "type", "equals": "Microsoft.Search/searchServices"},
                         {"field": "Microsoft.Search/searchServices/publicNetworkAccess", "equals": "enabled"}]},
        "then": {"effect": "audit"}}}}


def test_policy_compliance_fails_on_a_non_compliant_resource(cli, emulator) -> None:
    """The platform's own Audit assignment: re-enabling public access on Search through ARM is
    recorded non-compliant, PolicyInsights' summary says so, and apply makes it compliant again."""
    assert cli.json("apply", REFERENCE)[0] == 0
    sub = f"/subscriptions/{emulator.emu.subscription_id}"
    definition = f"{sub}/providers/Microsoft.Authorization/policyDefinitions/audit-public-search"
    arm(emulator, "PUT", definition, "2023-04-01", AUDIT_PUBLIC_SEARCH)
    arm(emulator, "PUT", f"{sub}/providers/Microsoft.Authorization/policyAssignments/audit-public-search",
        "2023-04-01", {"properties": {"policyDefinitionId": definition}})
    search = next(i for i in emulator.resources() if "/microsoft.search/searchservices/" in i and i.count("/") == 8)
    edit(emulator, search, "2025-05-01", lambda b: b["properties"].update(publicNetworkAccess="enabled"))
    code, checks = checks_of(cli)
    (compliance,) = [c for c in checks if c["name"] == "policy-compliance"]
    # the reference plan's own guardrails initiative (lzengine-ai-guardrails) flags the same Search service
    assert compliance["status"] == "fail" and \
        "1 non-compliant resource(s) under audit-public-search, lzengine-ai-guardrails" == compliance["detail"]
    assert cli.json("apply", REFERENCE)[0] == 0
    code, checks = checks_of(cli)
    assert code == 0, failing(checks)
