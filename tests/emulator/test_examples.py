"""Every request body in the ARM examples is accepted and answered in the SDK's model.

The examples come from each reference data source (``refdata``: the project's own in
``tests/fixtures/arm-examples``, and shared/data/arm-examples when present; see tests/refdata.py).

Each example is sent through the matching typed SDK operation (plain dict bodies, as the
engine does); the SDK deserializes the answer into its model class. The answer must carry the
example's top-level fields, and its resource id/name come from the URL.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError

from tests.refdata import read_json

from .conftest import Arm, Clients

VNET = {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}


def load(refdata: Path, rel: str) -> dict[str, Any]:
    return read_json(refdata / "arm-examples" / rel)


def body_param(example: dict[str, Any]) -> dict[str, Any]:
    """The request body: the one dict parameter that is not a path parameter."""
    params = example["parameters"]
    candidates = [v for k, v in params.items() if isinstance(v, dict) and k != "extendedLocation"]
    assert len(candidates) == 1
    return candidates[0]


def ensure_vnet(arm: Arm, name: str) -> None:
    r = arm.put(arm.rg("rg1", f"/providers/Microsoft.Network/virtualNetworks/{name}"), VNET)
    assert r.status_code in (200, 201), r.text


def ensure_account(clients: Clients, name: str) -> None:
    clients.cognitive.accounts.begin_create(
        "rg1", name, {"location": "eastus", "kind": "AIServices", "sku": {"name": "S0"}, "properties": {}}
    ).result()


Case = Callable[[Clients, Arm, dict[str, Any], dict[str, Any]], Any]

CASES: dict[str, Case] = {
    "Microsoft.Network/VirtualNetworkCreate.json": lambda c, a, p, b:
        c.network.virtual_networks.begin_create_or_update("rg1", p["virtualNetworkName"], b).result(),
    "Microsoft.Network/NetworkSecurityGroupCreate.json": lambda c, a, p, b:
        c.network.network_security_groups.begin_create_or_update(
            "rg1", p["networkSecurityGroupName"], b).result(),
    "Microsoft.Network/AzureFirewallPut.json": lambda c, a, p, b:
        c.network.azure_firewalls.begin_create_or_update("rg1", p["azureFirewallName"], b).result(),
    "Microsoft.Network/FirewallPolicyPut.json": lambda c, a, p, b:
        c.network.firewall_policies.begin_create_or_update("rg1", p["firewallPolicyName"], b).result(),
    "Microsoft.Network/PublicIpAddressCreateDefaults.json": lambda c, a, p, b:
        c.network.public_ip_addresses.begin_create_or_update(
            "rg1", p["publicIpAddressName"], b).result(),
    "Microsoft.Network/SubnetCreate.json": lambda c, a, p, b: (
        ensure_vnet(a, p["virtualNetworkName"]),
        c.network.subnets.begin_create_or_update(
            "rg1", p["virtualNetworkName"], p["subnetName"], b).result())[1],
    "Microsoft.Network/VirtualNetworkPeeringCreate.json": lambda c, a, p, b: (
        ensure_vnet(a, p["virtualNetworkName"]),
        c.network.virtual_network_peerings.begin_create_or_update(
            "rg1", p["virtualNetworkName"], p["virtualNetworkPeeringName"], b).result())[1],
    "Microsoft.Network/RouteTableCreate.json": lambda c, a, p, b:
        c.network.route_tables.begin_create_or_update("rg1", p["routeTableName"], b).result(),
    "Microsoft.Network/PrivateEndpointCreate.json": lambda c, a, p, b:
        c.network.private_endpoints.begin_create_or_update("rg1", p["privateEndpointName"], b).result(),
    "Microsoft.Network.PrivateDns/PrivateZonePut.json": lambda c, a, p, b:
        c.privatedns.private_zones.begin_create_or_update("rg1", p["privateZoneName"], b).result(),
    "Microsoft.Network.PrivateDns/VirtualNetworkLinkPut.json": lambda c, a, p, b: (
        c.privatedns.private_zones.begin_create_or_update(
            "rg1", p["privateZoneName"], {"location": "global"}).result(),
        c.privatedns.virtual_network_links.begin_create_or_update(
            "rg1", p["privateZoneName"], p["virtualNetworkLinkName"], b).result())[1],
    "Microsoft.CognitiveServices/CreateAccountMin.json": lambda c, a, p, b:
        c.cognitive.accounts.begin_create("rg1", p["accountName"], b).result(),
    "Microsoft.CognitiveServices/PutDeployment.json": lambda c, a, p, b: (
        ensure_account(c, p["accountName"]),
        c.cognitive.deployments.begin_create_or_update(
            "rg1", p["accountName"], p["deploymentName"], deployable(c, p, b)).result())[1],
    "Microsoft.Web/CreateOrUpdateAppServicePlan.json": lambda c, a, p, b:
        c.web.app_service_plans.begin_create_or_update("rg1", p["name"], b).result(),
    "Microsoft.Resources/CreateResourceGroup.json": lambda c, a, p, b:
        c.resource.resource_groups.create_or_update(p["resourceGroupName"], b),
}  # fmt: skip


def retired_model_refused(c: Any, p: dict[str, Any], b: dict[str, Any]) -> None:
    """The specification's example deploys ``ada`` version 1, which Azure no longer deploys."""
    with pytest.raises(HttpResponseError) as exc:
        c.cognitive.deployments.begin_create_or_update("rg1", p["accountName"], p["deploymentName"], b).result()
    assert exc.value.error.code == "DeploymentModelNotSupported"


#: Model versions in an example that Azure no longer deploys (the specification's example uses ada 1).
RETIRED = {("ada", "1")}


def deployable(c: Any, p: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """The example's deployment body; a retired model must first be refused, then swapped for a current one."""
    model = b["properties"]["model"]
    if (model["name"], str(model["version"])) in RETIRED:
        retired_model_refused(c, p, b)
        return current_model(b)
    return b


def current_model(b: dict[str, Any]) -> dict[str, Any]:
    """The example's body with a model version the region offers for its SKU."""
    return {**b, "properties": {**b["properties"], "model": {"format": "OpenAI", "name": "gpt-4o",
                                                            "version": "2024-11-20"}}}


def as_dict(model: Any) -> dict[str, Any]:
    if hasattr(model, "as_dict") and not isinstance(model, dict):
        try:
            return model.as_dict(keep_readonly=True)
        except TypeError:
            return model.as_dict()
    return dict(model)


def test_every_example_file_is_covered(refdata: Path) -> None:
    examples = refdata / "arm-examples"
    files = {p.relative_to(examples).as_posix() for p in examples.rglob("*.json")}
    files -= {"Microsoft.Network/VirtualNetworkGet.json", "Microsoft.OperationalInsights/OperationStatusesGet.json"}
    assert files == set(CASES)


@pytest.mark.parametrize("rel", sorted(CASES))
def test_example_body_accepted_and_model_deserializes(rel: str, refdata: Path, clients: Clients, arm: Arm) -> None:
    example = load(refdata, rel)
    params = example["parameters"]
    arm.make_rg("rg1")
    model = CASES[rel](clients, arm, params, body_param(example))
    assert model is not None
    result = as_dict(model)
    expected = next(iter(example["responses"].values())).get("body") or {}
    got_keys = {k.lower() for k in json.loads(json.dumps(result, default=str))}
    # the SDK model flattens differently per package; compare the wire-level names it exposes
    for key in expected:
        k = key.lower()
        if k in ("etag", "systemdata", "properties"):
            continue
        assert k in got_keys or k.replace("_", "") in got_keys, (rel, key, sorted(got_keys))
    name = result.get("name")
    if name is not None:
        assert name.lower() in {str(v).lower() for v in params.values() if isinstance(v, str)}


def test_vnet_get_example_round_trips(refdata: Path, clients: Clients, arm: Arm) -> None:
    example = load(refdata, "Microsoft.Network/VirtualNetworkGet.json")
    body = example["responses"]["200"]["body"]
    arm.make_rg("rg1")
    clients.network.virtual_networks.begin_create_or_update("rg1", "test-vnet", body).result()
    vnet = clients.network.virtual_networks.get("rg1", "test-vnet")
    assert vnet.provisioning_state == "Succeeded"
    assert [s.name for s in vnet.subnets] == [s["name"] for s in body["properties"]["subnets"]]
    assert vnet.address_space.address_prefixes == body["properties"]["addressSpace"]["addressPrefixes"]


def test_nsg_gets_six_default_rules(clients: Clients, arm: Arm) -> None:
    arm.make_rg("rg1")
    nsg = clients.network.network_security_groups.begin_create_or_update(
        "rg1", "nsg", {"location": "eastus"}).result()
    rules = {(r.name, r.priority, r.direction) for r in nsg.default_security_rules}
    assert rules == {
        ("AllowVnetInBound", 65000, "Inbound"), ("AllowAzureLoadBalancerInBound", 65001, "Inbound"),
        ("DenyAllInBound", 65500, "Inbound"), ("AllowVnetOutBound", 65000, "Outbound"),
        ("AllowInternetOutBound", 65001, "Outbound"), ("DenyAllOutBound", 65500, "Outbound"),
    }
    assert nsg.security_rules == []


def test_private_endpoint_gets_nic_and_auto_approval(clients: Clients, arm: Arm) -> None:
    arm.make_rg("rg1")
    vnet = clients.network.virtual_networks.begin_create_or_update("rg1", "v", {
        **VNET, "properties": {**VNET["properties"], "subnets": [
            {"name": "pe", "properties": {"addressPrefix": "10.0.1.0/24"}}]}}).result()
    subnet_id = vnet.subnets[0].id
    pe = clients.network.private_endpoints.begin_create_or_update("rg1", "pe1", {
        "location": "eastus", "properties": {"subnet": {"id": subnet_id},
        "privateLinkServiceConnections": [{"name": "c", "properties": {
            "privateLinkServiceId": "/subscriptions/x/resourceGroups/y/providers/Microsoft.Search/searchServices/s",
            "groupIds": ["searchService"]}}]}}).result()
    assert pe.private_link_service_connections[0].private_link_service_connection_state.status == "Approved"
    nic = clients.network.network_interfaces.get("rg1", pe.network_interfaces[0].id.rsplit("/", 1)[-1])
    assert nic.ip_configurations[0].private_ip_address == "10.0.1.4"
    # the subnet is now in use and cannot be removed
    r = arm.delete(subnet_id)
    assert r.status_code == 400 and r.json()["error"]["code"] == "InUseSubnetCannotBeDeleted"
    clients.network.private_endpoints.begin_delete("rg1", "pe1").result()
    assert arm.get(nic.id).status_code == 404
    assert arm.delete(subnet_id).status_code == 202


def test_operation_status_example_shape(refdata: Path, clients: Clients, arm: Arm) -> None:
    """Log Analytics' operationStatuses resource deserializes as OperationStatus."""
    arm.make_rg("rg1")
    clients.loganalytics.workspaces.begin_create_or_update("rg1", "law", {"location": "eastus"}).result()
    r = arm.delete(arm.rg("rg1", "/providers/Microsoft.OperationalInsights/workspaces/law"), api="2025-07-01")
    assert r.status_code == 202
    op_id = r.headers["Azure-AsyncOperation"].split("?")[0].rsplit("/", 1)[-1]
    status = clients.loganalytics.operation_statuses.get("eastus", op_id)
    expected = load(refdata, "Microsoft.OperationalInsights/OperationStatusesGet.json")["responses"]["200"]["body"]
    assert set(expected) <= set(status.keys())
    assert status.status == "Succeeded" and status.name == op_id
