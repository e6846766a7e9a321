"""Plan JSON says what this run would do: nothing is ``applied`` by a plan; ``will_write`` and
``disposition`` tell what it would write from what it would only report (another team's
resource under --team)."""

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


def test_plan_json_marks_what_it_would_write_and_what_it_would_only_report(cli, emulator, plan_file) -> None:
    path = plan_file(PLAN)
    code, document = cli.json("plan", path, "--team", "app-team")
    assert code == 0
    changes = {c["address"]: c for c in document["changes"]}
    assert all("applied" not in c for c in changes.values())
    assert changes["spokes.app.vnet"]["will_write"] is True
    assert changes["spokes.app.vnet"]["disposition"] == "write"
    assert changes["spokes.app.vnet"]["not_written_because"] is None
    hub = changes["hub.vnet"]
    assert hub["will_write"] is False and hub["disposition"] == "not-applied"
    assert "not applied under --team" in hub["not_written_because"]
    assert emulator.stats()["writes"] == 0

    assert cli.json("apply", path)[0] == 0
    _, again = cli.json("plan", path)
    assert {c["disposition"] for c in again["changes"]} == {"nothing"}
    assert not any(c["will_write"] for c in again["changes"])
