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


def test_address_space_change_resyncs_both_peerings_in_one_apply(cli, emulator, plan_file) -> None:
    assert cli.json("apply", plan_file(PLAN))[0] == 0
    assert {p["peeringSyncLevel"] for p in peerings(emulator).values()} == {"FullyInSync"}

    grown = plan_file(PLAN.replace("address_space: 10.101.0.0/22", "address_space: [10.101.0.0/22, 10.102.0.0/24]"),
                      "grown.yaml")
    code, report = cli.json("apply", grown)
    assert code == 0, [o["error"] for o in report["outcomes"] if o["error"]]
    actions = {o["address"]: o["action"] for o in report["outcomes"] if o["action"] != "noop"}
    assert actions == {"spokes.app.vnet": "update", "spokes.app.peering.to_hub": "update",
                       "spokes.app.peering.from_hub": "update"}
    state = peerings(emulator)
    assert {p["peeringSyncLevel"] for p in state.values()} == {"FullyInSync"}
    remote_spaces = sorted(p["remoteAddressSpace"]["addressPrefixes"] for p in state.values())
    assert remote_spaces == [["10.100.0.0/16"], ["10.101.0.0/22", "10.102.0.0/24"]]  # the hub sees the new block
    assert cli("plan", grown, "--detailed-exitcode").exit_code == 0
