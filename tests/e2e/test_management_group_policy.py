"""``scope: management_group:<id>`` in a plan: resolved in ``plan`` (a missing group fails before any
write), assigned at the group, and counted by the policy preflight for the subscriptions below it
only; an assignment someone else made at a group above the plan's subscription is seen too.

Against a three-subscription emulator with the hub in the second subscription.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from lzengine.emulator import Emulator
from tests.conftest import Cli, EmulatorClient

SUB2 = "3f2d7a1c-5b8e-4c6d-9a0f-000000000002"
MG = "/providers/Microsoft.Management/managementGroups"
DENY_NSG = f"{MG}/corp/providers/Microsoft.Authorization/policyDefinitions/no-nsg"
PLAN = f"""\
name: mg-gov
location: swedencentral
hub:
  subscription: {SUB2}
  address_space: 10.0.0.0/22
  subnets: [{{name: snet-shared, size: 24}}]
  policy_assignments:
    - {{definition: {DENY_NSG}, name: corp-no-nsg, scope: "management_group:corp"}}
"""
ASSIGNMENT = "policy.corp-no-nsg.management_group.corp"
#: the plan after the platform took the assignment over: a new subnet (and NSG), no assignment of its own
GROWN = f"""\
name: mg-gov
location: swedencentral
hub:
  subscription: {SUB2}
  address_space: 10.0.0.0/22
  subnets: [{{name: snet-shared, size: 24}}, {{name: snet-more, size: 24}}]
  policy_assignments: []
"""


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


def test_management_group_policy_from_the_plan(cli: Cli, emulator: EmulatorClient, plan_file) -> None:
    plan = plan_file(PLAN)
    # the group does not exist: plan says so and exits 1; nothing is written
    emulator.reset_stats()
    code, document = cli.json("plan", plan)
    assert code == 1
    assert _failures(document) == {ASSIGNMENT: "ManagementGroupNotFound"}
    assert emulator.stats()["writes"] == 0
    # the platform's group, with the hub's subscription below it and a Deny definition at it
    assert _arm(emulator, "PUT", f"{MG}/corp", {"properties": {"displayName": "Corp"}}).status_code == 200
    assert _arm(emulator, "PUT", f"{MG}/corp/subscriptions/{SUB2}").status_code == 200
    rule = {"if": {"field": "type", "equals": "Microsoft.Network/networkSecurityGroups"}, "then": {"effect": "deny"}}
    assert _arm(emulator, "PUT", DENY_NSG, {"properties": {"mode": "All", "policyRule": rule}}).status_code == 201
    # the plan's own assignment at the group governs the hub's subscription: the preflight refuses the NSG
    code, document = cli.json("plan", plan)
    assert code == 1
    assert _failures(document) == {"hub.nsg.snet-shared": "RequestDisallowedByPolicy"}
    # with the subscription moved back to the root, the group governs nothing the plan writes
    assert _arm(emulator, "DELETE", f"{MG}/corp/subscriptions/{SUB2}").status_code == 200
    code, document = cli.json("plan", plan)
    assert code == 0 and _failures(document) == {}
    code, report = cli.json("apply", plan)
    assert code == 0, report
    resources = emulator.resources()
    assigned = f"{MG}/corp/providers/Microsoft.Authorization/policyAssignments/corp-no-nsg".lower()
    assert resources[assigned]["properties"]["policyDefinitionId"] == DENY_NSG
    assert all(k.startswith(f"/subscriptions/{SUB2}/") for k in resources if k.startswith("/subscriptions/"))
    emulator.reset_stats()
    code, report = cli.json("apply", plan)
    assert code == 0, report
    # the group's assignment is read back, not rewritten: only the run lock's record is written
    assert set(emulator.stats()["changes_by_type"]) == {"microsoft.network/privatednszones/txt"}
    # back under the group: the assignment now in force (listed in the subscription) refuses a new subnet's NSG
    assert _arm(emulator, "PUT", f"{MG}/corp/subscriptions/{SUB2}").status_code == 200
    code, document = cli.json("plan", plan_file(GROWN, "grown.yaml"))
    assert code == 1
    assert _failures(document) == {"hub.nsg.snet-more": "RequestDisallowedByPolicy"}
    refusal = next(c["failure"]["message"] for c in document["changes"] if c.get("failure"))
    assert "corp-no-nsg" in refusal
