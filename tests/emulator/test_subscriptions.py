"""Many subscriptions in one emulator: ids, listing, isolation, per-subscription registrations,
throttling and roles, cross-subscription references, and management groups with inherited policy.

One three-subscription emulator serves the module (each test uses its own resource group names);
the throttling test starts its own, throttled one. Everything goes through the typed SDK clients
where the SDK has the operation, else raw HTTPS.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError

from lzengine.emulator import Emulator
from lzengine.emulator.context import TENANT_ID
from lzengine.emulator.subscriptions import DEFAULT_SUBSCRIPTION_ID, subscription_ids
from tests.emulator.conftest import Arm, FakeClock, StaticCredential, client_kwargs

RG_API = "2025-04-01"
MG_API = "2023-04-01"
SUB2 = "3f2d7a1c-5b8e-4c6d-9a0f-000000000002"
SUB3 = "3f2d7a1c-5b8e-4c6d-9a0f-000000000003"
MG = "/providers/Microsoft.Management/managementGroups"
DEFS = "/providers/Microsoft.Authorization/policyDefinitions"


@pytest.fixture(scope="module")
def emu3() -> Iterator[Emulator]:
    emu = Emulator(time_scale=0.0, throttle="off", subscriptions=3).start()
    yield emu
    emu.stop()


@pytest.fixture(scope="module")
def arm3(emu3: Emulator) -> Arm:
    return Arm(emu3)


def network(emu: Emulator, sub: str, token: str | None = None) -> Any:
    from azure.mgmt.network import NetworkManagementClient

    return NetworkManagementClient(StaticCredential(token or emu.token), sub, **client_kwargs(emu))


def resources(emu: Emulator, sub: str, token: str | None = None) -> Any:
    from azure.mgmt.resource.resources import ResourceManagementClient

    return ResourceManagementClient(StaticCredential(token or emu.token), sub, **client_kwargs(emu))


def policy(emu: Emulator, sub: str) -> Any:
    from azure.mgmt.resource.policy import PolicyClient

    return PolicyClient(StaticCredential(emu.token), sub, **client_kwargs(emu))


def groups(emu: Emulator) -> Any:
    from azure.mgmt.managementgroups import ManagementGroupsMgmtClient

    return ManagementGroupsMgmtClient(StaticCredential(emu.token), **client_kwargs(emu))


def vnet_body(prefix: str) -> dict[str, Any]:
    return {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": [prefix]}}}


def error(call: Any) -> HttpResponseError:
    with pytest.raises(HttpResponseError) as info:
        call()
    return info.value


def test_ids_are_deterministic() -> None:
    assert subscription_ids(3) == [DEFAULT_SUBSCRIPTION_ID, SUB2, SUB3]
    assert subscription_ids(1) == [DEFAULT_SUBSCRIPTION_ID]
    with pytest.raises(ValueError, match="between 1 and"):
        subscription_ids(0)
    with pytest.raises(ValueError, match="GUID"):
        Emulator(subscriptions=["not-a-guid"])


def test_serve_ready_line_lists_the_subscriptions(tmp_path: Any) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "lzengine", "emulator", "serve", "--subscriptions", "3",
                             "--time-scale", "0"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert info["subscriptions"] == subscription_ids(3)
    assert info["subscription_id"] == info["subscriptions"][0] == DEFAULT_SUBSCRIPTION_ID


def test_each_subscription_is_its_own_namespace(emu3: Emulator, arm3: Arm) -> None:
    listed = arm3.get("/subscriptions", api=RG_API).json()["value"]
    assert [s["subscriptionId"] for s in listed] == subscription_ids(3)
    assert len({s["displayName"] for s in listed}) == 3
    assert arm3.get(f"/subscriptions/{SUB3}", api=RG_API).json()["subscriptionId"] == SUB3
    for sub, prefix in ((DEFAULT_SUBSCRIPTION_ID, "10.1.0.0/16"), (SUB2, "10.2.0.0/16")):
        resources(emu3, sub).resource_groups.create_or_update("iso", {"location": "eastus"})
        network(emu3, sub).virtual_networks.begin_create_or_update(
            "iso", "vnet", vnet_body(prefix)).result()
    # same names, two resources: each subscription keeps its own
    spoke_vnet = network(emu3, SUB2).virtual_networks.get("iso", "vnet")
    assert spoke_vnet.address_space.address_prefixes == ["10.2.0.0/16"]
    assert network(emu3, DEFAULT_SUBSCRIPTION_ID).virtual_networks.get(
        "iso", "vnet").address_space.address_prefixes == ["10.1.0.0/16"]
    err = error(lambda: network(emu3, SUB3).virtual_networks.get("iso", "vnet"))
    assert err.error.code == "ResourceGroupNotFound"
    unknown = "3f2d7a1c-5b8e-4c6d-9a0f-000000000009"
    err = error(lambda: resources(emu3, unknown).resource_groups.create_or_update("iso", {"location": "eastus"}))
    assert (err.status_code, err.error.code) == (404, "SubscriptionNotFound")
    # a long-running operation is polled through its own subscription
    ops = network(emu3, SUB2).virtual_networks.begin_delete("iso", "vnet")
    assert SUB2 in (ops.polling_method()._initial_response.http_response.headers.get("Azure-AsyncOperation") or "")
    ops.result()


def test_provider_registrations_are_per_subscription(emu3: Emulator, arm3: Arm) -> None:
    arm3.admin("PUT", "/providers/Microsoft.Search",
               {"registrationState": "NotRegistered", "subscription": SUB3})
    r = arm3.get(f"/subscriptions/{SUB3}/providers/Microsoft.Search", api=RG_API)
    assert r.json()["registrationState"] == "NotRegistered"
    assert arm3.get(f"/subscriptions/{SUB2}/providers/Microsoft.Search",
                    api=RG_API).json()["registrationState"] == "Registered"
    resources(emu3, SUB3).resource_groups.create_or_update("reg", {"location": "eastus"})
    r = arm3.put(f"/subscriptions/{SUB3}/resourceGroups/reg/providers/Microsoft.Search/searchServices/s3reg",
                 {"location": "eastus", "sku": {"name": "basic"}}, api="2025-05-01")
    assert r.json()["error"]["code"] == "MissingSubscriptionRegistration"
    r = arm3.call("POST", f"/subscriptions/{SUB3}/providers/Microsoft.Search/register", api=RG_API)
    assert r.json()["registrationState"] == "Registered"


def test_a_principal_with_rights_on_one_subscription_cannot_touch_another(emu3: Emulator, arm3: Arm) -> None:
    p = arm3.admin("POST", "/principals", {"name": "sub2-team", "role": "Contributor",
                                            "scope": f"/subscriptions/{SUB2}"})
    token = p["token"]
    listed = arm3.get("/subscriptions", api=RG_API, token=token).json()["value"]
    assert [s["subscriptionId"] for s in listed] == [SUB2]  # filtered as Azure does
    resources(emu3, SUB2, token).resource_groups.create_or_update("team", {"location": "eastus"})
    for sub in (DEFAULT_SUBSCRIPTION_ID, SUB3):
        err = error(lambda s=sub: resources(emu3, s, token).resource_groups.create_or_update(
            "team", {"location": "eastus"}))
        assert (err.status_code, err.error.code) == (403, "AuthorizationFailed")
        assert f"/subscriptions/{sub}" in err.error.message
        err = error(lambda s=sub: list(network(emu3, s, token).virtual_networks.list_all()))
        assert err.status_code == 403
    # a Reader on one resource group of SUB3 sees that subscription listed too, and nothing else
    resources(emu3, SUB3).resource_groups.create_or_update("readable", {"location": "eastus"})
    reader = arm3.admin("POST", "/principals", {"name": "rg-reader", "role": "Reader",
                                                 "scope": f"/subscriptions/{SUB3}/resourceGroups/readable"})
    listed = arm3.get("/subscriptions", api=RG_API, token=reader["token"]).json()["value"]
    assert [s["subscriptionId"] for s in listed] == [SUB3]


def test_cross_subscription_references_are_checked(emu3: Emulator, arm3: Arm) -> None:
    hub, spoke = DEFAULT_SUBSCRIPTION_ID, SUB2
    for sub, prefix in ((hub, "10.10.0.0/16"), (spoke, "10.20.0.0/16")):
        resources(emu3, sub).resource_groups.create_or_update("xref", {"location": "eastus"})
        network(emu3, sub).virtual_networks.begin_create_or_update(
            "xref", "vnet", vnet_body(prefix)).result()
    hub_vnet = network(emu3, hub).virtual_networks.get("xref", "vnet")
    missing = hub_vnet.id.replace("/virtualNetworks/vnet", "/virtualNetworks/nothing")
    # a missing remote VNet in another subscription: Azure's code for it
    err = error(lambda: network(emu3, spoke).virtual_network_peerings.begin_create_or_update(
        "xref", "vnet", "to-hub", {"properties": {"remoteVirtualNetwork": {"id": missing}}}).result())
    assert (err.status_code, err.error.code) == (400, "InvalidGlobalResourceReference")
    # an existing one peers across subscriptions, both ways
    spoke_vnet = network(emu3, spoke).virtual_networks.get("xref", "vnet")
    for sub, remote in ((spoke, hub_vnet.id), (hub, spoke_vnet.id)):
        network(emu3, sub).virtual_network_peerings.begin_create_or_update(
            "xref", "vnet", "peer", {"properties": {"remoteVirtualNetwork": {"id": remote}}}).result()
    assert network(emu3, spoke).virtual_network_peerings.get("xref", "vnet", "peer").peering_state == "Connected"
    # a subnet's route table must be in the VNet's subscription
    rt = network(emu3, hub).route_tables.begin_create_or_update("xref", "rt", {"location": "eastus"}).result()
    err = error(lambda: network(emu3, spoke).subnets.begin_create_or_update(
        "xref", "vnet", "app", {"properties": {"addressPrefix": "10.20.1.0/24", "routeTable": {"id": rt.id}}}).result())
    assert (err.status_code, err.error.code) == (400, "InvalidResourceReference")
    own = network(emu3, spoke).route_tables.begin_create_or_update("xref", "rt", {"location": "eastus"}).result()
    network(emu3, spoke).subnets.begin_create_or_update(
        "xref", "vnet", "app", {"properties": {"addressPrefix": "10.20.1.0/24", "routeTable": {"id": own.id}}}).result()
    # the caller needs peer/action on the remote VNet in ITS subscription
    p = arm3.admin("POST", "/principals", {"name": "spoke-only", "role": "Network Contributor",
                                            "scope": f"/subscriptions/{spoke}"})
    err = error(lambda: network(emu3, spoke, p["token"]).virtual_network_peerings.begin_create_or_update(
        "xref", "vnet", "peer2", {"properties": {"remoteVirtualNetwork": {"id": hub_vnet.id}}}).result())
    assert (err.status_code, err.error.code) == (403, "LinkedAuthorizationFailed")
    assert "Microsoft.Network/virtualNetworks/peer/action" in err.error.message


def test_management_groups_and_inherited_policy(emu3: Emulator, arm3: Arm) -> None:
    mg = groups(emu3)
    root = mg.management_groups.get(TENANT_ID)
    assert root.properties.display_name == "Tenant Root Group"
    mg.management_groups.begin_create_or_update("landing-zones",
                                                {"properties": {"displayName": "Landing Zones"}}).result()
    mg.management_groups.begin_create_or_update("corp", {"properties": {"displayName": "Corp", "details": {
        "parent": {"id": f"{MG}/landing-zones"}}}}).result()
    for sub in (SUB2, SUB3):
        mg.management_group_subscriptions.create("corp", sub)
    corp = mg.management_groups.get("corp", expand="children")
    assert corp.properties.details.parent.id == f"{MG}/landing-zones"
    assert sorted(c.name for c in corp.properties.children) == [SUB2, SUB3]
    assert {g.name for g in mg.management_groups.list()} >= {"landing-zones", "corp"}
    err = error(lambda: mg.management_groups.begin_delete("corp").result())
    assert err.status_code == 400  # it has children
    # a Deny assigned on the parent group governs both subscriptions below it, not the third
    lz = f"{MG}/landing-zones"
    r = arm3.put(f"{lz}{DEFS}/no-westus", {"properties": {"mode": "All", "policyRule": {
        "if": {"field": "location", "equals": "westus"}, "then": {"effect": "deny"}}}}, api="2023-04-01")
    assert r.status_code == 201, r.text
    policy(emu3, SUB2).policy_assignments.create(
        lz, "no-westus", {"properties": {"policyDefinitionId": f"{lz}{DEFS}/no-westus"}})
    for sub in (SUB2, SUB3):
        resources(emu3, sub).resource_groups.create_or_update("gov", {"location": "eastus"})
        err = error(lambda s=sub: network(emu3, s).network_security_groups.begin_create_or_update(
            "gov", "nsg", {"location": "westus"}).result())
        assert (err.status_code, err.error.code) == (403, "RequestDisallowedByPolicy")
        assert err.response.json()["error"]["additionalInfo"][0]["info"]["policyAssignmentScope"] == lz
        # the subscription's assignment list includes what it inherits
        listed = [a.id for a in policy(emu3, sub).policy_assignments.list()]
        assert f"{lz}/providers/Microsoft.Authorization/policyAssignments/no-westus" in listed
    resources(emu3, DEFAULT_SUBSCRIPTION_ID).resource_groups.create_or_update("gov", {"location": "eastus"})
    network(emu3, DEFAULT_SUBSCRIPTION_ID).network_security_groups.begin_create_or_update(
        "gov", "nsg", {"location": "westus"}).result()
    assert not [a for a in policy(emu3, DEFAULT_SUBSCRIPTION_ID).policy_assignments.list() if "no-westus" in a.id]
    # moving a subscription back to the root takes it out of the group's governance
    mg.management_group_subscriptions.delete("corp", SUB3)
    network(emu3, SUB3).network_security_groups.begin_create_or_update(
        "gov", "nsg", {"location": "westus"}).result()
    # a role assigned on a group is inherited below it
    reader = arm3.admin("POST", "/principals", {"name": "corp-reader", "role": "Reader", "scope": f"{MG}/corp"})
    listed = arm3.get("/subscriptions", api=RG_API, token=reader["token"]).json()["value"]
    assert [s["subscriptionId"] for s in listed] == [SUB2]
    assert network(emu3, SUB2, reader["token"]).network_security_groups.list("gov") is not None
    assert len(list(resources(emu3, SUB2, reader["token"]).resource_groups.list())) >= 1


def test_throttling_buckets_are_per_subscription(clock: FakeClock) -> None:
    emu = Emulator(time_scale=1.0, throttle="on", clock=clock, subscriptions=2).start()
    try:
        arm = Arm(emu)
        first, second = emu.subscriptions
        statuses = [arm.put(f"/subscriptions/{first}/resourceGroups/t{i}", {"location": "eastus"},
                            api=RG_API).status_code for i in range(201)]
        assert statuses[:200] == [201] * 200 and statuses[200] == 429
        r = arm.put(f"/subscriptions/{second}/resourceGroups/t0", {"location": "eastus"}, api=RG_API)
        assert r.status_code == 201
        assert r.headers["x-ms-ratelimit-remaining-subscription-writes"] == "199"
        r = arm.get(f"/subscriptions/{first}/resourceGroups/t0", api=RG_API)
        assert r.status_code == 200  # reads are a bucket of their own
    finally:
        emu.stop()
