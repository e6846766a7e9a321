"""Issue 14, policy definitions at a management group (as Azure landing zones keep them, at the
intermediate root): ``hub.policy_definitions: [{path, scope: management_group:<id>}]`` creates
definitions and initiatives under the group, assignable at the group and at every subscription
below it; the preflight and the emulator evaluate them; a definition used outside its scope is
refused by ``plan`` before any write and by the emulator as Azure answers.

Against a three-subscription emulator: the hub in the second subscription, under group ``corp``,
and a spoke in the third, under a group below ``corp``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from lzengine.emulator import Emulator
from tests.conftest import Cli, EmulatorClient

SUB2 = "3f2d7a1c-5b8e-4c6d-9a0f-000000000002"
SUB3 = "3f2d7a1c-5b8e-4c6d-9a0f-000000000003"
MG = "/providers/Microsoft.Management/managementGroups"
AUTH = "providers/Microsoft.Authorization"
DENY_PUBLIC_IP = {
    "name": "deny-public-ip",
    "properties": {
        "displayName": "No public IP addresses",
        "mode": "All",
        "parameters": {"effect": {"type": "String", "allowedValues": ["Audit", "Deny", "Disabled"],
                                  "defaultValue": "Audit"}},
        "policyRule": {"if": {"field": "type", "equals": "Microsoft.Network/publicIPAddresses"},
                       "then": {"effect": "[parameters('effect')]"}},
    },
}
INITIATIVE = {
    "name": "corp-network",
    "properties": {
        "displayName": "Corp network guardrails",
        "parameters": {"effect": {"type": "String", "defaultValue": "Audit"}},
        "policyDefinitions": [{"policyDefinitionReferenceId": "no-pip", "policyDefinitionId": "deny-public-ip",
                               "parameters": {"effect": {"value": "[parameters('effect')]"}}}],
    },
}
PLAN = f"""\
name: mg-defs
location: swedencentral
hub:
  subscription: {SUB2}
  address_space: 10.0.0.0/22
  subnets: [{{name: snet-shared, size: 24}}]
  policy_definitions: [{{path: "policies/*.json", scope: "management_group:corp"}}]
  policy_assignments:
    - {{definition: corp-network, scope: hub, parameters: {{effect: Deny}}}}
    - {{definition: deny-public-ip, scope: "management_group:corp"}}
"""
#: the plan with a spoke in a third subscription, two levels below the group, under the initiative too
WITH_SPOKE = PLAN.replace("hub:\n", "teams:\n  app-team: {principals: [22222222-2222-2222-2222-222222222222]}\n"
                          "hub:\n").replace("scope: hub, parameters", "scope: zone, parameters") + f"""\
spokes:
  - {{name: app, owner: app-team, subscription: {SUB3}, address_space: 10.1.0.0/22,
     subnets: [{{name: snet-app, size: 24}}]}}
"""
DEFINITIONS = ("policy_definition.deny-public-ip", "policy_definition.corp-network")


@pytest.fixture
def emulator() -> Iterator[EmulatorClient]:
    with Emulator(time_scale=0.0, throttle="off", subscriptions=3) as emu:
        yield EmulatorClient(emu)


def _arm(emulator: EmulatorClient, method: str, path: str, body: Any = None) -> requests.Response:
    emu = emulator.emu
    return requests.request(method, f"{emu.url}{path}", params={"api-version": "2023-04-01"}, json=body,
                            headers={"Authorization": f"Bearer {emu.token}"}, verify=emu.ca_file, timeout=10)


def _failures(document: dict[str, Any]) -> dict[str, str]:
    return {c["address"]: c["failure"]["code"] for c in document["changes"] if c.get("failure")}


def _plan(tmp_path: Path, text: str = PLAN, name: str = "plan.yaml") -> str:
    folder = tmp_path / "policies"
    folder.mkdir(exist_ok=True)
    for body in (DENY_PUBLIC_IP, INITIATIVE):
        (folder / f"{body['name']}.json").write_text(json.dumps(body, indent=2), encoding="utf-8")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_definitions_at_a_management_group_are_created_assigned_and_evaluated(
        cli: Cli, emulator: EmulatorClient, tmp_path: Path) -> None:
    plan = _plan(tmp_path, WITH_SPOKE)
    # the group does not exist yet: plan says so for each definition, exits 1 and writes nothing
    emulator.reset_stats()
    code, document = cli.json("plan", plan)
    assert code == 1
    failures = _failures(document)
    assert {failures[a] for a in DEFINITIONS} == {"ManagementGroupNotFound"}
    assert emulator.stats()["writes"] == 0

    # the platform's intermediate root, with the hub's subscription below it
    assert _arm(emulator, "PUT", f"{MG}/corp", {"properties": {"displayName": "Corp"}}).status_code == 200
    assert _arm(emulator, "PUT", f"{MG}/corp/subscriptions/{SUB2}").status_code == 200
    child = {"properties": {"displayName": "Corp landing zones", "details": {"parent": {"id": f"{MG}/corp"}}}}
    assert _arm(emulator, "PUT", f"{MG}/corp-landing-zones", child).status_code == 200
    assert _arm(emulator, "PUT", f"{MG}/corp-landing-zones/subscriptions/{SUB3}").status_code == 200
    code, report = cli.json("apply", plan)
    assert code == 0, [o["error"] for o in report["outcomes"] if o["error"]]
    resources = emulator.resources()
    definition = f"{MG}/corp/{AUTH}/policyDefinitions/deny-public-ip"
    initiative = f"{MG}/corp/{AUTH}/policySetDefinitions/corp-network"
    assert resources[definition.lower()]["properties"]["policyType"] == "Custom"
    (member,) = resources[initiative.lower()]["properties"]["policyDefinitions"]
    assert member["policyDefinitionId"].lower() == definition.lower()  # the bare name became the group's id
    hub_assignment = f"/subscriptions/{SUB2}/resourcegroups/rg-mg-defs-hub/{AUTH}/policyassignments/corp-network"
    spoke_assignment = f"/subscriptions/{SUB3}/resourcegroups/rg-mg-defs-app/{AUTH}/policyassignments/corp-network"
    for assignment in (hub_assignment, spoke_assignment):  # the same initiative, in both subscriptions below
        assert resources[assignment.lower()]["properties"]["policyDefinitionId"].lower() == initiative.lower()
    group_assignment = f"{MG}/corp/{AUTH}/policyAssignments/deny-public-ip"
    assert resources[group_assignment.lower()]["properties"]["policyDefinitionId"].lower() == definition.lower()
    assert not [k for k in resources if k.startswith(f"/subscriptions/{SUB2}/{AUTH}/policy".lower())]

    # the second apply reads them back and writes nothing but its run lock's record
    emulator.reset_stats()
    code, report = cli.json("apply", plan)
    assert code == 0
    assert set(emulator.stats()["changes_by_type"]) == {"microsoft.network/privatednszones/txt"}

    # the preflight evaluates the group's initiative as assigned to the hub: Bastion's public IP is refused
    shared = "  subnets: [{name: snet-shared"
    grown = _plan(tmp_path, WITH_SPOKE.replace(shared, "  bastion: {}\n" + shared), "grown.yaml")
    code, document = cli.json("plan", grown)
    assert code == 1
    assert _failures(document) == {"hub.bastion.pip": "RequestDisallowedByPolicy"}
    # and the emulator enforces it at request time, naming the assignment
    denied = _arm(emulator, "PUT", f"/subscriptions/{SUB2}/resourceGroups/rg-mg-defs-hub/providers/"
                  "Microsoft.Network/publicIPAddresses/pip-by-hand",
                  {"location": "swedencentral", "sku": {"name": "Standard"}})
    assert denied.status_code == 403 and "corp-network" in denied.text
    denied = _arm(emulator, "PUT", f"/subscriptions/{SUB3}/resourceGroups/rg-mg-defs-app/providers/"
                  "Microsoft.Network/publicIPAddresses/pip-by-hand",
                  {"location": "swedencentral", "sku": {"name": "Standard"}})
    assert denied.status_code == 403 and "corp-network" in denied.text

    # the group's own assignment dropped from the plan: --prune deletes it from the group (it is recorded
    # in the control zone like any extension resource), and leaves the definitions the plan still has
    group_assignment_line = '    - {definition: deny-public-ip, scope: "management_group:corp"}\n'
    assert group_assignment_line in WITH_SPOKE
    pruned = _plan(tmp_path, WITH_SPOKE.replace(group_assignment_line, ""), "pruned.yaml")
    code, report = cli.json("apply", pruned, "--prune", "--yes")
    assert code == 0, report
    assert [o["id"].lower() for o in report["outcomes"] if o["action"] == "delete"] == [group_assignment.lower()]
    assert definition.lower() in emulator.resources() and group_assignment.lower() not in emulator.resources()

    # destroy removes the definitions and assignments from the group too
    code, report = cli.json("destroy", plan, "--yes")
    assert code == 0, report
    left = [k for k in emulator.resources() if k.startswith(f"{MG}/corp/providers/".lower())]
    assert left == []


def test_a_definition_outside_its_scope_is_refused_by_plan_and_by_azure(
        cli: Cli, emulator: EmulatorClient, tmp_path: Path) -> None:
    assert _arm(emulator, "PUT", f"{MG}/corp", {"properties": {"displayName": "Corp"}}).status_code == 200
    assert _arm(emulator, "PUT", f"{MG}/corp/subscriptions/{SUB2}").status_code == 200
    child = {"properties": {"displayName": "Corp child", "details": {"parent": {"id": f"{MG}/corp"}}}}
    assert _arm(emulator, "PUT", f"{MG}/corp-child", child).status_code == 200
    rule = DENY_PUBLIC_IP["properties"]
    at_corp = f"{MG}/corp/{AUTH}/policyDefinitions/deny-public-ip"
    at_child = f"{MG}/corp-child/{AUTH}/policyDefinitions/child-only"
    assert _arm(emulator, "PUT", at_corp, {"properties": rule}).status_code == 201
    assert _arm(emulator, "PUT", at_child, {"properties": rule}).status_code == 201

    # Azure: an assignment in a subscription outside the group (SUB3 sits under the root) is out of scope
    outside = _arm(emulator, "PUT", f"/subscriptions/{SUB3}/{AUTH}/policyAssignments/x",
                   {"properties": {"policyDefinitionId": at_corp}})
    assert outside.status_code == 400
    assert outside.json()["error"]["code"] == "InvalidCreatePolicyAssignmentRequest"
    assert "out of scope" in outside.json()["error"]["message"]
    inside = _arm(emulator, "PUT", f"/subscriptions/{SUB2}/{AUTH}/policyAssignments/x",
                  {"properties": {"policyDefinitionId": at_corp}})
    assert inside.status_code == 201
    # an initiative at a group may use definitions at that group or above, not below
    members = {"policyDefinitions": [{"policyDefinitionId": at_child}]}
    refused = _arm(emulator, "PUT", f"{MG}/corp/{AUTH}/policySetDefinitions/s", {"properties": members})
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "InvalidCreatePolicySetDefinitionRequest"
    assert "child-only" in refused.json()["error"]["message"]
    members = {"policyDefinitions": [{"policyDefinitionId": at_corp}, {"policyDefinitionId": at_child}]}
    assert _arm(emulator, "PUT", f"{MG}/corp-child/{AUTH}/policySetDefinitions/s",
                {"properties": members}).status_code == 201

    # plan refuses the same before any write: a landing zone in SUB3 assigning the group's definition
    text = PLAN.replace(SUB2, SUB3).replace("name: mg-defs", "name: mg-outside")
    emulator.reset_stats()
    code, document = cli.json("plan", _plan(tmp_path, text))
    assert code == 1
    assert _failures(document) == {"policy.corp-network.hub": "InvalidCreatePolicyAssignmentRequest"}
    message = next(c["failure"]["message"] for c in document["changes"] if c.get("failure"))
    assert "out of scope" in message and "managementGroups/corp" in message
    assert emulator.stats()["writes"] == 0


def test_scope_mistakes_a_plan_shows_offline(cli: Cli, tmp_path: Path) -> None:
    # a definition created at the subscription cannot be assigned at a group above it
    text = PLAN.replace('[{path: "policies/*.json", scope: "management_group:corp"}]', "[policies/*.json]")
    result = cli("validate", _plan(tmp_path, text))
    assert result.exit_code == 1
    assert "'deny-public-ip' is created at the subscription and cannot be assigned at a management group" \
        in result.output
    # an initiative at a group whose member file is created at the subscription, below it
    text = PLAN.replace('[{path: "policies/*.json", scope: "management_group:corp"}]',
                        '[policies/deny-public-ip.json, {path: policies/corp-network.json, '
                        'scope: "management_group:corp"}]')
    result = cli("validate", _plan(tmp_path, text, "split.yaml"))
    assert result.exit_code == 1
    assert "corp-network.json:" in result.output and "InvalidCreatePolicySetDefinitionRequest" in result.output
    # a scope that is neither the subscription nor a group id
    result = cli("validate", _plan(tmp_path, PLAN.replace('scope: "management_group:corp"}]', 'scope: corp}]'),
                                   "bad.yaml"))
    assert result.exit_code == 1 and "management_group:<group id>" in result.output
