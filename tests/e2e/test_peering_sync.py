"""Declarative peering sync: after a VNet's address space grows, both peerings are synced in the
same apply (syncRemoteAddressSpace=true), and the next plan has nothing to do."""

from __future__ import annotations

PLAN = """\
name: contoso-ai
location: swedencentral
teams:
  app-team: {principals: [22222222-2222-2222-2222-222222222222]}
hub:
  address_space: 10.100.0.0/16
  policy_assignments: []
spokes:
  - name: app
    owner: app-team
    address_space: 10.101.0.0/22
    subnets:
      - {name: snet-app, size: 24}
"""


def peerings(emulator) -> dict[str, dict]:
    return {key.rsplit("/", 1)[-1]: body["properties"] for key, body in emulator.resources().items()
            if "/virtualnetworkpeerings/" in key}


def assert_every_peering_in_sync(emulator) -> None:
    """End state: each peering is FullyInSync and shows its remote VNet's live address space."""
    resources = emulator.resources()
    found = [body["properties"] for key, body in resources.items() if "/virtualnetworkpeerings/" in key]
    assert len(found) == 2
    for peering in found:
        remote = resources[peering["remoteVirtualNetwork"]["id"].lower()]
        assert peering["peeringSyncLevel"] == "FullyInSync"
        assert peering["peeringState"] == "Connected"
        live_space = remote["properties"]["addressSpace"]["addressPrefixes"]
        assert peering["remoteAddressSpace"]["addressPrefixes"] == live_space


def test_address_space_change_resyncs_both_peerings_in_one_apply(cli, emulator, plan_file) -> None:
    assert cli.json("apply", plan_file(PLAN))[0] == 0
    assert_every_peering_in_sync(emulator)

    grown = plan_file(PLAN.replace("address_space: 10.101.0.0/22", "address_space: [10.101.0.0/22, 10.102.0.0/24]"),
                      "grown.yaml")
    code, report = cli.json("apply", grown)
    assert code == 0, [o["error"] for o in report["outcomes"] if o["error"]]
    assert_every_peering_in_sync(emulator)
    remote_spaces = sorted(p["remoteAddressSpace"]["addressPrefixes"] for p in peerings(emulator).values())
    assert remote_spaces == [["10.100.0.0/16"], ["10.101.0.0/22", "10.102.0.0/24"]]  # the hub sees the new block
    assert cli("plan", grown, "--detailed-exitcode").exit_code == 0
