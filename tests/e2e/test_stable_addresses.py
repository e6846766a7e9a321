"""Stable addresses through the CLI: a new subnet that finds no room beside the live ones stops
the run with what to do, instead of moving a subnet that exists."""

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
    address_space: 10.101.0.0/26
    subnets:
      - {name: snet-a, size: 27}
      - {name: snet-b, size: 27}
"""


def test_new_subnet_without_room_beside_a_dropped_live_one_stops_with_what_to_do(cli, emulator, plan_file) -> None:
    assert cli.json("apply", plan_file(PLAN))[0] == 0
    swapped = plan_file(PLAN.replace("snet-b", "snet-c"), "swapped.yaml")  # valid offline: two /27 in a /26
    emulator.reset_stats()
    result = cli("plan", swapped)
    assert result.exit_code == 1
    assert "no free block left in 10.101.0.0/26 for subnet 'snet-c' (/27)" in result.stderr
    assert "snet-b 10.101.0.32/27" in result.stderr and "add a block to the address space" in result.stderr
    assert "first delete the subnets the plan no longer declares (snet-b)" in result.stderr
    assert "Traceback" not in result.output
    stats = emulator.stats()
    assert stats["writes"] == 0 and stats["deletes"] == 0
