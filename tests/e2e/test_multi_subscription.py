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

import requests

from tests.conftest import EmulatorClient

NETWORK_API = "2024-05-01"


def admin(emulator: EmulatorClient, method: str, path: str, body: dict | None = None,
          api: str = NETWORK_API) -> dict:
    emu = emulator.emu
    response = requests.request(method, f"{emu.url}{path}?api-version={api}", json=body, verify=emu.ca_file,
                                timeout=10, headers={"Authorization": f"Bearer {emu.token}"})
    assert response.status_code < 300, response.text
    return response.json() if response.text else {}


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

