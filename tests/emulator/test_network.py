"""Microsoft.Network as Azure answers it: address spaces, subnets in use, appliances, private
endpoints and private DNS, through the typed network and private DNS clients."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError

from .conftest import Arm, Clients

NET = "/providers/Microsoft.Network"


def vnet(space: str, *subnets: tuple[str, str], location: str = "eastus") -> dict[str, Any]:
    body: dict[str, Any] = {"location": location, "properties": {"addressSpace": {"addressPrefixes": [space]}}}
    if subnets:
        body["properties"]["subnets"] = [{"name": n, "properties": {"addressPrefix": p}} for n, p in subnets]
    return body


def code_of(call: Any) -> tuple[int, str, str]:
    with pytest.raises(HttpResponseError) as exc:
        result = call()
        if hasattr(result, "result"):
            result.result()
    return exc.value.status_code, exc.value.error.code, exc.value.error.message


@pytest.fixture
def nc(clients: Clients, arm: Arm) -> Any:
    arm.make_rg()
    return clients.network


def test_subnets_stay_inside_the_address_space_and_do_not_overlap(nc: Any) -> None:
    nc.virtual_networks.begin_create_or_update("rg1", "v", vnet("10.0.0.0/16", ("a", "10.0.1.0/24"))).result()
    status, code, message = code_of(lambda: nc.subnets.begin_create_or_update(
        "rg1", "v", "out", {"properties": {"addressPrefix": "10.1.0.0/24"}}))
    assert (status, code) == (400, "NetcfgSubnetRangeOutsideVnet")
    assert message == ("Subnet 'out' is not valid because its IP address range is outside the IP address range "
                       "of virtual network 'v'.")
    status, code, message = code_of(lambda: nc.subnets.begin_create_or_update(
        "rg1", "v", "b", {"properties": {"addressPrefix": "10.0.1.128/25"}}))
    assert (status, code) == (400, "NetcfgSubnetRangesOverlap")
    assert "overlaps with that of an existing subnet in virtual network 'v'" in message
    # the same checks on inline subnets of a VNet PUT
    assert code_of(lambda: nc.virtual_networks.begin_create_or_update(
        "rg1", "w", vnet("10.0.0.0/16", ("a", "10.0.1.0/24"), ("b", "10.0.1.0/26"))))[1] == "NetcfgSubnetRangesOverlap"
    assert code_of(lambda: nc.virtual_networks.begin_create_or_update(
        "rg1", "w", vnet("10.0.0.0/16", ("a", "10.9.1.0/24"))))[1] == "NetcfgSubnetRangeOutsideVnet"
    # shrinking the address space under an existing subnet
    assert code_of(lambda: nc.virtual_networks.begin_create_or_update(
        "rg1", "v", vnet("10.0.2.0/24")))[1] == "NetcfgSubnetRangeOutsideVnet"
    assert code_of(lambda: nc.subnets.begin_create_or_update(
        "rg1", "v", "c", {"properties": {"addressPrefix": "10.0.2.1/24"}}))[1] == "InvalidAddressPrefixFormat"


def test_inline_and_child_subnets_are_one_collection(nc: Any, arm: Arm) -> None:
    nc.virtual_networks.begin_create_or_update("rg1", "v", vnet("10.0.0.0/16", ("a", "10.0.1.0/24"))).result()
    nc.subnets.begin_create_or_update("rg1", "v", "b", {"properties": {"addressPrefix": "10.0.2.0/24"}}).result()
    assert [s.name for s in nc.virtual_networks.get("rg1", "v").subnets] == ["a", "b"]
    assert nc.subnets.get("rg1", "v", "a").address_prefix == "10.0.1.0/24"
    # api-version 2023-09-01 and later: a VNet PUT without 'subnets' keeps them
    nc.virtual_networks.begin_create_or_update("rg1", "v", vnet("10.0.0.0/16")).result()
    assert [s.name for s in nc.virtual_networks.get("rg1", "v").subnets] == ["a", "b"]
    # before 2023-09-01 the PUT replaces the collection: omitted subnets go away
    r = arm.put(arm.rg("rg1", f"{NET}/virtualNetworks/v"), vnet("10.0.0.0/16", ("a", "10.0.1.0/24")),
                api="2023-05-01")
    assert r.status_code == 200
    assert [s.name for s in nc.virtual_networks.get("rg1", "v").subnets] == ["a"]
    assert arm.get(arm.rg("rg1", f"{NET}/virtualNetworks/v/subnets/b")).status_code == 404
    # ... and an old-version PUT without subnets removes them all
    arm.put(arm.rg("rg1", f"{NET}/virtualNetworks/v"), vnet("10.0.0.0/16"), api="2023-05-01")
    assert nc.virtual_networks.get("rg1", "v").subnets == []


def _pe(nc: Any, arm: Arm, name: str, subnet_id: str, target: str = "") -> Any:
    target = target or "/subscriptions/other/resourceGroups/y/providers/Microsoft.Search/searchServices/s"
    return nc.private_endpoints.begin_create_or_update("rg1", name, {
        "location": "eastus", "properties": {"subnet": {"id": subnet_id}, "privateLinkServiceConnections": [
            {"name": "c", "properties": {"privateLinkServiceId": target, "groupIds": ["searchService"]}}]}}).result()


def test_in_use_subnet_cannot_be_deleted_or_dropped(nc: Any, arm: Arm) -> None:
    v = nc.virtual_networks.begin_create_or_update("rg1", "v", vnet("10.0.0.0/16", ("pe", "10.0.1.0/24"))).result()
    pe = _pe(nc, arm, "pe1", v.subnets[0].id)
    subnet = nc.subnets.get("rg1", "v", "pe")
    assert [p.id for p in subnet.private_endpoints] == [pe.id]
    assert subnet.ip_configurations[0].id.startswith(pe.network_interfaces[0].id + "/ipConfigurations/")
    status, code, message = code_of(lambda: nc.subnets.begin_delete("rg1", "v", "pe"))
    assert (status, code) == (400, "InUseSubnetCannotBeDeleted")
    assert message.startswith("Subnet pe is in use by ") and message.endswith("See aka.ms/deletesubnet.")
    # an old-version VNet PUT that drops the subnet is refused too, and changes nothing
    r = arm.put(arm.rg("rg1", f"{NET}/virtualNetworks/v"), vnet("10.0.0.0/16"), api="2023-05-01")
    assert r.status_code == 400 and r.json()["error"]["code"] == "InUseSubnetCannotBeDeleted"
    assert [s.name for s in nc.virtual_networks.get("rg1", "v").subnets] == ["pe"]
    nc.private_endpoints.begin_delete("rg1", "pe1").result()
    assert nc.subnets.get("rg1", "v", "pe").ip_configurations is None
    nc.subnets.begin_delete("rg1", "v", "pe").result()


def test_references_must_exist_in_the_same_region(nc: Any) -> None:
    nc.virtual_networks.begin_create_or_update("rg1", "v", vnet("10.0.0.0/16")).result()
    nsg_id = f"/subscriptions/{nc._config.subscription_id}/resourceGroups/rg1{NET}/networkSecurityGroups/nsg"
    status, code, message = code_of(lambda: nc.subnets.begin_create_or_update(
        "rg1", "v", "a", {"properties": {"addressPrefix": "10.0.1.0/24", "networkSecurityGroup": {"id": nsg_id}}}))
    assert (status, code) == (400, "InvalidResourceReference")
    assert message.startswith(f"Resource {nsg_id} referenced by resource ")
    nc.network_security_groups.begin_create_or_update("rg1", "nsg", {"location": "westus"}).result()
    assert code_of(lambda: nc.subnets.begin_create_or_update(
        "rg1", "v", "a", {"properties": {"addressPrefix": "10.0.1.0/24", "networkSecurityGroup": {"id": nsg_id}}}
    ))[1] == "InvalidResourceReference"
    nc.network_security_groups.begin_create_or_update("rg1", "nsg2", {"location": "eastus"}).result()
    sub = nc.subnets.begin_create_or_update("rg1", "v", "a", {"properties": {
        "addressPrefix": "10.0.1.0/24", "networkSecurityGroup": {"id": nsg_id + "2"}}}).result()
    assert sub.network_security_group.id == nsg_id + "2"
    assert [s.id for s in nc.network_security_groups.get("rg1", "nsg2").subnets] == [sub.id]
    # an associated NSG cannot be deleted
    status, code, message = code_of(lambda: nc.network_security_groups.begin_delete("rg1", "nsg2"))
    assert (status, code) == (400, "InUseNetworkSecurityGroupCannotBeDeleted") and sub.id in message


def test_nsg_rules_default_rules_and_priorities(nc: Any) -> None:
    nsg = nc.network_security_groups.begin_create_or_update("rg1", "nsg", {"location": "eastus"}).result()
    assert len(nsg.default_security_rules) == 6 and nsg.security_rules == []
    rule = {"priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
            "sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationAddressPrefix": "*",
            "destinationPortRange": "443"}
    nc.security_rules.begin_create_or_update("rg1", "nsg", "https", {"properties": rule}).result()
    assert [r.name for r in nc.network_security_groups.get("rg1", "nsg").security_rules] == ["https"]
    status, code, message = code_of(lambda: nc.security_rules.begin_create_or_update(
        "rg1", "nsg", "dup", {"properties": rule}))
    assert (status, code) == (400, "SecurityRuleConflict")
    assert code_of(lambda: nc.security_rules.begin_create_or_update(
        "rg1", "nsg", "bad", {"properties": {**rule, "priority": 5000}}))[1] == "SecurityRuleInvalidPriority"
    # outbound at the same priority is fine
    nc.security_rules.begin_create_or_update("rg1", "nsg", "out", {"properties": {
        **rule, "direction": "Outbound"}}).result()


def test_route_tables_and_routes(nc: Any) -> None:
    rt = nc.route_tables.begin_create_or_update("rg1", "rt", {"location": "eastus", "properties": {
        "disableBgpRoutePropagation": True, "routes": [{"name": "default", "properties": {
            "addressPrefix": "0.0.0.0/0", "nextHopType": "VirtualAppliance", "nextHopIpAddress": "10.0.0.4"}}]}}
    ).result()
    assert [(r.name, r.next_hop_ip_address) for r in rt.routes] == [("default", "10.0.0.4")]
    assert code_of(lambda: nc.routes.begin_create_or_update("rg1", "rt", "x", {"properties": {
        "addressPrefix": "10.9.0.0/16", "nextHopType": "VirtualAppliance"}}))[1] == "InvalidNextHopIpAddress"
    assert code_of(lambda: nc.routes.begin_create_or_update("rg1", "rt", "x", {"properties": {
        "addressPrefix": "10.9.0.0/16", "nextHopType": "Internet", "nextHopIpAddress": "10.0.0.4"}}))[1] \
        == "NextHopIpAddressNotAllowed"
    nc.routes.begin_create_or_update("rg1", "rt", "x", {"properties": {
        "addressPrefix": "10.9.0.0/16", "nextHopType": "VnetLocal"}}).result()
    assert sorted(r.name for r in nc.route_tables.get("rg1", "rt").routes) == ["default", "x"]
    v = nc.virtual_networks.begin_create_or_update("rg1", "v", vnet("10.0.0.0/16")).result()
    sub = nc.subnets.begin_create_or_update("rg1", "v", "a", {"properties": {
        "addressPrefix": "10.0.1.0/24", "routeTable": {"id": rt.id}}}).result()
    assert [s.id for s in nc.route_tables.get("rg1", "rt").subnets] == [sub.id] and v.id in sub.id
    assert code_of(lambda: nc.route_tables.begin_delete("rg1", "rt"))[1] == "InUseRouteTableCannotBeDeleted"


def test_peerings_refuse_overlaps_and_track_state(nc: Any, arm: Arm) -> None:
    hub = nc.virtual_networks.begin_create_or_update("rg1", "hub", vnet("10.0.0.0/16")).result()
    a = nc.virtual_networks.begin_create_or_update("rg1", "a", vnet("10.1.0.0/16")).result()
    b = nc.virtual_networks.begin_create_or_update("rg1", "b", vnet("10.1.128.0/17")).result()
    clash = nc.virtual_networks.begin_create_or_update("rg1", "clash", vnet("10.0.5.0/24")).result()
    status, code, message = code_of(lambda: nc.virtual_network_peerings.begin_create_or_update(
        "rg1", "hub", "to-clash", {"properties": {"remoteVirtualNetwork": {"id": clash.id}}}))
    assert (status, code) == (400, "VnetAddressSpacesOverlap") and "10.0.5.0/24" in message

    def peer(local: str, name: str, remote: Any) -> Any:
        return nc.virtual_network_peerings.begin_create_or_update(
            "rg1", local, name, {"properties": {"remoteVirtualNetwork": {"id": remote.id}}}).result()

    p1 = peer("hub", "to-a", a)
    assert p1.peering_state == "Initiated" and p1.remote_address_space.address_prefixes == ["10.1.0.0/16"]
    assert peer("a", "to-hub", hub).peering_state == "Connected"
    assert nc.virtual_network_peerings.get("rg1", "hub", "to-a").peering_state == "Connected"
    # b overlaps a, which is already peered with the hub
    assert code_of(lambda: nc.virtual_network_peerings.begin_create_or_update(
        "rg1", "hub", "to-b", {"properties": {"remoteVirtualNetwork": {"id": b.id}}}
    ))[1] == "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet"
    # an address space change leaves the peerings out of sync until re-synced
    nc.virtual_networks.begin_create_or_update("rg1", "a", {**vnet("10.1.0.0/16"), "properties": {
        "addressSpace": {"addressPrefixes": ["10.1.0.0/16", "10.2.0.0/16"]}}}).result()
    assert nc.virtual_network_peerings.get("rg1", "hub", "to-a").peering_sync_level == "RemoteNotInSync"
    assert nc.virtual_network_peerings.get("rg1", "a", "to-hub").peering_sync_level == "LocalNotInSync"
    path = arm.rg("rg1", f"{NET}/virtualNetworks/hub/virtualNetworkPeerings/to-a")
    r = arm.put(f"{path}?syncRemoteAddressSpace=true&api-version=2024-05-01",
                {"properties": {"remoteVirtualNetwork": {"id": a.id}}}, api=None)
    assert r.status_code == 200
    synced = nc.virtual_network_peerings.get("rg1", "hub", "to-a")
    assert synced.peering_sync_level == "FullyInSync"
    assert synced.remote_address_space.address_prefixes == ["10.1.0.0/16", "10.2.0.0/16"]


def _hub(nc: Any, *subnets: tuple[str, str]) -> Any:
    return nc.virtual_networks.begin_create_or_update("rg1", "hub", vnet("10.0.0.0/16", *subnets)).result()


def _pip(nc: Any, name: str, sku: str = "Standard", method: str = "Static") -> Any:
    return nc.public_ip_addresses.begin_create_or_update("rg1", name, {
        "location": "eastus", "sku": {"name": sku}, "properties": {"publicIPAllocationMethod": method}}).result()


def _firewall(nc: Any, subnet_id: str, pip_id: str, name: str = "fw") -> Any:
    return nc.azure_firewalls.begin_create_or_update("rg1", name, {"location": "eastus", "properties": {
        "sku": {"name": "AZFW_VNet", "tier": "Standard"}, "ipConfigurations": [{"name": "ipconfig1", "properties": {
            "subnet": {"id": subnet_id}, "publicIPAddress": {"id": pip_id}}}]}})


def test_azure_firewall_needs_its_subnet_and_a_standard_static_ip(nc: Any) -> None:
    hub = _hub(nc, ("AzureFirewallSubnet", "10.0.0.0/26"), ("small", "10.0.1.0/27"))
    fw_subnet, other = hub.subnets[0].id, hub.subnets[1].id
    pip = _pip(nc, "pip")
    assert code_of(lambda: _firewall(nc, other, pip.id))[1] == "SubnetNameMustBeAzureFirewallSubnet"
    assert code_of(lambda: nc.public_ip_addresses.begin_create_or_update("rg1", "dyn", {
        "location": "eastus", "sku": {"name": "Standard"}, "properties": {"publicIPAllocationMethod": "Dynamic"}}
    ))[1] == "StandardSkuPublicIPAddressesMustBeStatic"
    basic = _pip(nc, "basic", sku="Basic", method="Dynamic")
    assert code_of(lambda: _firewall(nc, fw_subnet, basic.id))[1] == "PublicIpAddressMustBeStandardStatic"
    fw = _firewall(nc, fw_subnet, pip.id).result()
    ip = fw.ip_configurations[0].private_ip_address
    assert ip == "10.0.0.4"
    assert nc.public_ip_addresses.get("rg1", "pip").ip_configuration.id == fw.ip_configurations[0].id
    # the public IP is taken now
    assert code_of(lambda: _firewall(nc, fw_subnet, pip.id, name="fw2"))[1] == "PublicIPAddressInUse"
    # a re-PUT keeps the address; the subnet is in use
    assert _firewall(nc, fw_subnet, pip.id).result().ip_configurations[0].private_ip_address == ip
    assert code_of(lambda: nc.subnets.begin_delete("rg1", "hub", "AzureFirewallSubnet"))[1] == \
        "InUseSubnetCannotBeDeleted"
    assert code_of(lambda: nc.virtual_networks.begin_delete("rg1", "hub"))[1] == "InUseSubnetCannotBeDeleted"
    assert code_of(lambda: nc.public_ip_addresses.begin_delete("rg1", "pip"))[1] == "PublicIPAddressCannotBeDeleted"
    # a /27 AzureFirewallSubnet is too small
    nc.virtual_networks.begin_create_or_update("rg1", "tiny", vnet("10.5.0.0/24", (
        "AzureFirewallSubnet", "10.5.0.0/27"))).result()
    tiny_subnet = nc.subnets.get("rg1", "tiny", "AzureFirewallSubnet").id
    assert code_of(lambda: _firewall(nc, tiny_subnet, _pip(nc, "p2").id, name="fw3"))[1] == \
        "AzureFirewallSubnetPrefixTooSmall"


def test_firewall_policy_rule_collection_groups(nc: Any) -> None:
    policy = nc.firewall_policies.begin_create_or_update("rg1", "afwp", {"location": "eastus"}).result()
    assert policy.threat_intel_mode == "Alert"
    good = {"properties": {"priority": 200, "ruleCollections": [{
        "ruleCollectionType": "FirewallPolicyFilterRuleCollection", "name": "c", "priority": 100,
        "action": {"type": "Allow"}, "rules": [{"ruleType": "NetworkRule", "name": "dns", "ipProtocols": ["UDP"],
                                                "sourceAddresses": ["*"], "destinationAddresses": ["*"],
                                                "destinationPorts": ["53"]}]}]}}
    rcg = nc.firewall_policy_rule_collection_groups.begin_create_or_update("rg1", "afwp", "net", good).result()
    assert rcg.priority == 200
    assert [g.id for g in nc.firewall_policies.get("rg1", "afwp").rule_collection_groups] == [rcg.id]
    empty = {"properties": {"priority": 300, "ruleCollections": [{
        "ruleCollectionType": "FirewallPolicyFilterRuleCollection", "name": "none", "priority": 100,
        "action": {"type": "Allow"}, "rules": []}]}}
    status, code, _ = code_of(lambda: nc.firewall_policy_rule_collection_groups.begin_create_or_update(
        "rg1", "afwp", "app", empty))
    assert (status, code) == (400, "BadRequest")
    no_fqdn = {"properties": {"priority": 300, "ruleCollections": [{
        "ruleCollectionType": "FirewallPolicyFilterRuleCollection", "name": "web", "priority": 100,
        "action": {"type": "Allow"}, "rules": [{"ruleType": "ApplicationRule", "name": "r", "targetFqdns": [],
                                                "protocols": [{"protocolType": "Https", "port": 443}]}]}]}}
    assert code_of(lambda: nc.firewall_policy_rule_collection_groups.begin_create_or_update(
        "rg1", "afwp", "app", no_fqdn))[1] == "BadRequest"


def test_bastion_needs_azure_bastion_subnet_of_26_or_larger(nc: Any) -> None:
    hub = _hub(nc, ("AzureBastionSubnet", "10.0.0.0/27"), ("other", "10.0.1.0/24"))
    pip = _pip(nc, "pip")

    def bastion(subnet_id: str) -> Any:
        return nc.bastion_hosts.begin_create_or_update("rg1", "bas", {"location": "eastus", "properties": {
            "ipConfigurations": [{"name": "c", "properties": {"subnet": {"id": subnet_id},
                                                              "publicIPAddress": {"id": pip.id}}}]}})

    status, code, message = code_of(lambda: bastion(hub.subnets[1].id))
    assert (status, code) == (400, "SubnetNameMustBeAzureBastionSubnet")
    assert "can only be created in subnet with name 'AzureBastionSubnet'" in message
    assert code_of(lambda: bastion(hub.subnets[0].id))[1] == "AzureBastionSubnetPrefixTooSmall"
    nc.subnets.begin_create_or_update("rg1", "hub", "AzureBastionSubnet",
                                      {"properties": {"addressPrefix": "10.0.0.0/26"}}).result()
    bas = bastion(hub.subnets[0].id).result()
    assert bas.provisioning_state == "Succeeded" and bas.dns_name.endswith(".bastion.azure.com")


def test_application_gateway_needs_a_subnet_of_its_own(nc: Any, arm: Arm) -> None:
    hub = _hub(nc, ("agw", "10.0.0.0/24"), ("shared", "10.0.1.0/24"))
    agw_subnet, shared = hub.subnets[0].id, hub.subnets[1].id
    _pe(nc, arm, "pe1", shared)
    pip = _pip(nc, "pip")

    def gateway(subnet_id: str) -> Any:
        return nc.application_gateways.begin_create_or_update("rg1", "agw", {"location": "eastus", "properties": {
            "sku": {"name": "WAF_v2", "tier": "WAF_v2"}, "autoscaleConfiguration": {"minCapacity": 1},
            "gatewayIPConfigurations": [{"name": "gw", "properties": {"subnet": {"id": subnet_id}}}],
            "frontendIPConfigurations": [{"name": "pub", "properties": {"publicIPAddress": {"id": pip.id}}}]}})

    assert code_of(lambda: gateway(shared))[1] == "ApplicationGatewaySubnetCannotBeUsedByOtherResources"
    agw = gateway(agw_subnet).result()
    assert agw.operational_state == "Running"
    assert agw.gateway_ip_configurations[0].id == f"{agw.id}/gatewayIPConfigurations/gw"
    sub = nc.subnets.get("rg1", "hub", "agw")
    assert [c.id for c in sub.application_gateway_ip_configurations] == [agw.gateway_ip_configurations[0].id]
    # and nothing else may move in
    assert code_of(lambda: _pe(nc, arm, "pe2", agw_subnet))[1] == "ApplicationGatewaySubnetCannotBeUsedByOtherResources"


def test_private_endpoints_get_distinct_ips_and_dns_records(clients: Clients, nc: Any, arm: Arm) -> None:
    v = nc.virtual_networks.begin_create_or_update("rg1", "v", vnet("10.0.0.0/16", ("pe", "10.0.2.0/27"))).result()
    subnet_id = v.subnets[0].id
    acct = clients.cognitive.accounts.begin_create("rg1", "acct", {
        "location": "eastus", "kind": "AIServices", "sku": {"name": "S0"},
        "properties": {"customSubDomainName": "acct-sub"}}).result()
    pe = nc.private_endpoints.begin_create_or_update("rg1", "pe-acct", {
        "location": "eastus", "properties": {"subnet": {"id": subnet_id}, "customNetworkInterfaceName": "nic-acct",
                                             "privateLinkServiceConnections": [{"name": "c", "properties": {
                                                 "privateLinkServiceId": acct.id, "groupIds": ["account"]}}]}}).result()
    assert pe.network_interfaces[0].id.endswith("/networkInterfaces/nic-acct")
    conn = pe.private_link_service_connections[0].private_link_service_connection_state
    assert (conn.status, conn.description) == ("Approved", "Auto-Approved")
    assert {c.fqdn for c in pe.custom_dns_configs} == {
        "acct-sub.cognitiveservices.azure.com", "acct-sub.openai.azure.com", "acct-sub.services.ai.azure.com"}
    ip = pe.custom_dns_configs[0].ip_addresses[0]
    assert ip == "10.0.2.4"
    other = _pe(nc, arm, "pe2", subnet_id)
    other_ip = nc.network_interfaces.get("rg1", other.network_interfaces[0].id.rsplit("/", 1)[-1]) \
        .ip_configurations[0].private_ip_address
    assert other_ip == "10.0.2.5"
    # the target sees the connection
    seen = clients.cognitive.accounts.get("rg1", "acct").properties.private_endpoint_connections
    assert [c.properties.private_endpoint.id for c in seen] == [pe.id]
    # zone group -> A records in the zones
    dns = clients.privatedns
    zones = ["privatelink.cognitiveservices.azure.com", "privatelink.openai.azure.com",
             "privatelink.blob.core.windows.net"]
    for z in zones:
        dns.private_zones.begin_create_or_update("rg1", z, {"location": "global"}).result()
    zone_id = f"/subscriptions/{nc._config.subscription_id}/resourceGroups/rg1{NET}/privateDnsZones/"
    group = nc.private_dns_zone_groups.begin_create_or_update("rg1", "pe-acct", "default", {"properties": {
        "privateDnsZoneConfigs": [{"name": z.replace(".", "-"), "properties": {"privateDnsZoneId": zone_id + z}}
                                  for z in zones]}}).result()
    sets = {c.private_dns_zone_id.rsplit("/", 1)[-1]: c.record_sets for c in group.private_dns_zone_configs}
    assert [(r.record_set_name, r.ip_addresses) for r in sets["privatelink.openai.azure.com"]] == [("acct-sub", [ip])]
    assert sets["privatelink.blob.core.windows.net"] == []
    record = dns.record_sets.get("rg1", "privatelink.cognitiveservices.azure.com", "A", "acct-sub")
    assert record.a_records[0].ipv4_address == ip and record.fqdn == "acct-sub.privatelink.cognitiveservices.azure.com."
    zone = dns.private_zones.get("rg1", "privatelink.openai.azure.com")
    assert zone.number_of_record_sets == 2  # SOA + the A record
    assert sorted(r.type.rsplit("/", 1)[-1] for r in dns.record_sets.list("rg1", "privatelink.openai.azure.com")) \
        == ["A", "SOA"]
    # deleting the endpoint removes its NIC, its zone group and the records
    nc.private_endpoints.begin_delete("rg1", "pe-acct").result()
    assert arm.get(pe.network_interfaces[0].id).status_code == 404
    assert dns.private_zones.get("rg1", "privatelink.openai.azure.com").number_of_record_sets == 1
    assert ipaddress.ip_address(other_ip) in ipaddress.ip_network("10.0.2.0/27")


def test_private_dns_zone_links(clients: Clients, nc: Any) -> None:
    v = nc.virtual_networks.begin_create_or_update("rg1", "v", vnet("10.0.0.0/16")).result()
    dns = clients.privatedns
    dns.private_zones.begin_create_or_update("rg1", "privatelink.search.windows.net", {"location": "global"}).result()
    link = dns.virtual_network_links.begin_create_or_update(
        "rg1", "privatelink.search.windows.net", "l1",
        {"location": "global", "properties": {"virtualNetwork": {"id": v.id}, "registrationEnabled": False}}).result()
    assert link.virtual_network_link_state == "Completed"
    zone = dns.private_zones.get("rg1", "privatelink.search.windows.net")
    assert zone.number_of_virtual_network_links == 1 and zone.max_number_of_record_sets == 25000
    status, code, _ = code_of(lambda: dns.virtual_network_links.begin_create_or_update(
        "rg1", "privatelink.search.windows.net", "l2",
        {"location": "global", "properties": {"virtualNetwork": {"id": v.id}}}))
    assert (status, code) == (409, "Conflict")
    missing = v.id + "x"
    assert code_of(lambda: dns.virtual_network_links.begin_create_or_update(
        "rg1", "privatelink.search.windows.net", "l3",
        {"location": "global", "properties": {"virtualNetwork": {"id": missing}}}))[1] == "InvalidResourceReference"
