"""apply --prune deletes what this landing zone manages and no longer declares, and nothing else."""

from __future__ import annotations

import requests

BASE = """\
name: contoso-ai
location: swedencentral
hub:
  address_space: 10.100.0.0/16
  subnets:
    - {name: snet-shared, prefix: 10.100.1.0/24, nsg: false}
resources:
  - {type: Microsoft.Network/publicIPAddresses, name: pip-keep, api_version: "2024-05-01",
     properties: {publicIPAllocationMethod: Static}, sku: {name: Standard}}
"""
EXTRA = """\
  - {type: Microsoft.Network/publicIPAddresses, name: pip-old, api_version: "2024-05-01",
     properties: {publicIPAllocationMethod: Static}, sku: {name: Standard}}
"""


def put(emulator, arm_id: str, body: dict) -> None:
    emu = emulator.emu
    requests.put(f"{emu.url}{arm_id}?api-version=2024-05-01", json=body, verify=emu.ca_file, timeout=10,
                 headers={"Authorization": f"Bearer {emu.token}"}).raise_for_status()


def rg_id(emulator, name: str) -> str:
    return f"/subscriptions/{emulator.emu.subscription_id}/resourceGroups/{name}"


def test_prune_deletes_only_what_this_zone_manages(cli, emulator, plan_file) -> None:
    assert cli.json("apply", plan_file(BASE + EXTRA))[0] == 0
    hub = rg_id(emulator, "rg-contoso-ai-hub") + "/providers/Microsoft.Network/publicIPAddresses"
    put(emulator, f"{hub}/pip-unmanaged", {"location": "swedencentral", "sku": {"name": "Standard"}})
    put(emulator, f"{hub}/pip-other-zone", {"location": "swedencentral", "sku": {"name": "Standard"},
                                            "tags": {"managed-by": "lzengine", "lzengine-zone": "other"}})
    smaller = plan_file(BASE, "smaller.yaml")

    code, plan = cli.json("plan", smaller, "--prune")
    deletes = [c["id"] for c in plan["changes"] if c["action"] == "delete"]
    assert deletes == [f"{hub}/pip-old"]

    assert cli("apply", smaller, "--prune").exit_code == 1  # deletions need --yes without a TTY
    assert f"{hub}/pip-old".lower() in emulator.resources()

    code, report = cli.json("apply", smaller, "--prune", "--yes")
    assert code == 0, report
    assert report["summary"]["delete"] == 1
    state = emulator.resources()
    assert f"{hub}/pip-old".lower() not in state
    for kept in ("pip-keep", "pip-unmanaged", "pip-other-zone"):
        assert f"{hub}/{kept}".lower() in state


def test_prune_never_deletes_a_resource_group_holding_foreign_resources(cli, emulator, plan_file) -> None:
    assert cli.json("apply", plan_file(BASE))[0] == 0
    old = rg_id(emulator, "rg-contoso-ai-hub")
    put(emulator, f"{old}/providers/Microsoft.Network/publicIPAddresses/pip-someone-elses",
        {"location": "swedencentral", "sku": {"name": "Standard"}})
    moved = plan_file(BASE.replace("hub:\n", "hub:\n  resource_group: rg-moved\n"), "moved.yaml")
    code, report = cli.json("apply", moved, "--prune", "--yes")
    assert code == 0, report
    by_id = {o["id"].lower(): o for o in report["outcomes"]}
    assert by_id[old.lower()]["status"] == "not-applied"
    assert "does not manage" in by_id[old.lower()]["error"]
    state = emulator.resources()
    assert old.lower() in state  # the group and the foreign resource survive
    assert f"{old}/providers/Microsoft.Network/virtualNetworks/vnet-contoso-ai-hub".lower() not in state
    assert rg_id(emulator, "rg-moved").lower() in state
