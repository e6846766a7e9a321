"""Generic ARM semantics: any type at any scope, PATCH, lists and paging, providers, ETags."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError

from lzengine.emulator import Emulator

from .conftest import Arm, Clients

VNET = {
    "location": "eastus",
    "properties": {
        "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
        "subnets": [{"name": "a", "properties": {"addressPrefix": "10.0.1.0/24"}}],
    },
}
API = "2024-01-01"


def test_any_type_at_rg_and_subscription_scope(arm: Arm) -> None:
    arm.make_rg()
    path = arm.rg("rg1", "/providers/Microsoft.Contoso/widgets/w1")
    r = arm.put(path, {"location": "eastus", "properties": {"size": 3}}, api=API)
    assert r.status_code == 201
    body = r.json()
    assert body["id"] == path and body["type"] == "Microsoft.Contoso/widgets"
    assert body["properties"] == {"size": 3, "provisioningState": "Succeeded"}
    assert arm.put(path, {"location": "eastus", "properties": {"size": 4}}, api=API).status_code == 200
    assert arm.get(path, api=API).json()["properties"]["size"] == 4
    sub_path = arm.sub("/providers/Microsoft.Contoso/settings/default")
    assert arm.put(sub_path, {"properties": {"on": True}}, api=API).status_code == 201
    assert arm.get(sub_path, api=API).json()["properties"]["on"] is True
    r = arm.put(path + "/gadgets/g1", {"properties": {}}, api=API)
    assert r.status_code == 201 and r.json()["type"] == "Microsoft.Contoso/widgets/gadgets"
    r = arm.put(arm.rg("rg1", "/providers/Microsoft.Contoso/widgets/nope/gadgets/g1"), {}, api=API)
    assert r.status_code == 404 and r.json()["error"]["code"] == "ParentResourceNotFound"
    assert arm.call("HEAD", path, api=API).status_code == 204
    assert arm.delete(path, api=API).status_code == 200
    assert arm.call("HEAD", path, api=API).status_code == 404
    assert arm.get(path + "/gadgets/g1", api=API).status_code == 404  # children go with the parent
    assert arm.delete(path, api=API).status_code == 204


def test_extension_resources_at_any_scope(arm: Arm, clients: Clients, emu: Emulator) -> None:
    arm.make_rg()
    vnet = clients.network.virtual_networks.begin_create_or_update("rg1", "v", VNET).result()
    law = clients.loganalytics.workspaces.begin_create_or_update("rg1", "law", {"location": "eastus"}).result()
    diag = clients.resource.resources.begin_create_or_update_by_id(
        f"{vnet.id}/providers/Microsoft.Insights/diagnosticSettings/toLaw", api_version="2021-05-01-preview",
        parameters={"properties": {"workspaceId": law.id, "logs": [{"categoryGroup": "allLogs", "enabled": True}]}},
    ).result()
    assert diag.id == f"{vnet.id}/providers/Microsoft.Insights/diagnosticSettings/toLaw"
    listed = arm.get(f"{vnet.id}/providers/Microsoft.Insights/diagnosticSettings", api="2021-05-01-preview")
    assert [d["name"] for d in listed.json()["value"]] == ["toLaw"]
    # extension on a subnet, policy assignment on an RG, role assignment on a resource
    sub_diag = f"{vnet.subnets[0].id}/providers/Microsoft.Insights/diagnosticSettings/d"
    assert arm.put(sub_diag, {"properties": {}}, api="2021-05-01-preview").status_code == 200
    pa = clients.policy.policy_assignments.create(
        arm.rg("rg1"), "pa", {"properties": {"policyDefinitionId": "/providers/Microsoft.Authorization/"
                                             "policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c"}})
    assert pa.scope == arm.rg("rg1")
    assert [a.name for a in clients.policy.policy_assignments.list_for_resource_group("rg1")] == ["pa"]
    missing = arm.put(arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/nope/providers/"
                             "Microsoft.Insights/diagnosticSettings/d"), {"properties": {}},
                      api="2021-05-01-preview")
    assert missing.status_code == 404
    # deleting the VNet removes its extension resources
    clients.network.virtual_networks.begin_delete("rg1", "v").result()
    assert arm.get(sub_diag, api="2021-05-01-preview").status_code == 404


def test_patch_tags_replace_and_merge_patch(arm: Arm, clients: Clients) -> None:
    arm.make_rg()
    path = arm.rg("rg1", "/providers/Microsoft.Contoso/widgets/w")
    arm.put(path, {"location": "eastus", "tags": {"a": "1", "b": "2"},
                   "properties": {"x": {"y": 1, "z": 2}, "keep": True}}, api=API)
    r = arm.call("PATCH", path, {"tags": {"c": "3"}, "properties": {"x": {"y": None, "w": 5}}}, api=API)
    assert r.status_code == 200
    body = r.json()
    assert body["tags"] == {"c": "3"}
    assert body["properties"]["x"] == {"z": 2, "w": 5} and body["properties"]["keep"] is True
    r = arm.call("PATCH", path, {"location": "westus"}, api=API)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "InvalidResourceLocation")
    # Network tags PATCH: synchronous 200, new etag
    vnet = clients.network.virtual_networks.begin_create_or_update("rg1", "v", VNET).result()
    tagged = clients.network.virtual_networks.update_tags("rg1", "v", {"tags": {"env": "dev"}})
    assert tagged.tags == {"env": "dev"} and tagged.etag != vnet.etag
    assert [s.name for s in tagged.subnets] == ["a"]


def test_lists_page_with_next_link(make_emu) -> None:
    emu = make_emu(page_size=3)
    arm = Arm(emu)
    arm.make_rg()
    for i in range(7):
        arm.put(arm.rg("rg1", f"/providers/Microsoft.Contoso/widgets/w{i}"), {"location": "eastus"}, api=API)
    first = arm.get(arm.rg("rg1", "/providers/Microsoft.Contoso/widgets"), api=API).json()
    assert len(first["value"]) == 3 and first["nextLink"].startswith(emu.url)
    names = [w["name"] for w in first["value"]]
    link = first["nextLink"]
    while link:
        page = arm.get(link, api=None).json()
        names += [w["name"] for w in page["value"]]
        link = page.get("nextLink")
    assert names == [f"w{i}" for i in range(7)]
    # the SDK follows nextLink too
    clients = Clients(emu)
    assert len(list(clients.resource.resources.list_by_resource_group("rg1"))) == 7


def test_generic_resource_lists_are_top_level_only(arm: Arm, clients: Clients) -> None:
    arm.make_rg("rg1")
    arm.make_rg("rg2")
    clients.network.virtual_networks.begin_create_or_update("rg1", "v", VNET).result()
    clients.network.virtual_networks.begin_create_or_update("rg2", "v2", VNET).result()
    clients.resource.resources.begin_create_or_update_by_id(
        arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v/providers/Microsoft.Insights/"
                      "diagnosticSettings/d"), api_version="2021-05-01-preview", parameters={"properties": {}}
    ).result()
    in_rg = [(r.type, r.name) for r in clients.resource.resources.list_by_resource_group("rg1")]
    assert in_rg == [("Microsoft.Network/virtualNetworks", "v")]
    vnet_id = arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v")
    assert clients.resource.resources.check_existence_by_id(vnet_id, api_version="2024-05-01") is True
    assert clients.resource.resources.check_existence_by_id(vnet_id + "x", api_version="2024-05-01") is False
    in_sub = sorted(r.name for r in clients.resource.resources.list())
    assert in_sub == ["v", "v2"]
    assert sorted(v.name for v in clients.network.virtual_networks.list_all()) == ["v", "v2"]


def test_providers_endpoints(arm: Arm, clients: Clients) -> None:
    net = clients.resource.providers.get("Microsoft.Network")
    assert net.registration_state == "Registered"
    types = {t.resource_type: t for t in net.resource_types}
    assert "virtualNetworks/subnets" in types
    assert "2026-03-01" in types["virtualNetworks"].api_versions
    assert "East US" in types["virtualNetworks"].locations
    namespaces = {p.namespace for p in clients.resource.providers.list()}
    assert {"Microsoft.Network", "Microsoft.CognitiveServices", "Microsoft.Search"} <= namespaces
    r = arm.call("POST", arm.sub("/providers/Microsoft.Search/register"), api="2016-02-01")
    assert r.status_code == 200 and r.json()["registrationState"] == "Registered"


def test_unregistered_namespace_rejects_writes(arm: Arm, clients: Clients) -> None:
    arm.make_rg()
    arm.admin("PUT", "/providers/Microsoft.Search", {"registrationState": "NotRegistered"})
    with pytest.raises(ResourceExistsError) as exc:
        clients.search.services.begin_create_or_update(
            "rg1", "srch", {"location": "eastus", "sku": {"name": "basic"}})
    assert exc.value.error.code == "MissingSubscriptionRegistration"
    assert exc.value.response.headers["x-ms-failure-cause"] == "gateway"
    assert clients.resource.providers.register("Microsoft.Search").registration_state == "Registered"
    svc = clients.search.services.begin_create_or_update(
        "rg1", "srch", {"location": "eastus", "sku": {"name": "basic"}}).result()
    assert svc.provisioning_state == "succeeded"


def test_if_match_and_if_none_match(arm: Arm) -> None:
    arm.make_rg()
    path = arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v")
    arm.put(path, VNET)
    etag = arm.get(path).headers["ETag"]
    r = arm.put(path, VNET, headers={"If-Match": 'W/"00000000-0000-0000-0000-000000000000"'})
    assert r.status_code == 412 and r.json()["error"]["code"] == "PreconditionFailed"
    assert arm.put(path, VNET, headers={"If-Match": etag}).status_code == 200
    r = arm.put(path, VNET, headers={"If-None-Match": "*"})
    assert r.status_code == 412
    new = arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/new")
    assert arm.put(new, VNET, headers={"If-Match": "*"}).status_code == 412
    assert arm.put(new, VNET, headers={"If-None-Match": "*"}).status_code == 201


def test_provisioning_state_in_put_body(arm: Arm) -> None:
    arm.make_rg()
    path = arm.rg("rg1", "/providers/Microsoft.Contoso/widgets/w")
    ok = {"location": "eastus", "properties": {"provisioningState": "Succeeded"}}
    assert arm.put(path, ok, api=API).status_code == 201
    assert arm.put(path, ok, api=API).status_code == 200
    r = arm.put(path, {"location": "eastus", "properties": {"provisioningState": "Failed"}}, api=API)
    assert r.status_code == 400 and r.json()["error"]["target"] == "properties.provisioningState"


def test_invalid_names_and_bodies(arm: Arm) -> None:
    r = arm.put(arm.rg("bad*name"), {"location": "eastus"}, api="2025-04-01")
    assert r.status_code == 400
    r = arm.put(arm.rg("ends."), {"location": "eastus"}, api="2025-04-01")
    assert r.status_code == 400
    arm.make_rg()
    r = arm.session.put(f"{arm.emu.url}{arm.rg('rg1', '/providers/Microsoft.Contoso/widgets/w')}"
                        f"?api-version={API}", data=b"{not json",
                        headers={"Authorization": f"Bearer {arm.emu.token}"}, verify=arm.emu.ca_file)
    assert r.status_code == 400 and r.json()["error"]["code"] == "InvalidRequestContent"
    r = arm.put(arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v"), {"location": "mars"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "LocationNotAvailableForResourceType"
    r = arm.put(arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v"),
                {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.1/16"]}}})
    assert r.status_code == 400


def test_peering_state_follows_the_reverse_peering(arm: Arm, clients: Clients) -> None:
    arm.make_rg()
    nc = clients.network
    hub = nc.virtual_networks.begin_create_or_update("rg1", "hub", VNET).result()
    spoke = nc.virtual_networks.begin_create_or_update("rg1", "spoke", {
        "location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}}}).result()
    p1 = nc.virtual_network_peerings.begin_create_or_update(
        "rg1", "hub", "to-spoke", {"properties": {"remoteVirtualNetwork": {"id": spoke.id}}}).result()
    assert p1.peering_state == "Initiated"
    assert p1.remote_address_space.address_prefixes == ["10.1.0.0/16"]
    p2 = nc.virtual_network_peerings.begin_create_or_update(
        "rg1", "spoke", "to-hub", {"properties": {"remoteVirtualNetwork": {"id": hub.id}}}).result()
    assert p2.peering_state == "Connected"
    assert nc.virtual_network_peerings.get("rg1", "hub", "to-spoke").peering_state == "Connected"
    assert [p.name for p in nc.virtual_networks.get("rg1", "hub").virtual_network_peerings] == ["to-spoke"]
    nc.virtual_network_peerings.begin_delete("rg1", "spoke", "to-hub").result()
    assert nc.virtual_network_peerings.get("rg1", "hub", "to-spoke").peering_state == "Disconnected"


def test_cognitive_soft_delete_restore_and_purge(arm: Arm, clients: Clients) -> None:
    arm.make_rg()
    cs = clients.cognitive
    body = {"location": "eastus", "kind": "AIServices", "sku": {"name": "S0"},
            "properties": {"customSubDomainName": "acct"}}
    cs.accounts.begin_create("rg1", "acct", body).result()
    cs.accounts.begin_delete("rg1", "acct").result()
    deleted = list(cs.deleted_accounts.list())
    assert [d.name for d in deleted] == ["acct"]
    with pytest.raises(HttpResponseError) as exc:
        cs.accounts.begin_create("rg1", "acct", body)
    assert exc.value.status_code == 409 and exc.value.error.code == "FlagMustBeSetForRestore"
    restored = cs.accounts.begin_create(
        "rg1", "acct", {**body, "properties": {**body["properties"], "restore": True}}).result()
    assert restored.properties.provisioning_state == "Succeeded"
    assert list(cs.deleted_accounts.list()) == []
    cs.accounts.begin_delete("rg1", "acct").result()
    cs.deleted_accounts.begin_purge("eastus", "rg1", "acct").result()
    assert list(cs.deleted_accounts.list()) == []
    cs.accounts.begin_create("rg1", "acct", body).result()


def test_check_name_availability(arm: Arm, clients: Clients) -> None:
    arm.make_rg()
    assert clients.search.services.check_name_availability("srch").is_name_available is True
    clients.search.services.begin_create_or_update(
        "rg1", "srch", {"location": "eastus", "sku": {"name": "basic"}}).result()
    result = clients.search.services.check_name_availability("srch")
    assert result.is_name_available is False and result.reason == "AlreadyExists"
