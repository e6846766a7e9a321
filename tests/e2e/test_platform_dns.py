"""Issue 14, DNS as Azure landing zones do it and the platform egress rules: the reference plan
converges with the firewall's DNS proxy on, spoke VNets resolving through the firewall's private
IP, the private DNS zones linked to the hub VNet only, and ``rcg-platform-egress``; DNS proxy
drift is found, breaks ``verify`` and is repaired; a landing zone that still has spoke links
keeps them until ``apply --prune``."""

from __future__ import annotations

import json

from tests.e2e.day2_support import REFERENCE, applied_reference, edited
from tests.ops.helpers import edit, find

NETWORK_API = "2024-05-01"
POLICY = "/firewallpolicies/afwp-contoso-ai-hub"


def _edges(graph: dict) -> set[tuple[str, str]]:
    address = {n["id"]: n["address"] for n in graph["nodes"]}
    return {(address[e["from"]], address[e["to"]]) for e in graph["edges"]}


def _firewall_ip(resources: dict) -> str:
    (firewall,) = [b for k, b in resources.items() if "/azurefirewalls/" in k and k.count("/") == 8]
    return firewall["properties"]["ipConfigurations"][0]["properties"]["privateIPAddress"]


def test_spokes_resolve_through_the_firewall_proxy_and_zones_link_to_the_hub_only(cli, emulator, plan_file) -> None:
    zone = applied_reference(cli, emulator, plan_file)
    resources = zone.resources()
    policy = resources[find(emulator, POLICY).lower()]
    assert policy["properties"]["dnsSettings"]["enableProxy"] is True
    spoke_vnet = resources[find(emulator, "/virtualnetworks/vnet-contoso-ai-chat").lower()]
    assert spoke_vnet["properties"]["dhcpOptions"]["dnsServers"] == [_firewall_ip(resources)]
    links = [b for k, b in resources.items() if "/virtualnetworklinks/" in k]
    zones = [k for k in resources if k.endswith(tuple(f"/privatednszones/{z}" for z in (
        "privatelink.openai.azure.com", "privatelink.search.windows.net")))]
    # every zone (the private endpoints' privatelink zones, the AI gateway's azure-api.net): one link each
    assert zones and links and len(links) == len([k for k in resources if k.count("/") == 8 and (
        "/privatednszones/privatelink." in k or k.endswith("/privatednszones/azure-api.net"))])
    assert {link["properties"]["virtualNetwork"]["id"].lower().rsplit("/", 1)[-1] for link in links} == \
        {"vnet-contoso-ai-hub"}

    egress = resources[find(emulator, f"{POLICY}/rulecollectiongroups/rcg-platform-egress").lower()]
    network = next(c for c in egress["properties"]["ruleCollections"] if c["name"] == "platform-service-tags")
    tags = {d for r in network["rules"] for d in r["destinationAddresses"]}
    assert {"AzureMonitor", "AzureActiveDirectory", "AzureResourceManager", "CognitiveServicesManagement"} == tags
    # the Linux jump box reaches its distribution's mirror and the Entra login package by name
    # (no FQDN tag covers Linux; the tags are for Windows machines the plan does not have)
    fqdns = next(c for c in egress["properties"]["ruleCollections"] if c["name"] == "platform-fqdns")
    packages = next(r for r in fqdns["rules"] if r["name"] == "jump-box-packages")
    assert {"azure.archive.ubuntu.com", "packages.microsoft.com"} <= set(packages["targetFqdns"])
    assert not [r for r in fqdns["rules"] if r.get("fqdnTags")]
    # the egress route waits for every rule collection group, the platform's included
    graph = json.loads(cli("graph", zone.plan_file(zone.text, "graph.yaml"), "--format", "json").stdout)
    assert ("hub.firewall_policy.rcg.rcg-platform-egress", "spokes.chat.route_table.egress") in _edges(graph)

    result = cli("verify", zone.plan_file(zone.text, "verify.yaml"), "--output", "json")
    assert result.exit_code == 0, [c for c in json.loads(result.stdout)["checks"] if c["status"] == "fail"]


def test_dns_proxy_turned_off_is_drift_that_breaks_verify_and_is_repaired(cli, emulator, plan_file) -> None:
    zone = applied_reference(cli, emulator, plan_file)
    path = zone.plan_file(zone.text, "ref.yaml")
    edit(emulator, find(emulator, POLICY), NETWORK_API,
         lambda b: b["properties"].update(dnsSettings={"enableProxy": False}))

    drift = cli("drift", path, "--output", "json")
    assert drift.exit_code == 2
    (item,) = json.loads(drift.stdout)["drifted"]
    assert item["address"] == "hub.firewall_policy"
    assert [d["path"] for d in item["diff"]] == ["properties.dnsSettings.enableProxy"]
    verify = cli("verify", path, "--output", "json")
    assert verify.exit_code == 2
    failed = [c for c in json.loads(verify.stdout)["checks"] if c["status"] == "fail"]
    assert failed and all(c["name"] == "private-endpoint-dns" for c in failed)
    assert "whose firewall resolves for it" not in failed[0]["detail"]

    code, report = cli.json("apply", path)
    assert code == 0 and [o["address"] for o in report["outcomes"] if o["action"] == "update"] == \
        ["hub.firewall_policy"]
    assert cli("verify", path).exit_code == 0


def test_spoke_dns_servers_removed_by_hand_are_put_back(cli, emulator, plan_file) -> None:
    zone = applied_reference(cli, emulator, plan_file)
    vnet = find(emulator, "/virtualnetworks/vnet-contoso-ai-chat")
    edit(emulator, vnet, NETWORK_API, lambda b: b["properties"].pop("dhcpOptions"))
    path = zone.plan_file(zone.text, "ref.yaml")
    assert cli("verify", path).exit_code == 2
    code, report = cli.json("apply", path)
    assert code == 0 and "spokes.chat.vnet" in [o["address"] for o in report["outcomes"] if o["action"] == "update"]
    assert zone.resources()[vnet.lower()]["properties"]["dhcpOptions"]["dnsServers"] == \
        [_firewall_ip(zone.resources())]


def test_an_existing_zone_with_spoke_links_keeps_them_until_prune(cli, emulator, plan_file) -> None:
    with_links = edited(REFERENCE, "  bastion: {}", "  bastion: {}\n  private_dns: {spoke_links: true}")
    zone = applied_reference(cli, emulator, plan_file, with_links)
    spoke_links = [k for k in zone.resources() if "/virtualnetworklinks/link-vnet-contoso-ai-chat" in k]
    zones = [k for k in zone.resources() if k.count("/") == 8 and (
        "/privatednszones/privatelink." in k or k.endswith("/privatednszones/azure-api.net"))]
    assert len(spoke_links) == len(zones) >= 5  # a link per zone

    code, report = zone.apply(REFERENCE)  # the new default: no spoke links; without --prune they stay
    assert code == 0
    assert [o for o in report["outcomes"] if o["action"] == "delete"] == []
    assert all(k in zone.resources() for k in spoke_links)
    code, plan = zone.plan_json(REFERENCE, "--prune")
    assert sorted(c["id"].lower() for c in plan["changes"] if c["action"] == "delete") == sorted(spoke_links)

    code, report = zone.apply(REFERENCE, "--prune", "--yes")
    assert code == 0
    assert not [k for k in zone.resources() if k in spoke_links]
    assert zone.converged()
    assert cli("verify", zone.plan_file(REFERENCE, "verify.yaml")).exit_code == 0


def test_dns_links_follow_the_proxy_setting(cli, plan_file) -> None:
    """Without a DNS proxy (or with spoke_links: true) every spoke gets its links, as before."""
    no_proxy = edited(REFERENCE, "    threat_intel: Alert", "    threat_intel: Alert\n    dns_proxy: false")
    graph = json.loads(cli("graph", plan_file(no_proxy, "no-proxy.yaml"), "--format", "json").stdout)
    addresses = {n["address"] for n in graph["nodes"]}
    assert "hub.dns_zone.privatelink.openai.azure.com.link.chat" in addresses
    assert ("hub.firewall", "spokes.chat.vnet") not in _edges(graph)
    no_egress = edited(REFERENCE, "    threat_intel: Alert", "    threat_intel: Alert\n    platform_egress: false")
    graph = json.loads(cli("graph", plan_file(no_egress, "no-egress.yaml"), "--format", "json").stdout)
    assert "hub.firewall_policy.rcg.rcg-platform-egress" not in {n["address"] for n in graph["nodes"]}


def test_a_misspelt_service_tag_is_refused_by_the_firewall_policy(cli, plan_file) -> None:
    typo = edited(REFERENCE, 'rules: [{name: dns, destinations: ["*"]',
                  'rules: [{name: dns, destinations: ["AzureMonitr"]')
    code, report = cli.json("apply", plan_file(typo, "typo.yaml"))
    assert code == 1
    (failed,) = [o for o in report["outcomes"] if o["status"] == "failed"]
    assert failed["address"] == "hub.firewall_policy.rcg.rcg-network"
    assert "AzureMonitr is not a known IP address or service tag" in json.dumps(failed)
    platform = next(o for o in report["outcomes"] if o["address"] == "hub.firewall_policy.rcg.rcg-platform-egress")
    assert platform["status"] == "succeeded"  # the real tag names of the platform group pass
