"""What a live landing zone meets when it is edited (issue 9, emulator side), through the typed SDK
clients: subnets holding addresses keep their prefixes, linked resources need the caller's ``join``
permissions, deployments are checked against the regional model catalogue, both sides of a peering
stay in sync, and Private DNS record sets honour If-Match / If-None-Match."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from azure.core import MatchConditions
from azure.core.exceptions import HttpResponseError

from .conftest import Arm, Clients

NET = "/providers/Microsoft.Network"
NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7"


def vnet(space: str | list[str], *subnets: tuple[str, str], location: str = "eastus") -> dict[str, Any]:
    spaces = [space] if isinstance(space, str) else space
    body: dict[str, Any] = {"location": location, "properties": {"addressSpace": {"addressPrefixes": spaces}}}
    if subnets:
        body["properties"]["subnets"] = [{"name": n, "properties": {"addressPrefix": p}} for n, p in subnets]
    return body


def error(call: Any) -> HttpResponseError:
    with pytest.raises(HttpResponseError) as exc:
        result = call()
        if hasattr(result, "result"):
            result.result()
    return exc.value


def private_endpoint(nc: Any, rg: str, name: str, subnet_id: str) -> Any:
    target = "/subscriptions/other/resourceGroups/y/providers/Microsoft.Search/searchServices/s"
    return nc.private_endpoints.begin_create_or_update(rg, name, {
        "location": "eastus", "properties": {"subnet": {"id": subnet_id}, "privateLinkServiceConnections": [
            {"name": "c", "properties": {"privateLinkServiceId": target, "groupIds": ["searchService"]}}]}}).result()


# ---------------------------------------------------------------------------- stable prefixes
def test_subnet_holding_endpoints_cannot_move_its_prefix(clients: Clients, arm: Arm) -> None:
    arm.make_rg()
    nc = clients.network
    v = nc.virtual_networks.begin_create_or_update("rg1", "v", vnet("10.0.0.0/24", ("snet-pep", "10.0.0.192/27"))
                                                   ).result()
    ips = [nc.network_interfaces.get("rg1", private_endpoint(nc, "rg1", f"pe{i}", v.subnets[0].id)
                                     .network_interfaces[0].id.rsplit("/", 1)[-1]).ip_configurations[0]
           .private_ip_address for i in range(3)]
    assert ips == ["10.0.0.196", "10.0.0.197", "10.0.0.198"]
    # moving the subnet (what an automatic placement that shifts subnets would do) is refused
    exc = error(lambda: nc.subnets.begin_create_or_update(
        "rg1", "v", "snet-pep", {"properties": {"addressPrefix": "10.0.0.224/27"}}))
    assert (exc.status_code, exc.error.code) == (400, "InUsePrefixCannotBeDeleted")
    assert "IpPrefix 10.0.0.192/27 on Subnet snet-pep has active allocations" in exc.error.message
    # ... also when the subnet is written inline in a VNet PUT; nothing changed
    exc = error(lambda: nc.virtual_networks.begin_create_or_update(
        "rg1", "v", vnet("10.0.0.0/24", ("snet-pep", "10.0.0.224/27"))))
    assert exc.error.code == "InUsePrefixCannotBeDeleted"
    assert nc.subnets.get("rg1", "v", "snet-pep").address_prefix == "10.0.0.192/27"
    # growing the prefix so that every allocated address stays inside is accepted
    grown = nc.subnets.begin_create_or_update("rg1", "v", "snet-pep",
                                              {"properties": {"addressPrefix": "10.0.0.128/25"}}).result()
    assert grown.address_prefix == "10.0.0.128/25"
    # a VNet address space change that drops the range the subnet uses is refused
    exc = error(lambda: nc.virtual_networks.begin_create_or_update("rg1", "v", vnet("10.0.1.0/24")))
    assert (exc.status_code, exc.error.code) == (400, "NetcfgSubnetRangeOutsideVnet")
    assert nc.virtual_networks.get("rg1", "v").address_space.address_prefixes == ["10.0.0.0/24"]
    # once the endpoints are gone the subnet may move
    for i in range(3):
        nc.private_endpoints.begin_delete("rg1", f"pe{i}").result()
    moved = nc.subnets.begin_create_or_update("rg1", "v", "snet-pep",
                                              {"properties": {"addressPrefix": "10.0.0.0/26"}}).result()
    assert moved.address_prefix == "10.0.0.0/26"


# ---------------------------------------------------------------------------- linked access
@pytest.fixture
def team(arm: Arm, clients: Clients) -> tuple[Clients, dict[str, Any]]:
    """A team identity: Contributor on its spoke resource group, Reader on the hub's."""
    arm.make_rg("rg-hub")
    arm.make_rg("rg-spoke")
    p = arm.admin("POST", "/principals", {"name": "chat-team", "role": "Contributor", "scope": arm.rg("rg-spoke")})
    grant(arm, clients, p, "acdd72a7-3385-48ef-bd42-f606fba81ae7", arm.rg("rg-hub"))
    return Clients(arm.emu, token=p["token"]), p


def grant(arm: Arm, clients: Clients, p: dict[str, Any], role: str, scope: str) -> None:
    clients.authorization.role_assignments.create(scope, str(uuid.uuid4()), {"properties": {
        "roleDefinitionId": f"{arm.sub()}/providers/Microsoft.Authorization/roleDefinitions/{role}",
        "principalId": p["object_id"], "principalType": "ServicePrincipal"}})


def test_team_cannot_link_the_hub_route_table_without_join_permission(
        arm: Arm, clients: Clients, team: tuple[Clients, dict[str, Any]]) -> None:
    mine, p = team
    rt = clients.network.route_tables.begin_create_or_update("rg-hub", "rt-hub", {"location": "eastus"}).result()
    mine.network.virtual_networks.begin_create_or_update("rg-spoke", "spoke", vnet("10.1.0.0/16")).result()
    subnet = {"properties": {"addressPrefix": "10.1.0.0/24", "routeTable": {"id": rt.id}}}
    exc = error(lambda: mine.network.subnets.begin_create_or_update("rg-spoke", "spoke", "app", subnet))
    assert (exc.status_code, exc.error.code) == (403, "LinkedAuthorizationFailed")
    assert "'Microsoft.Network/routeTables/join/action'" in exc.error.message
    assert f"linked scope(s) '{rt.id}'" in exc.error.message
    assert "'Microsoft.Network/virtualNetworks/subnets/write'" in exc.error.message
    # the same association inline in a VNet PUT is refused as well, and nothing was written
    exc = error(lambda: mine.network.virtual_networks.begin_create_or_update("rg-spoke", "spoke", {
        **vnet("10.1.0.0/16"), "properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]},
                                              "subnets": [{"name": "app", **subnet}]}}))
    assert exc.error.code == "LinkedAuthorizationFailed"
    assert clients.network.route_tables.get("rg-hub", "rt-hub").subnets is None
    # Network Contributor on the hub grants the join action
    grant(arm, clients, p, NETWORK_CONTRIBUTOR, arm.rg("rg-hub"))
    done = mine.network.subnets.begin_create_or_update("rg-spoke", "spoke", "app", subnet).result()
    assert done.route_table.id == rt.id


def test_team_links_need_join_peer_and_zone_permissions(
        arm: Arm, clients: Clients, team: tuple[Clients, dict[str, Any]]) -> None:
    mine, _ = team
    nc = clients.network
    hub = nc.virtual_networks.begin_create_or_update("rg-hub", "hub", vnet("10.0.0.0/16", ("pep", "10.0.1.0/24"))
                                                     ).result()
    zone = clients.privatedns.private_zones.begin_create_or_update(
        "rg-hub", "privatelink.openai.azure.com", {"location": "global"}).result()
    spoke = mine.network.virtual_networks.begin_create_or_update("rg-spoke", "spoke", vnet("10.1.0.0/16")).result()
    # a peering needs peer/action on the remote VNet
    exc = error(lambda: mine.network.virtual_network_peerings.begin_create_or_update(
        "rg-spoke", "spoke", "to-hub", {"properties": {"remoteVirtualNetwork": {"id": hub.id}}}))
    assert exc.error.code == "LinkedAuthorizationFailed"
    assert "'Microsoft.Network/virtualNetworks/peer/action'" in exc.error.message and hub.id in exc.error.message
    # a private endpoint in the hub's subnet needs subnets/join/action
    exc = error(lambda: private_endpoint(mine.network, "rg-spoke", "pe", hub.subnets[0].id))
    assert exc.error.code == "LinkedAuthorizationFailed"
    assert "'Microsoft.Network/virtualNetworks/subnets/join/action'" in exc.error.message
    # a DNS zone group pointing at the hub's zone needs privateDnsZones/join/action
    mine.network.subnets.begin_create_or_update("rg-spoke", "spoke", "pep",
                                                {"properties": {"addressPrefix": "10.1.1.0/24"}}).result()
    pe = private_endpoint(mine.network, "rg-spoke", "pe", f"{spoke.id}/subnets/pep")
    exc = error(lambda: mine.network.private_dns_zone_groups.begin_create_or_update(
        "rg-spoke", "pe", "default", {"properties": {"privateDnsZoneConfigs": [
            {"name": "openai", "properties": {"privateDnsZoneId": zone.id}}]}}))
    assert exc.error.code == "LinkedAuthorizationFailed"
    assert "'Microsoft.Network/privateDnsZones/join/action'" in exc.error.message
    assert pe.name == "pe"
    # linking the hub zone to the spoke VNet is the platform's job: it needs virtualNetworks/join/action
    # on the VNet; the platform identity (admin here) holds it
    link = clients.privatedns.virtual_network_links.begin_create_or_update(
        "rg-hub", zone.name, "spoke", {"location": "global", "properties": {
            "virtualNetwork": {"id": spoke.id}, "registrationEnabled": False}}).result()
    assert link.virtual_network.id == spoke.id
    # the team itself cannot write in the hub at all
    assert error(lambda: mine.privatedns.virtual_network_links.begin_create_or_update(
        "rg-hub", zone.name, "spoke2", {"location": "global", "properties": {
            "virtualNetwork": {"id": spoke.id}}})).error.code == "AuthorizationFailed"


def test_zone_link_needs_vnet_join_in_the_other_resource_group(arm: Arm, clients: Clients) -> None:
    arm.make_rg("rg-dns")
    arm.make_rg("rg-net")
    p = arm.admin("POST", "/principals", {"name": "dns", "role": "Private DNS Zone Contributor",
                                          "scope": arm.rg("rg-dns")})
    grant(arm, clients, p, "acdd72a7-3385-48ef-bd42-f606fba81ae7", arm.rg("rg-net"))
    v = clients.network.virtual_networks.begin_create_or_update("rg-net", "v", vnet("10.5.0.0/16")).result()
    zone = clients.privatedns.private_zones.begin_create_or_update(
        "rg-dns", "privatelink.search.windows.net", {"location": "global"}).result()
    dns = Clients(arm.emu, token=p["token"])
    link = {"location": "global", "properties": {"virtualNetwork": {"id": v.id}}}
    exc = error(lambda: dns.privatedns.virtual_network_links.begin_create_or_update("rg-dns", zone.name, "v", link))
    assert (exc.status_code, exc.error.code) == (403, "LinkedAuthorizationFailed")
    assert "'Microsoft.Network/virtualNetworks/join/action'" in exc.error.message and v.id in exc.error.message
    grant(arm, clients, p, NETWORK_CONTRIBUTOR, v.id)
    assert dns.privatedns.virtual_network_links.begin_create_or_update(
        "rg-dns", zone.name, "v", link).result().virtual_network.id == v.id


# ---------------------------------------------------------------------------- model catalogue
@pytest.fixture
def cs(clients: Clients, arm: Arm) -> Any:
    arm.make_rg("rg1")
    clients.cognitive.accounts.begin_create("rg1", "ai", {"location": "swedencentral", "kind": "AIServices",
                                                          "sku": {"name": "S0"}, "properties": {}}).result()
    return clients.cognitive


def dep(name: str, version: str, sku: str = "DataZoneStandard", capacity: int = 10) -> dict[str, Any]:
    return {"sku": {"name": sku, "capacity": capacity},
            "properties": {"model": {"format": "OpenAI", "name": name, "version": version}}}


def test_regional_model_catalogue_lists_versions_skus_and_deprecation(cs: Any) -> None:
    models = list(cs.models.list("swedencentral"))
    by = {(m.kind, m.model.name, m.model.version): m for m in models}
    gpt4o = by[("AIServices", "gpt-4o", "2024-11-20")]
    assert gpt4o.model.is_default_version is True and gpt4o.model.lifecycle_status == "GenerallyAvailable"
    skus = {s.name: s for s in gpt4o.model.skus}
    assert {"GlobalStandard", "DataZoneStandard", "Standard"} <= set(skus)
    assert skus["DataZoneStandard"].usage_name == "OpenAI.DataZoneStandard.gpt-4o"
    assert skus["DataZoneStandard"].capacity.maximum >= 50 and skus["DataZoneStandard"].deprecation_date
    assert gpt4o.model.deprecation.inference.startswith("2027-")
    # retired versions are listed, with their past dates
    retired = by[("OpenAI", "gpt-35-turbo", "0613")]
    assert retired.model.lifecycle_status == "Deprecated" and retired.model.deprecation.inference < "2026"
    # regions differ: Standard gpt-4o is not offered in westeurope, DataZoneStandard is not in japaneast
    west = {(m.model.name, m.model.version): {s.name for s in m.model.skus} for m in cs.models.list("West Europe")}
    assert "Standard" not in west[("gpt-4o", "2024-11-20")]
    japan = {(m.model.name, m.model.version): {s.name for s in m.model.skus} for m in cs.models.list("japaneast")}
    assert "DataZoneStandard" not in japan[("gpt-4o", "2024-11-20")]
    assert {(m.model.name, m.model.version) for m in models} >= {("text-embedding-3-large", "1"),
                                                                 ("gpt-4o-mini", "2024-07-18")}


def test_deployments_are_checked_against_the_catalogue(cs: Any) -> None:
    exc = error(lambda: cs.deployments.begin_create_or_update("rg1", "ai", "old", dep("gpt-35-turbo", "0613")))
    assert (exc.status_code, exc.error.code) == (400, "ServiceModelDeprecated")
    assert exc.error.message == ("The model 'Format:OpenAI,Name:gpt-35-turbo,Version:0613' has been deprecated "
                                 "since 02/13/2025 00:00:00.")
    assert error(lambda: cs.deployments.begin_create_or_update(
        "rg1", "ai", "old", dep("gpt-4o", "2024-05-13"))).error.code == "ServiceModelDeprecated"
    assert error(lambda: cs.deployments.begin_create_or_update(
        "rg1", "ai", "old", dep("ada", "1", "Standard"))).error.code == "DeploymentModelNotSupported"
    exc = error(lambda: cs.deployments.begin_create_or_update("rg1", "ai", "x", dep("gpt-4o", "2099-01-01")))
    assert exc.error.code == "InvalidResourceProperties" and "'swedencentral'" in exc.error.message
    exc = error(lambda: cs.deployments.begin_create_or_update(
        "rg1", "ai", "x", dep("gpt-4.1", "2025-04-14", "Standard")))
    assert exc.error.code == "InvalidResourceProperties"
    assert exc.error.message == ("The specified SKU 'Standard' for model 'gpt-4.1 2025-04-14' is not supported "
                                 "in this region 'swedencentral'.")
    assert [d.name for d in cs.deployments.list("rg1", "ai")] == []
    # a current version deploys, and upgrading the version in place keeps the deployment
    first = cs.deployments.begin_create_or_update("rg1", "ai", "chat", dep("gpt-4o", "2024-08-06")).result()
    assert first.properties.model.version == "2024-08-06"
    upgraded = cs.deployments.begin_create_or_update("rg1", "ai", "chat", dep("gpt-4o", "2024-11-20")).result()
    assert upgraded.properties.model.version == "2024-11-20" and upgraded.id == first.id
    # the usages API names the quota the deployment takes
    usages = {u.name.value: u for u in cs.usages.list("swedencentral")}
    assert usages["OpenAI.DataZoneStandard.gpt-4o"].current_value == 10
    assert usages["OpenAI.DataZoneStandard.gpt-4o"].limit >= 10


# ---------------------------------------------------------------------------- peering sync
@pytest.mark.parametrize("first", ["spoke", "hub"])
def test_peering_sync_from_either_side_updates_both(first: str, clients: Clients, arm: Arm) -> None:
    arm.make_rg()
    nc = clients.network
    hub = nc.virtual_networks.begin_create_or_update("rg1", "hub", vnet("10.0.0.0/16")).result()
    spoke = nc.virtual_networks.begin_create_or_update("rg1", "spoke", vnet("10.1.0.0/16")).result()
    for local, name, remote in (("hub", "to-spoke", spoke), ("spoke", "to-hub", hub)):
        nc.virtual_network_peerings.begin_create_or_update(
            "rg1", local, name, {"properties": {"remoteVirtualNetwork": {"id": remote.id}}}).result()
    nc.virtual_networks.begin_create_or_update("rg1", "hub", vnet(["10.0.0.0/16", "10.9.0.0/16"])).result()
    hub_side = nc.virtual_network_peerings.get("rg1", "hub", "to-spoke")
    spoke_side = nc.virtual_network_peerings.get("rg1", "spoke", "to-hub")
    assert (hub_side.peering_sync_level, spoke_side.peering_sync_level) == ("LocalNotInSync", "RemoteNotInSync")
    assert spoke_side.remote_address_space.address_prefixes == ["10.0.0.0/16"]
    local, name, remote = ("spoke", "to-hub", hub) if first == "spoke" else ("hub", "to-spoke", spoke)
    nc.virtual_network_peerings.begin_create_or_update(
        "rg1", local, name, {"properties": {"remoteVirtualNetwork": {"id": remote.id}}},
        sync_remote_address_space="true").result()
    hub_side = nc.virtual_network_peerings.get("rg1", "hub", "to-spoke")
    spoke_side = nc.virtual_network_peerings.get("rg1", "spoke", "to-hub")
    assert (hub_side.peering_sync_level, spoke_side.peering_sync_level) == ("FullyInSync", "FullyInSync")
    assert spoke_side.remote_address_space.address_prefixes == ["10.0.0.0/16", "10.9.0.0/16"]
    assert spoke_side.remote_virtual_network_address_space.address_prefixes == ["10.0.0.0/16", "10.9.0.0/16"]
    assert hub_side.remote_address_space.address_prefixes == ["10.1.0.0/16"]
    # a plain PUT without the sync flag keeps what the peering knew
    nc.virtual_networks.begin_create_or_update("rg1", "spoke", vnet(["10.1.0.0/16", "10.2.0.0/16"])).result()
    nc.virtual_network_peerings.begin_create_or_update(
        "rg1", "hub", "to-spoke", {"properties": {"remoteVirtualNetwork": {"id": spoke.id}}}).result()
    hub_side = nc.virtual_network_peerings.get("rg1", "hub", "to-spoke")
    assert hub_side.peering_sync_level == "RemoteNotInSync"
    assert hub_side.remote_address_space.address_prefixes == ["10.1.0.0/16"]
    assert nc.virtual_network_peerings.get("rg1", "spoke", "to-hub").peering_sync_level == "LocalNotInSync"


# ---------------------------------------------------------------------------- DNS concurrency
def test_private_dns_record_sets_honour_if_match_and_if_none_match(clients: Clients, arm: Arm) -> None:
    arm.make_rg()
    dns = clients.privatedns
    zone = "privatelink.openai.azure.com"
    dns.private_zones.begin_create_or_update("rg1", zone, {"location": "global"}).result()
    record = {"properties": {"ttl": 10, "aRecords": [{"ipv4Address": "10.0.0.4"}]}}
    # azure-mgmt-privatedns 2.x spells If-None-Match: * as match_condition=IfMissing, and If-Match as
    # etag=... with match_condition=IfNotModified
    missing = {"match_condition": MatchConditions.IfMissing}
    created = dns.record_sets.create_or_update("rg1", zone, "A", "lock", record, **missing)
    assert created.etag and uuid.UUID(created.etag)  # Private DNS etags are plain GUIDs
    exc = error(lambda: dns.record_sets.create_or_update("rg1", zone, "A", "lock", record, **missing))
    assert (exc.status_code, exc.error.code) == (412, "PreconditionFailed")
    def unmodified(etag: str) -> dict[str, Any]:
        return {"etag": etag, "match_condition": MatchConditions.IfNotModified}

    exc = error(lambda: dns.record_sets.create_or_update("rg1", zone, "A", "lock", record,
                                                         **unmodified(str(uuid.uuid4()))))
    assert exc.status_code == 412
    updated = dns.record_sets.create_or_update(
        "rg1", zone, "A", "lock", {"properties": {**record["properties"], "ttl": 20}}, **unmodified(created.etag))
    assert updated.properties.ttl == 20 and updated.etag != created.etag
    # the loser of a race holds the old etag: its write and its delete are refused
    assert error(lambda: dns.record_sets.create_or_update(
        "rg1", zone, "A", "lock", record, **unmodified(created.etag))).status_code == 412
    assert error(lambda: dns.record_sets.delete("rg1", zone, "A", "lock",
                                                **unmodified(created.etag))).status_code == 412
    dns.record_sets.delete("rg1", zone, "A", "lock", **unmodified(updated.etag))
    assert error(lambda: dns.record_sets.get("rg1", zone, "A", "lock")).status_code == 404
