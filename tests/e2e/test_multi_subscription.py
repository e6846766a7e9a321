"""Hub and spokes in their own subscriptions, end to end: ``plans/multi-subscription.yaml``
against an emulator serving its three subscriptions (hub: connectivity; chat and search: one
landing-zone subscription each), through the CLI and the real SDK clients.

Asserted on the emulator's end state: every resource in its owner's subscription, the route
tables beside each spoke's VNet, peerings Connected on both sides, the hub's DNS zones linked to
VNets in other subscriptions and holding the spokes' endpoint records, the control zone in the
hub's subscription, a second apply that writes nothing, drift, ``--team``, prune of a spoke
dropped with its subscription, and a destroy that empties all three subscriptions. And the
upgrade of a landing zone made with the old shared hub route table.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest
import requests
from click.testing import CliRunner

from lzengine import ids
from lzengine.cli import main
from lzengine.compile import compile_plan
from lzengine.emulator import Emulator
from lzengine.plan import load_plan
from tests.conftest import PLANS, Cli, EmulatorClient

RECIPE = PLANS / "multi-subscription.yaml"
HUB_SUB = "c0ee0000-0000-4000-8000-000000000001"
CHAT_SUB = "1a000000-0000-4000-8000-000000000001"
SEARCH_SUB = "1a000000-0000-4000-8000-000000000002"
SUBSCRIPTIONS = (HUB_SUB, CHAT_SUB, SEARCH_SUB)
NETWORK_API = "2024-05-01"


@pytest.fixture
def three() -> Iterator[EmulatorClient]:
    """An emulator serving the recipe's three subscriptions; the hub's is its default."""
    with Emulator(time_scale=0.0, throttle="off", subscriptions=list(SUBSCRIPTIONS)) as emu:
        yield EmulatorClient(emu)


@pytest.fixture
def cli3(three: EmulatorClient) -> Cli:
    return Cli(three)


def in_subscription(state: dict, subscription: str) -> dict:
    return {k: v for k, v in state.items() if k.startswith(f"/subscriptions/{subscription}/")}


def admin(emulator: EmulatorClient, method: str, path: str, body: dict | None = None,
          api: str = NETWORK_API) -> dict:
    emu = emulator.emu
    url = f"{emu.url}{path}" + ("" if path.startswith("/_emulator") else f"?api-version={api}")
    response = requests.request(method, url, json=body, verify=emu.ca_file, timeout=10,
                                headers={"Authorization": f"Bearer {emu.token}"})
    assert response.status_code < 300, response.text
    return response.json() if response.text else {}


def test_the_recipe_converges_in_three_subscriptions_then_destroys_all_of_it(cli3, three) -> None:
    code, report = cli3.json("apply", str(RECIPE))
    assert code == 0, [(o["address"], o["error"]) for o in report["outcomes"] if o["error"]]
    graph = compile_plan(load_plan(RECIPE), HUB_SUB)
    state = three.resources()

    # every resource of the plan exists, at the id the plan gives it: in its owner's subscription
    missing = [n.address for n in graph if n.arm_id.lower() not in state]
    assert missing == []
    for subscription, spoke in ((CHAT_SUB, "chat"), (SEARCH_SUB, "search")):
        here = in_subscription(state, subscription)
        assert f"/subscriptions/{subscription}/resourcegroups/rg-contoso-alz-{spoke}" in here
        assert not [k for k in here if "/resourcegroups/rg-contoso-alz-hub" in k]
    control = f"/subscriptions/{HUB_SUB}/resourcegroups/rg-contoso-alz-hub/providers/microsoft.network/" \
              "privatednszones/contoso-alz.lzengine.internal"
    assert control in state  # the ownership records and the run lock live in the hub's subscription

    # what must sit beside a VNet sits beside it: each spoke's own route table, 0.0.0.0/0 to the firewall
    firewall_ip = state[graph.nodes["hub.firewall"].arm_id.lower()]["properties"]["ipConfigurations"][0][
        "properties"]["privateIPAddress"]
    for spoke in ("chat", "search"):
        table_id = graph.nodes[f"spokes.{spoke}.route_table.egress"].arm_id
        assert ids.subscription_of(table_id) == ids.subscription_of(graph.nodes[f"spokes.{spoke}.vnet"].arm_id)
        (route,) = state[table_id.lower()]["properties"]["routes"]
        assert (route["properties"]["addressPrefix"], route["properties"]["nextHopIpAddress"]) == \
            ("0.0.0.0/0", firewall_ip)
        subnets = [n for n in graph if n.kind.name == "subnet" and n.address.startswith(f"spokes.{spoke}.")]
        routed = [n for n in subnets if "routeTable" in n.body["properties"]]  # all but the gateway's
        assert len(routed) >= len(subnets) - 1 and routed
        for subnet in routed:
            live = state[subnet.arm_id.lower()]["properties"]
            assert live["routeTable"]["id"].lower() == table_id.lower(), subnet.address
            nsg = ids.parse(live["networkSecurityGroup"]["id"])
            assert (nsg.subscription, nsg.resource_group) == (ids.parse(table_id).subscription,
                                                               ids.parse(table_id).resource_group)
        # peered both ways across subscriptions, each side in its own VNet's subscription
        for side in ("to_hub", "from_hub"):
            peering = state[graph.nodes[f"spokes.{spoke}.peering.{side}"].arm_id.lower()]["properties"]
            assert peering["peeringState"] == "Connected", (spoke, side)
    # the hub's zones, in the hub's subscription, are linked to the spokes' VNets in theirs
    link = state[graph.nodes["hub.dns_zone.privatelink.search.windows.net.link.search"].arm_id.lower()]
    assert ids.subscription_of(link["properties"]["virtualNetwork"]["id"]) == SEARCH_SUB
    records = [k for k in in_subscription(state, HUB_SUB) if "/privatednszones/privatelink.search.windows.net/a/" in k]
    assert records  # the search endpoint (in the search subscription) registered in the hub's zone

    # names resolve across subscriptions and every guardrail holds, in every subscription
    code, checked = cli3.json("verify", str(RECIPE))
    assert code == 0, [c for c in checked["checks"] if c["status"] == "fail"]
    assert {c["resource"] for c in checked["checks"] if c["name"] == "policy-compliance"} == \
        {f"/subscriptions/{s}" for s in SUBSCRIPTIONS}

    # a second apply writes nothing (but the run lock's own record)
    three.reset_stats()
    code, again = cli3.json("apply", str(RECIPE))
    assert code == 0 and again["summary"]["create"] == again["summary"]["update"] == 0
    stats = three.stats()
    assert stats["writes"] == 1 and stats["deletes"] == 1, stats  # the run lock (lzengine.zone_lock)

    # destroy cleans every subscription
    code, destroyed = cli3.json("destroy", str(RECIPE), "--yes", "--purge")
    assert code == 0, [(o["address"], o["error"]) for o in destroyed["outcomes"] if o["error"]]
    state = three.resources()
    assert {s: sorted(in_subscription(state, s)) for s in SUBSCRIPTIONS} == {s: [] for s in SUBSCRIPTIONS}


READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
RBAC_ADMIN = "f58310d9-a9f6-439a-9e8d-f62e7b41a168"
PRIVATE_DNS_ZONE_CONTRIBUTOR = "b12aa53e-6015-4669-85d0-8515ebb3ae7f"
LINKER_ACTIONS = ["Microsoft.Network/virtualNetworks/peer/action", "Microsoft.Network/privateDnsZones/join/action"]


def grant(emulator: EmulatorClient, scope: str, role: str, principal: str) -> None:
    """A role assignment at ``scope``, naming the role definition in the scope's own subscription."""
    sub = ids.subscription_of(scope)
    admin(emulator, "PUT", f"{scope}/providers/Microsoft.Authorization/roleAssignments/{uuid.uuid4()}",
          {"properties": {"roleDefinitionId": f"/subscriptions/{sub}/providers/Microsoft.Authorization/"
                                              f"roleDefinitions/{role}", "principalId": principal,
                          "principalType": "ServicePrincipal"}}, api="2022-04-01")


def team_identity(emulator: EmulatorClient) -> str:
    """The chat team's principal with the README's team minimum, across the two subscriptions."""
    spoke = f"/subscriptions/{CHAT_SUB}/resourceGroups/rg-contoso-alz-chat"
    hub = f"/subscriptions/{HUB_SUB}/resourceGroups/rg-contoso-alz-hub"
    principal = admin(emulator, "POST", "/_emulator/principals",
                      {"name": "chat-team-pipeline", "role": "Contributor", "scope": spoke})
    oid = principal["object_id"]
    grant(emulator, spoke, RBAC_ADMIN, oid)  # the app's identity on its AI account
    grant(emulator, hub, READER, oid)
    linker = str(uuid.uuid4())
    admin(emulator, "PUT", f"/subscriptions/{HUB_SUB}/providers/Microsoft.Authorization/roleDefinitions/{linker}",
          {"properties": {"roleName": "lzengine spoke linker", "type": "CustomRole",
                          "permissions": [{"actions": LINKER_ACTIONS, "notActions": []}],
                          "assignableScopes": [hub]}}, api="2022-04-01")
    grant(emulator, hub, linker, oid)
    grant(emulator, f"{hub}/providers/Microsoft.Network/privateDnsZones/contoso-alz.lzengine.internal",
          PRIVATE_DNS_ZONE_CONTRIBUTOR, oid)
    return str(principal["token"])


def test_day_two_across_subscriptions_drift_team_and_prune(cli3, three, plan_file) -> None:
    text = RECIPE.read_text(encoding="utf-8")
    assert cli3.json("apply", plan_file(text))[0] == 0
    graph = compile_plan(load_plan(RECIPE), HUB_SUB)

    # someone repoints the search spoke's default route, in the search subscription: drift, repaired
    table_id = graph.nodes["spokes.search.route_table.egress"].arm_id
    table = admin(three, "GET", table_id)
    table["properties"]["routes"][0]["properties"]["nextHopIpAddress"] = "10.255.255.4"
    admin(three, "PUT", table_id, table)
    result = cli3("drift", plan_file(text), "--output", "json")
    assert result.exit_code == 2
    assert [d["address"] for d in json.loads(result.stdout)["drifted"]] == ["spokes.search.route_table.egress"]

    # the chat team adds a subnet, with its own identity holding the README's team minimum: in its
    # landing-zone subscription, and what it links to in the hub's. Its run writes its own
    # subscription only; the platform's route table (in the search subscription) stays drifted,
    # reported as not applied
    extra = text.replace("    address_space: 10.101.0.0/22\n",
                         "    address_space: 10.101.0.0/22\n    subnets: [{name: snet-extra, size: 27}]\n")
    team_token = team_identity(three)
    result = CliRunner().invoke(main, ["apply", plan_file(extra, "team.yaml"), "--team", "chat-team",
                                       "--output", "json"],
                                env={"LZENGINE_ENDPOINT": three.emu.url, "LZENGINE_CA_FILE": three.emu.ca_file,
                                     "LZENGINE_TOKEN": team_token, "AZURE_SUBSCRIPTION_ID": HUB_SUB},
                                catch_exceptions=False)
    code, report = result.exit_code, json.loads(result.stdout)
    assert code == 0, [(o["address"], o["error"]) for o in report["outcomes"] if o["error"]]
    outcomes = {o["address"]: o for o in report["outcomes"]}
    assert outcomes["spokes.chat.subnet.snet-extra"]["action"] == "create"
    assert outcomes["spokes.search.route_table.egress"]["status"] == "not-applied"
    written = [o for o in report["outcomes"] if o["status"] == "succeeded" and o["action"] != "noop"]
    assert written and all(ids.subscription_of(o["id"]) == CHAT_SUB for o in written), written
    assert three.resources()[(graph.nodes["spokes.chat.vnet"].arm_id + "/subnets/snet-extra").lower()][
        "properties"]["routeTable"]["id"].lower().endswith("/routetables/rt-contoso-alz-chat-egress")
    assert cli3.json("apply", plan_file(extra, "platform.yaml"))[0] == 0  # the platform repairs its table

    # the search spoke goes away with its subscription: prune finds it there, and the hub side of
    # its peering and its DNS links in the hub's subscription
    start = text.index("  - name: search")
    without = text[:start].rstrip() + "\n"
    without = without.replace("    address_space: 10.101.0.0/22\n",
                              "    address_space: 10.101.0.0/22\n    subnets: [{name: snet-extra, size: 27}]\n")
    code, pruned = cli3.json("apply", plan_file(without, "pruned.yaml"), "--prune", "--yes")
    assert code == 0, [(o["address"], o["error"]) for o in pruned["outcomes"] if o["error"]]
    state = three.resources()
    assert in_subscription(state, SEARCH_SUB) == {}
    assert not [k for k in state if "peer-contoso-alz-hub-to-search" in k or "link-vnet-contoso-alz-search" in k]
    assert in_subscription(state, CHAT_SUB) and in_subscription(state, HUB_SUB)
    assert cli3("plan", plan_file(without, "check.yaml"), "--detailed-exitcode").exit_code == 0


OLD = """\
name: lz-upgrade
location: swedencentral
teams: {app: {principals: []}}
hub:
  address_space: 10.100.0.0/20
  firewall: {}
spokes:
  - name: app
    owner: app
    address_space: 10.101.0.0/24
    subnets: [{name: snet-work, prefix: 10.101.0.0/26}]
"""


def test_a_zone_with_the_old_shared_route_table_moves_to_per_spoke_tables(cli, emulator, plan_file) -> None:
    """An estate made before route tables were per spoke: one tagged ``rt-<prefix>-egress`` in the
    hub's resource group that the spoke's subnets use. ``apply`` re-associates them with the
    spoke's own table; ``apply --prune`` deletes the shared one."""
    path = plan_file(OLD)
    assert cli.json("apply", path)[0] == 0
    sub = emulator.emu.subscription_id
    hub_rg = f"/subscriptions/{sub}/resourceGroups/rg-lz-upgrade-hub"
    old_id = f"{hub_rg}/providers/Microsoft.Network/routeTables/rt-lz-upgrade-egress"
    new_id = f"/subscriptions/{sub}/resourceGroups/rg-lz-upgrade-app/providers/Microsoft.Network/routeTables/" \
             "rt-lz-upgrade-app-egress"
    # what the earlier release left: the shared table, tagged as this zone's, on the spoke's subnet
    shared = admin(emulator, "GET", new_id)
    admin(emulator, "PUT", old_id, {"location": shared["location"], "tags": shared["tags"],
                                    "properties": {"routes": shared["properties"]["routes"],
                                                   "disableBgpRoutePropagation": True}})
    subnet_id = f"/subscriptions/{sub}/resourceGroups/rg-lz-upgrade-app/providers/Microsoft.Network/" \
                "virtualNetworks/vnet-lz-upgrade-app/subnets/snet-work"
    subnet = admin(emulator, "GET", subnet_id)
    subnet["properties"]["routeTable"] = {"id": old_id}
    admin(emulator, "PUT", subnet_id, subnet)

    code, plan = cli.json("plan", path, "--prune")
    changes = {c["address"]: c for c in plan["changes"]}
    assert changes["spokes.app.subnet.snet-work"]["action"] == "update"
    assert changes[f"prune:{old_id}"]["action"] == "delete"

    code, report = cli.json("apply", path, "--prune", "--yes")
    assert code == 0, [(o["address"], o["error"]) for o in report["outcomes"] if o["error"]]
    state = emulator.resources()
    assert old_id.lower() not in state
    assert state[subnet_id.lower()]["properties"]["routeTable"]["id"].lower() == new_id.lower()
    assert cli("plan", path, "--prune", "--detailed-exitcode").exit_code == 0

