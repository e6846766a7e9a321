"""Drift: a change made outside lzengine shows in plan (exit 2) and apply puts it back, unless
the plan declares the field as managed elsewhere (ignore_changes)."""

from __future__ import annotations

import requests

HUB = """\
name: contoso-ai
location: swedencentral
tags: {env: test}
hub:
  address_space: 10.100.0.0/16
  subnets:
    - {name: snet-shared, prefix: 10.100.1.0/24, nsg: false}
"""


def change_out_of_band(emulator, arm_id: str, mutate) -> None:
    """Someone edits the resource in the portal: GET, mutate, PUT (api-version of the SDK)."""
    emu = emulator.emu
    url = f"{emu.url}{arm_id}?api-version=2024-05-01"
    headers = {"Authorization": f"Bearer {emu.token}"}
    body = requests.get(url, headers=headers, verify=emu.ca_file, timeout=10).json()
    mutate(body)
    requests.put(url, json=body, headers=headers, verify=emu.ca_file, timeout=10).raise_for_status()
    requests.post(f"{emu.url}/_emulator/settle", headers=headers, verify=emu.ca_file, timeout=10)


def vnet_id(emulator) -> str:
    return (f"/subscriptions/{emulator.emu.subscription_id}/resourceGroups/rg-contoso-ai-hub/providers/"
            "Microsoft.Network/virtualNetworks/vnet-contoso-ai-hub")


def test_drift_is_detected_and_reverted(cli, emulator, plan_file) -> None:
    path = plan_file(HUB)
    assert cli.json("apply", path)[0] == 0
    change_out_of_band(emulator, vnet_id(emulator) + "/subnets/snet-shared",
                       lambda b: b["properties"].update(addressPrefix="10.100.7.0/24"))
    result = cli("plan", path, "--detailed-exitcode")
    assert result.exit_code == 2
    assert "properties.addressPrefix: '10.100.7.0/24' -> '10.100.1.0/24'" in result.stdout
    code, report = cli.json("apply", path)
    assert code == 0 and report["summary"]["update"] == 1
    assert cli("plan", path, "--detailed-exitcode").exit_code == 0


def test_ignore_changes_leaves_policy_managed_fields_alone(cli, emulator, plan_file) -> None:
    managed = HUB + "ignore_changes:\n  - {address: 'hub.*', paths: [tags.env]}\n"
    path = plan_file(managed)
    assert cli.json("apply", path)[0] == 0
    change_out_of_band(emulator, vnet_id(emulator), lambda b: b["tags"].update(env="stamped-by-policy"))
    assert cli("plan", path, "--detailed-exitcode").exit_code == 0
    emulator.reset_stats()
    code, report = cli.json("apply", path)
    assert code == 0 and report["summary"]["update"] == 0
    # the run lock's record (lzengine.zone_lock) only: a run that writes nothing leaves the young
    # verification checkpoint where it is (lzengine.verified)
    assert emulator.stats()["writes"] == 1
    vnet = emulator.resources()[vnet_id(emulator).lower()]
    assert vnet["tags"]["env"] == "stamped-by-policy"
    # Without the declaration the same field is drift.
    assert cli("plan", plan_file(HUB, "plain.yaml"), "--detailed-exitcode").exit_code == 2
