"""A change Azure cannot make in place replaces the resource, needs --yes, and recreates what the
replacement took with it, in the same apply."""

from __future__ import annotations

HUB = """\
name: contoso-ai
location: swedencentral
hub:
  address_space: 10.100.0.0/16
  policy_assignments: []
  subnets:
    - {name: snet-a, prefix: 10.100.1.0/24}
"""


def test_location_change_replaces_and_recreates_children_in_one_apply(cli, emulator, plan_file) -> None:
    assert cli.json("apply", plan_file(HUB))[0] == 0
    moved = plan_file(HUB.replace("swedencentral", "westeurope"), "moved.yaml")

    code, plan = cli.json("plan", moved)
    actions = {c["address"]: c["action"] for c in plan["changes"]}
    assert actions["hub.resource_group"] == "replace" and actions["hub.subnet.snet-a"] == "noop"
    assert cli("apply", moved).exit_code == 1  # replacement needs --yes without a TTY

    code, report = cli.json("apply", moved, "--yes")
    assert code == 0, [o["error"] for o in report["outcomes"] if o["error"]]
    by_address = {o["address"]: o["action"] for o in report["outcomes"]}
    assert by_address["hub.resource_group"] == "replace"
    assert by_address["hub.subnet.snet-a"] == "create"  # went with the old group, recreated now
    state = emulator.resources()
    rg_id = f"/subscriptions/{emulator.emu.subscription_id}/resourcegroups/rg-contoso-ai-hub"
    assert state[rg_id]["location"] == "westeurope"
    assert any(key.endswith("/subnets/snet-a") for key in state)
    assert cli("plan", moved, "--detailed-exitcode").exit_code == 0
