"""Busy parents: writes while an operation runs on the same family answer 409 like Azure."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError

from .conftest import Arm, Clients, FakeClock

VNET = {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}
SUBNET = {"properties": {"addressPrefix": "10.0.1.0/24"}}


@pytest.fixture
def slow(make_emu, clock: FakeClock) -> Arm:
    arm = Arm(make_emu(time_scale=1.0, clock=clock))
    arm.make_rg()
    return arm


def vnet_path(arm: Arm, name: str = "v") -> str:
    return arm.rg("rg1", f"/providers/Microsoft.Network/virtualNetworks/{name}")


def test_subnet_siblings_and_parent_conflict(slow: Arm, clock: FakeClock) -> None:
    arm = slow
    arm.put(vnet_path(arm), VNET)
    # the VNet is still Updating: a subnet write conflicts
    r = arm.put(vnet_path(arm) + "/subnets/a", SUBNET)
    assert r.status_code == 409
    err = r.json()["error"]
    assert err["code"] == "AnotherOperationInProgress"
    assert "To retrieve status of the operation use uri: https://" in err["message"]
    # another VNet is independent
    assert arm.put(vnet_path(arm, "other"), VNET).status_code == 201
    clock.advance(5)
    assert arm.put(vnet_path(arm) + "/subnets/a", SUBNET).status_code == 201
    # sibling subnet while a is Updating, and the parent itself
    sibling = arm.put(vnet_path(arm) + "/subnets/b", {"properties": {"addressPrefix": "10.0.2.0/24"}})
    assert sibling.status_code == 409 and sibling.json()["error"]["code"] == "AnotherOperationInProgress"
    assert arm.put(vnet_path(arm), VNET).status_code == 409
    assert arm.delete(vnet_path(arm) + "/subnets/a").status_code == 409
    clock.advance(3)
    assert arm.put(vnet_path(arm) + "/subnets/b", {"properties": {"addressPrefix": "10.0.2.0/24"}}).status_code == 201


def test_reads_are_never_blocked(slow: Arm) -> None:
    arm = slow
    arm.put(vnet_path(arm), VNET)
    assert arm.get(vnet_path(arm)).status_code == 200
    assert arm.get(vnet_path(arm) + "/subnets").status_code == 200


def test_cognitive_deployments_request_conflict(slow: Arm, clock: FakeClock) -> None:
    arm = slow
    acct = arm.rg("rg1", "/providers/Microsoft.CognitiveServices/accounts/acct")
    api = "2025-09-01"
    arm.put(acct, {"location": "eastus", "kind": "AIServices", "sku": {"name": "S0"}}, api=api)
    clock.advance(90)
    dep = {"sku": {"name": "Standard", "capacity": 1},
           "properties": {"model": {"format": "OpenAI", "name": "gpt-4o", "version": "2024-11-20"}}}
    r1 = arm.put(acct + "/deployments/d1", dep, api=api)
    assert r1.status_code == 201 and r1.json()["properties"]["provisioningState"] == "Accepted"
    r2 = arm.put(acct + "/deployments/d2", dep, api=api)
    assert r2.status_code == 409 and r2.json()["error"]["code"] == "RequestConflict"
    assert arm.put(acct, {"location": "eastus", "kind": "AIServices", "sku": {"name": "S0"}},
                   api=api).status_code == 409
    clock.advance(30)
    assert arm.put(acct + "/deployments/d2", dep, api=api).status_code == 201
    clock.advance(30)
    r = arm.put(acct, {"location": "eastus", "kind": "AIServices", "sku": {"name": "S0"}}, api=api)
    assert r.status_code == 200 and r.json()["properties"]["provisioningState"] == "Accepted"


def test_firewall_policy_rule_collection_groups_serialise(slow: Arm, clock: FakeClock) -> None:
    arm = slow
    pol = arm.rg("rg1", "/providers/Microsoft.Network/firewallPolicies/fp")
    arm.put(pol, {"location": "eastus"})
    clock.advance(10)
    assert arm.put(pol + "/ruleCollectionGroups/g1", {"properties": {"priority": 100}}).status_code == 201
    r = arm.put(pol + "/ruleCollectionGroups/g2", {"properties": {"priority": 200}})
    assert r.status_code == 409 and r.json()["error"]["code"] == "AnotherOperationInProgress"


def test_sdk_surfaces_the_code_on_409(make_emu, clock: FakeClock) -> None:
    emu = make_emu(time_scale=1.0, clock=clock)
    Arm(emu).make_rg()
    clients = Clients(emu)
    Arm(emu).put(Arm(emu).rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v"), VNET)
    with pytest.raises(HttpResponseError) as exc:
        clients.network.subnets.begin_create_or_update("rg1", "v", "a", SUBNET)
    assert exc.value.status_code == 409
    assert exc.value.error.code == "AnotherOperationInProgress"


def test_deleting_resource_group_rejects_writes(slow: Arm) -> None:
    arm = slow
    assert arm.delete(arm.rg("rg1"), api="2025-04-01").status_code == 202
    r = arm.put(vnet_path(arm), VNET)
    assert r.status_code == 409 and r.json()["error"]["code"] == "ResourceGroupBeingDeleted"
    assert arm.get(arm.rg("rg1"), api="2025-04-01").json()["properties"]["provisioningState"] == "Deleting"
