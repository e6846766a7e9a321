"""AI spokes on a hub the platform team already runs (``hub.existing``), through the CLI.

The existing hub is made the way a platform team makes it, with plain ARM calls through the typed
SDK clients (not lzengine): a VNet with a firewall, a VNet already peered with it, privatelink zones
in their own resource group and a Log Analytics workspace. Then lzengine adds a spoke, and the
emulator's per-resource write counters (``/_emulator/stats`` ``changes_by_id``) prove that nothing
of the hub was written except the documented hub-side peering and zone links (with
``peering``/``dns_links: lzengine``), or nothing at all (with ``platform`` for both).

One emulator and one hub serve the module; each scenario is its own landing zone with its own
spoke address space.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lzengine.emulator import Emulator
from tests.conftest import Cli, EmulatorClient
from tests.emulator.conftest import Clients

LOCATION = "swedencentral"
#: the privatelink zones an AI Services account and Search need (lzengine.plan.catalog)
ZONES = ("privatelink.cognitiveservices.azure.com", "privatelink.openai.azure.com",
         "privatelink.services.ai.azure.com", "privatelink.search.windows.net")
HUB_GROUPS = ("rg-connectivity", "rg-dns", "rg-management")
LOCK_RECORD = "/txt/lzengine-lock"
CHECKPOINT_RECORD = "/txt/lzengine-checkpoint"  # the verification checkpoint a converged apply advances


class Hub:
    """The existing hub's ids, made through plain ARM in ``build_hub``."""

    def __init__(self, subscription: str):
        rg = f"/subscriptions/{subscription}/resourceGroups"
        self.subscription = subscription
        self.vnet = f"{rg}/rg-connectivity/providers/Microsoft.Network/virtualNetworks/vnet-hub"
        self.firewall = f"{rg}/rg-connectivity/providers/Microsoft.Network/azureFirewalls/afw-hub"
        self.pip = f"{rg}/rg-connectivity/providers/Microsoft.Network/publicIPAddresses/pip-afw-hub"
        self.dns_group = f"{rg}/rg-dns"
        self.workspace = f"{rg}/rg-management/providers/Microsoft.OperationalInsights/workspaces/log-platform"
        self.other_vnet = f"{rg}/rg-connectivity/providers/Microsoft.Network/virtualNetworks/vnet-other-spoke"

    def zone(self, name: str) -> str:
        return f"{self.dns_group}/providers/Microsoft.Network/privateDnsZones/{name}"

    def own_resources(self) -> list[str]:
        """Every resource of the hub lzengine must never write."""
        return [self.vnet, self.firewall, self.pip, self.workspace, self.other_vnet,
                *[self.zone(z) for z in ZONES],
                *[f"/subscriptions/{self.subscription}/resourceGroups/{g}" for g in HUB_GROUPS]]


class _InSubscription:
    """An emulator seen from one of its other subscriptions (for the SDK clients' constructor)."""

    def __init__(self, emu: Emulator, subscription_id: str):
        self.url, self.ca_file, self.token, self.subscription_id = emu.url, emu.ca_file, emu.token, subscription_id


def build_hub(emu: Emulator, subscription: str | None = None) -> Hub:
    """The platform's hub, with the SDK clients directly (in ``subscription``, default the
    emulator's first)."""
    hub = Hub(subscription or emu.subscription_id)
    clients = Clients(_InSubscription(emu, hub.subscription))  # type: ignore[arg-type]
    for group in HUB_GROUPS:
        clients.resource.resource_groups.create_or_update(group, {"location": LOCATION})
    net = clients.network
    net.virtual_networks.begin_create_or_update("rg-connectivity", "vnet-hub", {
        "location": LOCATION, "properties": {
            "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
            "subnets": [{"name": "AzureFirewallSubnet", "properties": {"addressPrefix": "10.0.0.0/26"}}]}},
    ).result()
    net.public_ip_addresses.begin_create_or_update("rg-connectivity", "pip-afw-hub", {
        "location": LOCATION, "sku": {"name": "Standard"},
        "properties": {"publicIPAllocationMethod": "Static"}}).result()
    net.azure_firewalls.begin_create_or_update("rg-connectivity", "afw-hub", {
        "location": LOCATION, "properties": {
            "sku": {"name": "AZFW_VNet", "tier": "Standard"},
            "ipConfigurations": [{"name": "ipconfig1", "properties": {
                "subnet": {"id": f"{hub.vnet}/subnets/AzureFirewallSubnet"}, "publicIPAddress": {"id": hub.pip}}}]}},
    ).result()
    # a spoke the platform peered earlier: its address space is taken
    net.virtual_networks.begin_create_or_update("rg-connectivity", "vnet-other-spoke", {
        "location": LOCATION, "properties": {"addressSpace": {"addressPrefixes": ["10.50.0.0/16"]}}}).result()
    net.virtual_network_peerings.begin_create_or_update("rg-connectivity", "vnet-hub", "hub-to-other", {
        "properties": {"remoteVirtualNetwork": {"id": hub.other_vnet}, "allowVirtualNetworkAccess": True}}).result()
    for zone in ZONES:
        clients.privatedns.private_zones.begin_create_or_update("rg-dns", zone, {"location": "global"}).result()
    clients.resource.resources.begin_create_or_update_by_id(hub.workspace, {
        "location": LOCATION, "properties": {"sku": {"name": "PerGB2018"}, "retentionInDays": 30}},
        api_version="2023-09-01").result()
    return hub


def plan_text(hub: Hub, name: str, space: str, *, mode: str = "lzengine", firewall: str | None = None,
              vnet: str | None = None, dns: str | None = None, workspace: str | None = None) -> str:
    existing = {
        "virtual_network_id": vnet or hub.vnet,
        ("firewall_private_ip" if firewall and not firewall.startswith("/") else "firewall_id"): firewall
        or hub.firewall,
        "private_dns_resource_group_id": dns or hub.dns_group,
        "log_analytics_workspace_id": workspace or hub.workspace,
        "peering": mode,
        "dns_links": mode,
    }
    lines = "\n".join(f"    {key}: {value}" for key, value in existing.items())
    return f"""name: {name}
location: {LOCATION}
teams: {{app: {{}}}}
hub:
  existing:
{lines}
  policy_assignments: []
spokes:
  - name: chat
    owner: app
    address_space: {space}
    ai:
      deployments: [{{model: gpt-4o, version: "2024-11-20", sku: DataZoneStandard, capacity: 10}}]
    search: {{sku: basic, replicas: 1}}
"""


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Cli, EmulatorClient, Hub, Path]]:
    with Emulator(time_scale=0.0, throttle="off") as emu:
        client = EmulatorClient(emu)
        yield Cli(client), client, build_hub(emu), tmp_path_factory.mktemp("existing-hub")


def _write(folder: Path, text: str, name: str) -> str:
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _hub_writes(emulator: EmulatorClient, hub: Hub) -> dict[str, int]:
    """Write requests since the last stats reset to anything under the hub's resource groups."""
    groups = [f"/subscriptions/{hub.subscription}/resourcegroups/{g}".lower() for g in HUB_GROUPS]
    return {path: n for path, n in emulator.stats()["changes_by_id"].items()
            if any(path == g or path.startswith(g + "/") for g in groups)}


#: what Azure computes on a hub resource when others attach to it (a zone's record and link counts;
#: a VNet's peerings, which are resources of their own, and the etags a new child changes): not a
#: write to the resource (the per-id write counters prove that)
COMPUTED = ("numberOfRecordSets", "numberOfVirtualNetworkLinks", "numberOfVirtualNetworkLinksWithRegistration",
            "virtualNetworkPeerings", "etag")


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k not in COMPUTED}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _hub_bodies(emulator: EmulatorClient, hub: Hub) -> dict[str, Any]:
    """The body of every resource of the hub (None: absent), without what Azure computes."""
    resources = emulator.resources()
    return {arm_id: _plain(resources.get(arm_id.lower())) for arm_id in hub.own_resources()}


def test_a_spoke_on_an_existing_hub_writes_only_the_peering_and_links(estate) -> None:
    cli, emulator, hub, folder = estate
    plan = _write(folder, plan_text(hub, "lz-exhub", "10.120.0.0/22"), "lzengine")
    before = _hub_bodies(emulator, hub)
    assert all(v is not None for v in before.values()), before

    graph = json.loads(cli("graph", plan, "--format", "json").stdout)
    shown = {n["address"]: n for n in graph["nodes"]}
    assert {a for a, n in shown.items() if n.get("existing")} == {
        "hub.vnet", "hub.firewall", "hub.log_analytics", *[f"hub.dns_zone.{z}" for z in ZONES]}

    code, planned = cli.json("plan", plan)
    assert code == 0, planned
    by_address = {c["address"]: c for c in planned["changes"]}
    assert by_address["hub.vnet"]["disposition"] == "existing" and not by_address["hub.vnet"]["will_write"]
    assert by_address["hub.firewall"]["action"] == "noop"

    emulator.reset_stats()
    code, report = cli.json("apply", plan)
    assert code == 0, [o["error"] for o in report["outcomes"] if o["error"]]
    writes = _hub_writes(emulator, hub)
    peering = f"{hub.vnet}/virtualNetworkPeerings/peer-lz-exhub-hub-to-chat".lower()
    links = {f"{hub.zone(z)}/virtualNetworkLinks/link-vnet-lz-exhub-chat".lower() for z in ZONES}
    # the documented exceptions (each PUT once) and nothing else of the hub
    assert set(writes) == {peering, *links}, sorted(writes)
    assert all(n == 1 for n in writes.values()), writes
    assert _hub_bodies(emulator, hub) == before

    live = emulator.resources()
    firewall_ip = live[hub.firewall.lower()]["properties"]["ipConfigurations"][0]["properties"]["privateIPAddress"]
    sub = f"/subscriptions/{hub.subscription}/resourcegroups/rg-lz-exhub-chat/providers/microsoft.network"
    table = live[f"{sub}/routetables/rt-lz-exhub-chat-egress"]
    assert table["properties"]["routes"][0]["properties"]["nextHopIpAddress"] == firewall_ip
    subnet = live[f"{sub}/virtualnetworks/vnet-lz-exhub-chat/subnets/snet-pep"]
    assert subnet["properties"]["routeTable"]["id"].lower().endswith("rt-lz-exhub-chat-egress")
    assert live[peering]["properties"]["peeringState"] == "Connected"
    to_hub = live[f"{sub}/virtualnetworks/vnet-lz-exhub-chat/virtualnetworkpeerings/peer-lz-exhub-chat-to-hub"]
    assert to_hub["properties"]["peeringState"] == "Connected"
    zone_groups = [b for i, b in live.items() if i.startswith(sub) and i.endswith("/privatednszonegroups/default")]
    assert zone_groups and {c["properties"]["privateDnsZoneId"].lower() for g in zone_groups
                            for c in g["properties"]["privateDnsZoneConfigs"]} <= {hub.zone(z).lower() for z in ZONES}
    settings = [b for i, b in live.items() if "/diagnosticsettings/" in i and i.startswith(sub.rsplit("/prov", 1)[0])]
    assert settings and {s["properties"]["workspaceId"].lower() for s in settings} == {hub.workspace.lower()}
    control = f"/subscriptions/{hub.subscription}/resourcegroups/rg-lz-exhub-lzengine"
    assert f"{control}/providers/microsoft.network/privatednszones/lz-exhub.lzengine.internal" in live

    code, verified = cli.json("verify", plan)
    failed = [c for c in verified["checks"] if c["status"] == "fail" and c["name"] != "policy-compliance"]
    assert not failed, failed

    emulator.reset_stats()
    code, again = cli.json("apply", plan)
    assert code == 0 and again["summary"]["create"] == again["summary"]["update"] == 0, again["summary"]
    assert {p for p in emulator.stats()["changes_by_id"] if not p.endswith((LOCK_RECORD, CHECKPOINT_RECORD))} == set()

    emulator.reset_stats()
    code, destroyed = cli.json("destroy", plan, "--yes")
    assert code == 0, [o["error"] for o in destroyed["outcomes"] if o["error"]]
    writes = _hub_writes(emulator, hub)
    assert set(writes) == {peering, *links}  # the deletes of the exceptions, nothing else of the hub
    live = emulator.resources()
    assert not [i for i in live if i.startswith(sub.rsplit("/providers", 1)[0]) or i.startswith(control)]
    assert peering not in live and not links & set(live)
    assert _hub_bodies(emulator, hub) == before
    assert f"{hub.vnet}/virtualNetworkPeerings/hub-to-other".lower() in live


def test_with_the_platform_doing_both_nothing_of_the_hub_is_written(estate) -> None:
    cli, emulator, hub, folder = estate
    before = _hub_bodies(emulator, hub)
    firewall_ip = emulator.resources()[hub.firewall.lower()]["properties"]["ipConfigurations"][0][
        "properties"]["privateIPAddress"]
    plan = _write(folder, plan_text(hub, "lz-exhub-p", "10.121.0.0/22", mode="platform", firewall=firewall_ip),
                  "platform")
    emulator.reset_stats()
    code, report = cli.json("apply", plan)
    assert code == 0, [o["error"] for o in report["outcomes"] if o["error"]]
    assert _hub_writes(emulator, hub) == {}
    assert _hub_bodies(emulator, hub) == before
    addresses = {o["address"] for o in report["outcomes"]}
    assert "spokes.chat.peering.from_hub" not in addresses and not [a for a in addresses if ".link." in a]

    code, planned = cli.json("plan", plan)
    assert code == 0
    notes = " ".join(planned["notes"])
    assert "hub.existing.peering: platform" in notes and "stays Initiated" in notes
    assert "hub.existing.dns_links: platform" in notes

    code, verified = cli.json("verify", plan)
    dns = [c for c in verified["checks"] if c["name"] == "private-endpoint-dns"]
    assert dns and all(c["status"] == "fail" and "waiting on the platform" in c["detail"] for c in dns), dns

    # the platform does its part; lzengine then sees it, still writing nothing of the hub
    clients = Clients(emulator.emu)
    spoke_vnet = (f"/subscriptions/{hub.subscription}/resourceGroups/rg-lz-exhub-p-chat/providers/"
                  "Microsoft.Network/virtualNetworks/vnet-lz-exhub-p-chat")
    clients.network.virtual_network_peerings.begin_create_or_update("rg-connectivity", "vnet-hub", "hub-to-chat", {
        "properties": {"remoteVirtualNetwork": {"id": spoke_vnet}, "allowVirtualNetworkAccess": True}}).result()
    for zone in ZONES:
        clients.privatedns.virtual_network_links.begin_create_or_update("rg-dns", zone, "platform-chat", {
            "location": "global", "properties": {"virtualNetwork": {"id": spoke_vnet},
                                                 "registrationEnabled": False}}).result()
    code, planned = cli.json("plan", plan)
    assert "it exists: Connected" in " ".join(planned["notes"])
    code, verified = cli.json("verify", plan)
    dns = [c for c in verified["checks"] if c["name"] == "private-endpoint-dns"]
    assert all(c["status"] == "pass" for c in dns), dns
    egress = [c for c in verified["checks"] if c["name"] == "egress-through-firewall"]
    assert egress and all(c["status"] == "pass" for c in egress), egress

    emulator.reset_stats()
    code, _ = cli.json("destroy", plan, "--yes")
    assert code == 0
    assert _hub_writes(emulator, hub) == {}  # the platform's peering and links are the platform's to remove


def test_ids_that_do_not_resolve_fail_plan_and_apply_naming_each_before_any_write(estate) -> None:
    cli, emulator, hub, folder = estate
    missing_fw = hub.firewall.replace("afw-hub", "afw-gone")
    missing_ws = hub.workspace.replace("log-platform", "log-gone")
    missing_dns = hub.dns_group.replace("rg-dns", "rg-dns-gone")
    plan = _write(folder, plan_text(hub, "lz-exhub-bad", "10.50.8.0/22", firewall=missing_fw, dns=missing_dns,
                                    workspace=missing_ws), "unresolved")
    emulator.reset_stats()
    for command in ("plan", "apply"):
        result = cli(command, plan)
        assert result.exit_code == 1, result.output
        text = result.output
        assert "Traceback" not in text
        assert f"firewall_id: {missing_fw} does not exist" in text
        assert f"log_analytics_workspace_id: {missing_ws} does not exist" in text
        for zone in ZONES:
            assert f"{missing_dns}/providers/Microsoft.Network/privateDnsZones/{zone} does not exist" in text
        # the spoke overlaps the VNet the platform peered earlier
        assert "spokes.chat.address_space 10.50.8.0/22 overlaps 10.50.0.0/16" in text
    stats = emulator.stats()
    assert stats["writes"] == stats["deletes"] == 0


def test_validate_checks_id_shapes_and_refuses_hub_components_offline(estate) -> None:
    cli, emulator, hub, folder = estate
    emulator.reset_stats()
    bad_id = _write(folder, plan_text(hub, "lz-exhub-v", "10.122.0.0/22",
                                      vnet="/subscriptions/not-a-guid/virtualNetworks/x"), "bad-id")
    result = cli("validate", bad_id)
    assert result.exit_code == 1
    assert f"{bad_id}:6:25: error[invalid-value]" in result.output
    assert "is not an id of the expected shape" in result.output

    text = plan_text(hub, "lz-exhub-v", "10.122.0.0/22").replace(
        "  policy_assignments: []\n", "  policy_assignments: [{definition: allowed-locations, "
        "parameters: {listOfAllowedLocations: [swedencentral]}, scope: hub}]\n  firewall: {}\n"
        "  address_space: 10.0.0.0/16\n")
    components = _write(folder, text, "components")
    result = cli("validate", components)
    assert result.exit_code == 1
    out = result.output
    for line, column, message in ((13, 13, "hub.firewall cannot be declared with hub.existing"),
                                  (14, 18, "hub.address_space cannot be declared with hub.existing"),
                                  (12, 118, "a policy assignment on the hub cannot be declared with hub.existing")):
        assert f"{components}:{line}:{column}: error[existing-hub]: {message}" in out, out
    assert out.count(": error[") == 3, out
    assert emulator.stats()["reads"] == 0  # offline


def test_an_existing_hub_in_another_subscription(tmp_path: Path) -> None:
    """The connectivity subscription holds the hub, the plan's default subscription the spoke: the
    hub is read by its ids and only the peering and links are written there."""
    with Emulator(time_scale=0.0, throttle="off", subscriptions=2) as emu:
        default, connectivity = emu.subscriptions
        emulator = EmulatorClient(emu)
        cli = Cli(emulator)
        hub = build_hub(emu, connectivity)
        before = _hub_bodies(emulator, hub)
        plan = _write(tmp_path, plan_text(hub, "lz-exhub-x", "10.123.0.0/22"), "cross")
        emulator.reset_stats()
        code, report = cli.json("apply", plan)
        assert code == 0, [o["error"] for o in report["outcomes"] if o["error"]]
        writes = _hub_writes(emulator, hub)
        peering = f"{hub.vnet}/virtualNetworkPeerings/peer-lz-exhub-x-hub-to-chat".lower()
        links = {f"{hub.zone(z)}/virtualNetworkLinks/link-vnet-lz-exhub-x-chat".lower() for z in ZONES}
        assert set(writes) == {peering, *links}, sorted(writes)
        assert _hub_bodies(emulator, hub) == before
        live = emulator.resources()
        spoke_vnet = (f"/subscriptions/{default}/resourcegroups/rg-lz-exhub-x-chat/providers/microsoft.network/"
                      "virtualnetworks/vnet-lz-exhub-x-chat")
        assert spoke_vnet in live and live[peering]["properties"]["peeringState"] == "Connected"
        assert not [i for i in emulator.stats()["changes_by_id"] if i.startswith(f"/subscriptions/{connectivity}")
                    and i.lower() not in {peering, *links}]
        code, _ = cli.json("destroy", plan, "--yes")
        assert code == 0
        assert _hub_bodies(emulator, hub) == before and spoke_vnet not in emulator.resources()
