"""Core ARM behaviour through the real SDK clients: resource groups, VNets, subnets, errors."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

from lzengine.emulator import DEFAULT_SUBSCRIPTION_ID, Emulator

from .conftest import NET_API, RG_API, Arm, Clients

VNET_BODY = {
    "location": "eastus",
    "properties": {
        "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
        "subnets": [
            {"name": "a", "properties": {"addressPrefix": "10.0.1.0/24"}},
            {"name": "b", "properties": {"addressPrefix": "10.0.2.0/24"}},
        ],
    },
}


def test_public_api_shape(emu: Emulator) -> None:
    assert emu.url.startswith("https://127.0.0.1:")
    assert emu.subscription_id == DEFAULT_SUBSCRIPTION_ID
    assert emu.token and open(emu.ca_file).read().startswith("-----BEGIN CERTIFICATE-----")


def test_sdk_end_to_end_rg_vnet_subnets(clients: Clients) -> None:
    rc, nc = clients.resource, clients.network
    rg = rc.resource_groups.create_or_update("rg1", {"location": "eastus"})
    assert rg.properties.provisioning_state == "Succeeded"
    assert rg.id.endswith("/resourceGroups/rg1")

    vnet = nc.virtual_networks.begin_create_or_update("rg1", "vnet1", VNET_BODY).result()
    assert vnet.provisioning_state == "Succeeded"
    assert sorted(s.name for s in vnet.subnets) == ["a", "b"]
    assert vnet.etag.startswith('W/"')

    sub = nc.subnets.get("rg1", "vnet1", "a")
    assert sub.id == f"{vnet.id}/subnets/a"
    assert sub.type == "Microsoft.Network/virtualNetworks/subnets"
    assert sub.etag == vnet.etag  # children carry the family's etag

    updated = nc.subnets.begin_create_or_update(
        "rg1", "vnet1", "a", {"properties": {"addressPrefix": "10.0.3.0/24"}}
    ).result()
    assert updated.address_prefix == "10.0.3.0/24"
    assert updated.etag != sub.etag
    vnet = nc.virtual_networks.get("rg1", "vnet1")
    assert {s.name: s.address_prefix for s in vnet.subnets} == {"a": "10.0.3.0/24", "b": "10.0.2.0/24"}

    nc.subnets.begin_delete("rg1", "vnet1", "b").result()
    assert [s.name for s in nc.virtual_networks.get("rg1", "vnet1").subnets] == ["a"]
    assert [s.name for s in nc.subnets.list("rg1", "vnet1")] == ["a"]

    nc.virtual_networks.begin_delete("rg1", "vnet1").result()
    assert list(nc.virtual_networks.list("rg1")) == []
    rc.resource_groups.begin_delete("rg1").result()
    assert rc.resource_groups.check_existence("rg1") is False


def test_rg_put_codes_and_head(arm: Arm) -> None:
    assert arm.call("HEAD", arm.rg("rgx"), api=RG_API).status_code == 404
    r = arm.put(arm.rg("rgx"), {"location": "westeurope", "tags": {"a": "1"}}, api=RG_API)
    assert r.status_code == 201
    assert r.json()["properties"]["provisioningState"] == "Succeeded"
    assert arm.put(arm.rg("rgx"), {"location": "westeurope"}, api=RG_API).status_code == 200
    assert arm.call("HEAD", arm.rg("rgx"), api=RG_API).status_code == 204
    listed = arm.get(arm.sub("/resourcegroups"), api=RG_API).json()["value"]
    assert [g["name"] for g in listed] == ["rgx"]


def test_rg_delete_is_lro_and_removes_contents(arm: Arm, clients: Clients) -> None:
    arm.make_rg("rgd")
    clients.network.virtual_networks.begin_create_or_update("rgd", "v", VNET_BODY).result()
    r = arm.delete(arm.rg("rgd"), api=RG_API)
    assert r.status_code == 202
    assert r.headers["Location"].startswith(arm.emu.url + "/subscriptions/")
    poll = arm.get(r.headers["Location"], api=None)
    assert poll.status_code == 200
    assert arm.admin("GET", "/resources")["value"] == []
    r = arm.delete(arm.rg("rgd"), api=RG_API)
    assert r.status_code == 404 and r.json()["error"]["code"] == "ResourceGroupNotFound"


def test_case_insensitive_names_keep_last_casing(arm: Arm) -> None:
    arm.make_rg("MyRg")
    r = arm.put(arm.rg("MyRg", "/providers/Microsoft.Network/virtualNetworks/VNet1"),
                {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}}})
    assert r.status_code == 201
    r = arm.put(arm.rg("myrg", "/providers/microsoft.network/VIRTUALNETWORKS/vnet1"),
                {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}}})
    assert r.status_code == 200, r.text
    body = arm.get(arm.rg("MYRG", "/providers/Microsoft.Network/virtualNetworks/VNET1")).json()
    assert body["name"] == "vnet1"
    assert body["type"] == "Microsoft.Network/virtualNetworks"
    assert "/resourceGroups/myrg/providers/Microsoft.Network/virtualNetworks/vnet1" in body["id"]


def test_auth_required(arm: Arm) -> None:
    r = arm.get(arm.sub("/resourcegroups"), api=RG_API, token="")
    assert r.status_code == 401
    assert r.json()["error"]["code"] in ("AuthenticationFailed", "InvalidAuthenticationToken")
    r = arm.session.get(f"{arm.emu.url}{arm.sub('/resourcegroups')}?api-version={RG_API}",
                        verify=arm.emu.ca_file)
    assert r.status_code == 401 and r.json()["error"]["code"] == "AuthenticationFailed"
    r = arm.session.get(f"{arm.emu.url}{arm.sub('/resourcegroups')}?api-version={RG_API}",
                        headers={"Authorization": f"Basic {arm.emu.token}"}, verify=arm.emu.ca_file)
    assert r.status_code == 401
    r = arm.get(arm.sub("/resourcegroups"), api=RG_API, token="not-the-token")
    assert r.status_code == 401 and r.json()["error"]["code"] == "InvalidAuthenticationToken"


def test_api_version_required_and_checked(arm: Arm) -> None:
    arm.make_rg()
    r = arm.get(arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v"), api=None)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "MissingApiVersionParameter"
    assert r.json()["error"]["message"] == (
        "The api-version query parameter (?api-version=) is required for all requests.")
    r = arm.put(arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v"),
                {"location": "eastus"}, api="2014-01-01")
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["code"] == "NoRegisteredProviderFound"
    assert "'2026-03-01" in err["message"] and "location 'eastus'" in err["message"]
    for api in ("2023-09-01", "2024-05-01", NET_API):
        r = arm.get(arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks"), api=api)
        assert r.status_code == 200, api


def test_other_subscription_is_not_found(arm: Arm) -> None:
    r = arm.get("/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/x", api=RG_API)
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "SubscriptionNotFound"


def test_missing_rg_parent_and_resource_errors(arm: Arm, clients: Clients) -> None:
    nc = clients.network
    with pytest.raises(ResourceNotFoundError) as exc:
        nc.virtual_networks.get("nope", "v")
    assert exc.value.error.code == "ResourceGroupNotFound"
    assert exc.value.error.message == "Resource group 'nope' could not be found."
    arm.make_rg()
    with pytest.raises(ResourceNotFoundError) as exc:
        nc.virtual_networks.get("rg1", "v")
    assert exc.value.error.code == "ResourceNotFound"
    assert "'Microsoft.Network/virtualNetworks/v' under resource group 'rg1'" in exc.value.error.message
    with pytest.raises(HttpResponseError) as exc2:
        nc.subnets.begin_create_or_update("rg1", "v", "s", {"properties": {"addressPrefix": "10.0.0.0/24"}})
    assert exc2.value.status_code == 404
    assert exc2.value.error.code == "ParentResourceNotFound"
    r = arm.put(arm.rg("missing", "/providers/Microsoft.Network/virtualNetworks/v"), {"location": "eastus"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "ResourceGroupNotFound"


def test_every_response_has_request_id_and_arm_error_shape(arm: Arm) -> None:
    responses = [
        arm.get(arm.sub("/resourcegroups"), api=RG_API),
        arm.get(arm.rg("x"), api=RG_API),
        arm.get(arm.rg("x"), api=None),
        arm.get(arm.rg("x"), api=RG_API, token="bad"),
    ]
    for r in responses:
        assert r.headers.get("x-ms-request-id")
        if r.status_code >= 400:
            err = r.json()["error"]
            assert set(err) >= {"code", "message", "target", "details"}


def test_vnet_put_without_subnets_preserves_them_from_2023_09_01(arm: Arm) -> None:
    arm.make_rg()
    path = arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v")
    assert arm.put(path, VNET_BODY).status_code == 201
    no_subnets = {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}
    r = arm.put(path, no_subnets, api="2023-09-01")
    assert r.status_code == 200
    assert sorted(s["name"] for s in r.json()["properties"]["subnets"]) == ["a", "b"]
    one = {**no_subnets, "properties": {**no_subnets["properties"],
                                        "subnets": [{"name": "c", "properties": {"addressPrefix": "10.0.9.0/24"}}]}}
    r = arm.put(path, one)
    assert [s["name"] for s in r.json()["properties"]["subnets"]] == ["c"]
    assert arm.get(path + "/subnets/a").status_code == 404
    r = arm.put(path, no_subnets, api="2023-06-01")  # older semantics: the set is replaced
    assert r.json()["properties"]["subnets"] == []


def test_network_put_shape_and_operation_status(arm: Arm) -> None:
    arm.make_rg()
    path = arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v")
    r = arm.put(path, VNET_BODY)
    assert r.status_code == 201
    body = r.json()
    assert body["properties"]["provisioningState"] == "Updating"
    assert all(s["properties"]["provisioningState"] == "Updating" for s in body["properties"]["subnets"])
    aao = r.headers["Azure-AsyncOperation"]
    assert aao.startswith(f"{arm.emu.url}/subscriptions/{arm.emu.subscription_id}"
                          "/providers/Microsoft.Network/locations/eastus/operations/")
    assert f"api-version={NET_API}" in aao
    assert "ETag" not in r.headers  # Network writes carry the etag in the body only
    poll = arm.get(aao, api=None)
    assert poll.status_code == 200 and poll.json() == {"status": "Succeeded"}
    got_response = arm.get(path)
    got = got_response.json()
    assert got_response.headers["ETag"] == got["etag"]
    assert got["properties"]["provisioningState"] == "Succeeded"
    assert got["etag"] != body["etag"]
    assert got["properties"]["subnets"][0]["etag"] == got["etag"]


def test_network_delete_codes(arm: Arm) -> None:
    arm.make_rg()
    path = arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v")
    assert arm.delete(path).status_code == 204
    arm.put(path, VNET_BODY)
    r = arm.delete(path)
    assert r.status_code == 202
    assert "/operationResults/" in r.headers["Location"]
    assert "/operations/" in r.headers["Azure-AsyncOperation"]
    assert arm.get(r.headers["Azure-AsyncOperation"], api=None).json()["status"] == "Succeeded"
    assert arm.get(r.headers["Location"], api=None).status_code == 204
    assert arm.get(path).status_code == 404
    assert arm.get(path + "/subnets/a").status_code == 404


def test_stats_count_reads_writes_deletes(arm: Arm, clients: Clients) -> None:
    arm.make_rg()
    arm.admin("POST", "/stats/reset")
    clients.network.virtual_networks.begin_create_or_update("rg1", "v", VNET_BODY).result()
    clients.network.virtual_networks.get("rg1", "v")
    clients.network.virtual_networks.begin_delete("rg1", "v").result()
    arm.admin("GET", "/resources")  # admin calls are not counted
    stats = arm.admin("GET", "/stats")
    assert stats["writes"] == 1 and stats["deletes"] == 1
    assert stats["reads"] >= 3  # polls, final GET, the explicit GET
    assert stats["by_method"]["PUT"] == 1
    assert stats["by_type"]["microsoft.network/virtualnetworks"] >= 3
    assert stats["by_type"]["microsoft.network/locations/operations"] >= 1
    arm.admin("POST", "/stats/reset")
    assert arm.admin("GET", "/stats")["reads"] == 0


def test_admin_resources_and_reset(arm: Arm) -> None:
    arm.make_rg()
    arm.put(arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v"), VNET_BODY)
    listed = arm.admin("GET", "/resources")["value"]
    types = sorted(r["type"] for r in listed)
    assert types == ["Microsoft.Network/virtualNetworks", "Microsoft.Network/virtualNetworks/subnets",
                     "Microsoft.Network/virtualNetworks/subnets", "Microsoft.Resources/resourceGroups"]
    assert all(set(r) == {"id", "type", "body"} for r in listed)
    arm.admin("POST", "/reset")
    assert arm.admin("GET", "/resources")["value"] == []


def test_admin_requires_admin_token(arm: Arm) -> None:
    r = arm.session.get(f"{arm.emu.url}/_emulator/stats", verify=arm.emu.ca_file)
    assert r.status_code == 401
