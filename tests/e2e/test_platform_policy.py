"""Issue 14, policy as code: custom policy definitions and initiatives from JSON files beside the
plan, and lzengine's own AI guardrails initiative, are created at subscription scope, assigned by
name, refused by the preflight and enforced by the emulator; bad files are errors at their file,
line and column."""

from __future__ import annotations

import json
from pathlib import Path

import requests

from tests.e2e.day2_support import REFERENCE, edited

DENY_PUBLIC_SEARCH = {
    "name": "deny-search-public-network",
    "properties": {
        "displayName": "Search services must not be public",
        "mode": "Indexed",
        "parameters": {"effect": {"type": "String", "allowedValues": ["Deny", "Audit"], "defaultValue": "Deny"}},
        "policyRule": {
            "if": {"allOf": [
                {"field": "type", "equals": "Microsoft.Search/searchServices"},
                {"field": "Microsoft.Search/searchServices/publicNetworkAccess", "notEquals": "disabled"},
            ]},
            "then": {"effect": "[parameters('effect')]"},
        },
    },
}
MY_INITIATIVE = {
    "name": "contoso-search-guardrails",
    "properties": {
        "displayName": "Contoso search guardrails",
        "policyDefinitions": [{"policyDefinitionReferenceId": "search-public",
                               "policyDefinitionId": "deny-search-public-network"}],
    },
}
GUARDRAILS = "    - {definition: lzengine-ai-guardrails, scope: spokes}"
ASSIGNMENTS = """    - {definition: contoso-search-guardrails, scope: spokes}
    - {definition: lzengine-ai-guardrails, effect: Deny, scope: spokes}"""
PUBLIC_SEARCH = """
resources:
  - type: Microsoft.Search/searchServices
    name: srch-contoso-public
    api_version: "2025-05-01"
    resource_group: chat
    sku: {name: basic}
    properties: {publicNetworkAccess: enabled, disableLocalAuth: true}
"""


def _policy_plan(tmp_path: Path, extra: str = "") -> str:
    folder = tmp_path / "policies"
    folder.mkdir(exist_ok=True)
    (folder / "deny-search-public.json").write_text(json.dumps(DENY_PUBLIC_SEARCH, indent=2), encoding="utf-8")
    (folder / "initiative.json").write_text(json.dumps(MY_INITIATIVE, indent=2), encoding="utf-8")
    text = edited(REFERENCE, GUARDRAILS, ASSIGNMENTS)  # the reference assigns the guardrails in Audit mode
    text = edited(text, "  policy_assignments:", "  policy_definitions: [policies/*.json]\n  policy_assignments:")
    path = tmp_path / "plan.yaml"
    path.write_text(text + extra, encoding="utf-8")
    return str(path)


def _arm(emulator, method: str, arm_id: str, api_version: str, body=None) -> requests.Response:
    emu = emulator.emu
    return requests.request(method, f"{emu.url}{arm_id}?api-version={api_version}", json=body,
                            headers={"Authorization": f"Bearer {emu.token}"}, verify=emu.ca_file, timeout=10)


def test_custom_definitions_are_created_assigned_and_enforced(cli, emulator, tmp_path) -> None:
    plan = _policy_plan(tmp_path)
    code, report = cli.json("apply", plan)
    assert code == 0, [o["error"] for o in report["outcomes"] if o["error"]]
    resources = emulator.resources()
    sub = emulator.emu.subscription_id
    base = f"/subscriptions/{sub}/providers/microsoft.authorization"
    for name in ("deny-search-public-network", "lzengine-ai-private-access", "lzengine-ai-no-local-auth",
                 "lzengine-ai-diagnostics"):
        assert resources[f"{base}/policydefinitions/{name}"]["properties"]["policyType"] == "Custom"
    initiative = resources[f"{base}/policysetdefinitions/contoso-search-guardrails"]
    assert initiative["properties"]["policyDefinitions"][0]["policyDefinitionId"].lower() == \
        f"{base}/policydefinitions/deny-search-public-network"
    assert f"{base}/policysetdefinitions/lzengine-ai-guardrails" in resources
    assigned = [b for k, b in resources.items() if k.endswith("/policyassignments/lzengine-ai-guardrails")]
    assert [b["properties"]["parameters"] for b in assigned] == [{"effect": {"value": "Deny"}}]

    # re-apply writes nothing
    code, again = cli.json("plan", plan)
    assert [c["address"] for c in again["changes"] if c["will_write"]] == []

    # the emulator enforces the custom definitions at request time
    chat = [k for k in resources if k.endswith("/resourcegroups/rg-contoso-ai-chat")][0]
    denied = _arm(emulator, "PUT", f"{chat}/providers/Microsoft.CognitiveServices/accounts/ai-contoso-open",
                  "2025-06-01", {"location": "swedencentral", "kind": "AIServices", "sku": {"name": "S0"},
                                 "properties": {"publicNetworkAccess": "Enabled", "disableLocalAuth": True,
                                                "customSubDomainName": "ai-contoso-open"}})
    assert denied.status_code == 403
    error = denied.json()["error"]
    assert error["code"] == "RequestDisallowedByPolicy"
    assert "lzengine-ai-private-access" in json.dumps(error)


def test_the_preflight_refuses_what_a_custom_definition_denies(cli, emulator, tmp_path) -> None:
    plan = _policy_plan(tmp_path, PUBLIC_SEARCH)
    result = cli("plan", plan, "--output", "json")
    assert result.exit_code == 1
    changes = {c["address"]: c for c in json.loads(result.stdout)["changes"]}
    refused = {a for a, c in changes.items() if c["disposition"] == "refused"}
    assert refused == {"resources.srch-contoso-public"}
    because = changes["resources.srch-contoso-public"]["not_written_because"]
    assert "disallowed by policy" in because and "deny-search-public-network" in because
    assert "lzengine-ai-private-access" in because  # the shipped initiative denies it too

    code, report = cli.json("apply", plan)
    assert code == 1
    failed = [o for o in report["outcomes"] if o["status"] == "failed"]
    assert [o["address"] for o in failed] == ["resources.srch-contoso-public"]
    assert not [k for k in emulator.resources() if k.endswith("/searchservices/srch-contoso-public")]


def _diagnostics(cli, plan: str) -> list[tuple[str, int, int, str]]:
    result = cli("validate", plan, "--output", "json")
    assert result.exit_code == 1
    return [(Path(d["file"]).name, d["line"], d["column"], d["code"])
            for d in json.loads(result.stdout)["diagnostics"]]


def test_bad_policy_files_are_errors_at_their_file_line_and_column(cli, tmp_path) -> None:
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "broken.json").write_text('{\n  "properties": {\n    "mode": "Indexed",\n    "policyRule": {,}\n  }\n}\n',
                                        encoding="utf-8")
    (folder / "bad-effect.json").write_text(json.dumps({"properties": {
        "mode": "Indexed",
        "policyRule": {"if": {"field": "type", "equals": "Microsoft.Search/searchServices"},
                       "then": {"effect": "Block"}}}}, indent=2), encoding="utf-8")
    (folder / "undeclared.json").write_text(json.dumps({"properties": {
        "mode": "Indexed",
        "policyRule": {"if": {"field": "location", "notIn": "[parameters('allowed')]"},
                       "then": {"effect": "Deny"}}}}, indent=2), encoding="utf-8")
    (folder / "set.json").write_text(json.dumps({"properties": {
        "policyDefinitions": [{"policyDefinitionId": "no-such-definition"}]}}, indent=2), encoding="utf-8")
    text = edited(REFERENCE, "  policy_assignments:",
                  "  policy_definitions: [policies/*.json, missing/*.json]\n  policy_assignments:")
    plan = tmp_path / "plan.yaml"
    plan.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  policy_definitions: [policies/*.json, missing/*.json]") + 1
    found = _diagnostics(cli, str(plan))
    assert sorted(found) == sorted([
        ("plan.yaml", line, 41, "io"),                      # the pattern that matches no file
        ("broken.json", 4, 20, "json"),                     # JSON syntax: where the parser stopped
        ("bad-effect.json", 10, 9, "invalid-value"),        # the effect key
        ("undeclared.json", 7, 9, "unresolved-reference"),  # the key whose value uses the parameter
        ("set.json", 5, 9, "unknown-policy"),               # the member's policyDefinitionId
    ])


def test_assignment_parameters_are_checked_against_the_custom_definition(cli, tmp_path) -> None:
    text = edited(REFERENCE, GUARDRAILS,
                  "    - {definition: lzengine-ai-guardrails, effect: Block, parameters: {colour: red}, scope: spokes}")
    plan = tmp_path / "plan.yaml"
    plan.write_text(text, encoding="utf-8")
    codes = [code for *_, code in _diagnostics(cli, str(plan))]
    assert codes == ["invalid-value", "invalid-value"]
